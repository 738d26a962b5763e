using System.Text.Json.Nodes;
using Amazon.CDK;
using LlmHosting.Constructs.Sagemaker;
using LlmHosting.Constructs.Sagemaker.Components;
using LlmHosting.Constructs.Storage;
using LlmHosting.Constructs.Validation;

namespace LlmHosting.Constructs.Tests.Sagemaker;

/// <summary>
/// The thresholds of the default alarms, each named: normal traffic must not trip them, because the rollback alarms roll
/// an ordinary update back. Errors count as a rate (SageMaker records Invocation5XXErrors as 1 per 5XX answer and 0 per
/// other answer, so its average is the rate); latency is judged against the longest request the model's limits allow.
/// </summary>
public sealed class AlarmThresholdTests
{
    [Fact]
    public void ErrorRateRollbackAlarm_IsAPlainAverageOf5xxPerMinute_AtFivePercent_InThreeOfFiveMinutes()
    {
        var alarm = Alarm(Synth(new VllmSettings { MaxModelLength = 32768 }), "error-rate");

        Assert.Equal(("AWS/SageMaker", "Invocation5XXErrors", "Average", 60), ((string)alarm["Namespace"]!, (string)alarm["MetricName"]!, (string)alarm["Statistic"]!, (double)alarm["Period"]!));
        Assert.Null(alarm["Metrics"]);
        Assert.Equal(0.05, (double)alarm["Threshold"]!);
        Assert.Equal(("GreaterThanOrEqualToThreshold", 5, 3, "notBreaching"),
            ((string)alarm["ComparisonOperator"]!, (double)alarm["EvaluationPeriods"]!, (double)alarm["DatapointsToAlarm"]!, (string)alarm["TreatMissingData"]!));
    }

    [Fact]
    public void ErrorRateAlert_IsThePercentageOf5xxOverFiveMinutes_CountedFromTenRequests()
    {
        var alarm = Alarm(Synth(new VllmSettings { MaxModelLength = 32768 }), "invocation-5xx-errors");

        var metrics = alarm["Metrics"]!.AsArray().ToDictionary(m => (string)m!["Id"]!, m => m!.AsObject());
        var expression = Assert.Single(metrics.Values, m => m["Expression"] is not null);
        Assert.Equal("IF(invocations >= 10, 100 * errors / invocations, 0)", (string)expression["Expression"]!);
        Assert.Equal(("Invocation5XXErrors", "Sum", 300), Stat(metrics["errors"]));
        Assert.Equal(("Invocations", "Sum", 300), Stat(metrics["invocations"]));
        Assert.Equal((5.0, 1, "GreaterThanOrEqualToThreshold"), ((double)alarm["Threshold"]!, (double)alarm["EvaluationPeriods"]!, (string)alarm["ComparisonOperator"]!));
    }

    [Fact]
    public void ErrorRateAlarmThreshold_Set_MovesBothErrorAlarms()
    {
        var template = Synth(new VllmSettings { MaxModelLength = 32768 }, errorRate: 2);

        Assert.Equal(0.02, (double)Alarm(template, "error-rate")["Threshold"]!);
        Assert.Equal(2, (double)Alarm(template, "invocation-5xx-errors")["Threshold"]!);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(150)]
    public void ErrorRateAlarmThreshold_NotAPercentage_IsRefusedNamingTheProperty(double percent)
    {
        var error = Assert.Throws<PropsValidationException>(() => Synth(null, errorRate: percent));

        var problem = Assert.Single(error.Problems, p => p.Property == nameof(VllmServingOptions.ErrorRateAlarmThreshold));
        Assert.Contains("must be a percentage above 0 and at most 100", problem.Render(), StringComparison.Ordinal);
    }

    [Fact]
    public void LatencyThreshold_GptOss120bWithItsWholeContext_IsTheTimeFor131072TokensAt50Ms()
        => Assert.Equal(6554_000_000, Latency(Synth(null, KnownModel.GptOss120b)));

    [Fact]
    public void LatencyThreshold_FollowsMaxModelLength()
        => Assert.Equal(1639_000_000, Latency(Synth(new VllmSettings { MaxModelLength = 32768 })));

    [Fact]
    public void LatencyThreshold_ShortContext_IsNeverBelowSixtySeconds()
        => Assert.Equal(60_000_000, Latency(Synth(new VllmSettings { MaxModelLength = 512 })));

    [Fact]
    public void LatencyThreshold_ModelWithoutAKnownContextLength_IsOneHour()
        => Assert.Equal(3600_000_000, Latency(Synth(null, KnownModel.Of("my-model", 8))));

    [Fact]
    public void LatencyThreshold_Set_Wins()
        => Assert.Equal(90_000_000, Latency(Synth(new VllmSettings { MaxModelLength = 32768 }, latency: Duration.Seconds(90))));

    [Fact]
    public void RollbackAlarms_OfEndpointAndComponents_ArePlainAlarms_TheRoleMayDescribe()
    {
        var stack = TestStacks.New();
        var bucket = new ModelBucket(stack, "Weights");
        var shared = new InferenceComponentEndpoint(stack, "Shared", new InferenceComponentEndpointProps { EndpointName = "llm-test-shared", InstanceType = GpuInstanceType.G6E_12XLARGE });
        var component = shared.AddComponent("Qwen", new InferenceComponentOptions
        {
            InferenceComponentName = "llm-test-shared-qwen",
            Model = KnownModel.Qwen3_4B,
            Source = ModelSource.FromBucket(bucket, "models/qwen/"),
        });
        var template = TestStacks.Json(stack);
        var alarms = TestStacks.Resources(template, "AWS::CloudWatch::Alarm").ToDictionary(a => a.Id, a => a.Properties);

        var named = new[] { "AWS::SageMaker::Endpoint", "AWS::SageMaker::InferenceComponent" }
            .SelectMany(type => TestStacks.Resources(template, type))
            .SelectMany(r => r.Properties["DeploymentConfig"]!["AutoRollbackConfiguration"]!["Alarms"]!.AsArray())
            .Select(a => (string)a!["AlarmName"]!["Ref"]!)
            .ToHashSet();
        // The component's error-rate and latency alarms; the endpoint's update rolls back on the component's error rate.
        Assert.Equal(2, named.Count);
        Assert.All(named, id => Assert.True(alarms[id]["MetricName"] is not null && alarms[id]["Metrics"] is null, $"{id} is not a plain alarm"));
        Assert.Same(component.ErrorRateRollbackAlarm, Assert.Single(shared.RollbackAlarmList));

        var describe = Assert.Single(TestStacks.PolicyStatements(template), s => TestStacks.Actions(s).Contains("cloudwatch:DescribeAlarms"));
        Assert.Equal(named.Order(StringComparer.Ordinal), describe["Resource"]!.AsArray().Select(r => (string)r!["Fn::GetAtt"]![0]!).Order(StringComparer.Ordinal));
    }

    private static JsonObject Synth(VllmSettings? vllm, KnownModel? model = null, double? errorRate = null, Duration? latency = null)
    {
        var stack = TestStacks.New();
        _ = new VllmEndpoint(stack, "Endpoint", new VllmEndpointProps
        {
            EndpointName = "llm-test",
            Model = model ?? KnownModel.GptOss20b,
            Source = ModelSource.FromBucket(new ModelBucket(stack, "Weights"), "models/m/"),
            InstanceType = GpuInstanceType.G6E_12XLARGE,
            Vllm = vllm,
            ErrorRateAlarmThreshold = errorRate,
            ModelLatencyAlarmThreshold = latency,
        });
        return TestStacks.Json(stack);
    }

    private static JsonObject Alarm(JsonObject template, string suffix)
        => Assert.Single(TestStacks.Resources(template, "AWS::CloudWatch::Alarm"), a => (string)a.Properties["AlarmName"]! == "llm-test-" + suffix).Properties;

    private static double Latency(JsonObject template) => (double)Alarm(template, "model-latency")["Threshold"]!;

    private static (string, string, double) Stat(JsonObject query)
        => ((string)query["MetricStat"]!["Metric"]!["MetricName"]!, (string)query["MetricStat"]!["Stat"]!, (double)query["MetricStat"]!["Period"]!);
}
