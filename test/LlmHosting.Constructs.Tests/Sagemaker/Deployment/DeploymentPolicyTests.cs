using System.Text.Json.Nodes;
using Amazon.CDK;
using Amazon.CDK.AWS.CloudWatch;
using LlmHosting.Constructs.Sagemaker;
using LlmHosting.Constructs.Sagemaker.Components;
using LlmHosting.Constructs.Sagemaker.Deployment;
using LlmHosting.Constructs.Storage;

namespace LlmHosting.Constructs.Tests.Sagemaker.Deployment;

/// <summary>
/// Every endpoint and inference component update runs behind guardrails: a deployment policy whose steps SageMaker bakes
/// while it watches rollback alarms of the same stack.
/// </summary>
public sealed class DeploymentPolicyTests
{
    [Theory]
    [InlineData("ml.g6e.xlarge", 1, "blue/green, all at once, baked 10 minutes")]
    [InlineData("ml.p5.48xlarge", 1, "blue/green, all at once, baked 10 minutes")]
    [InlineData("ml.g6e.xlarge", 2, "blue/green, canary of 1, baked 10 minutes")]
    [InlineData("ml.p5.48xlarge", 2, "rolling, 50% of the instances at a time, baked 10 minutes")]
    [InlineData("ml.g6e.48xlarge", 3, "rolling, 50% of the instances at a time, baked 10 minutes")]
    public void DefaultFor_InstanceSizeAndMinimum_PicksTheDocumentedPolicy(string instanceType, int minInstances, string expected)
        => Assert.Equal(expected, EndpointDeploymentPolicy.DefaultFor(GpuInstanceType.FromName(instanceType), minInstances).ToString());

    [Fact]
    public void Endpoint_Default_RollsBackOnItsOwnAlarmsOfTheSameStack()
    {
        var (stack, endpoint) = Endpoint(new Options(2, 4));
        var template = TestStacks.Json(stack);

        var properties = EndpointProperties(template);
        var routing = properties["DeploymentConfig"]!["BlueGreenUpdatePolicy"]!["TrafficRoutingConfiguration"]!;
        Assert.Equal("CANARY", (string)routing["Type"]!);
        AssertSize("INSTANCE_COUNT", 1, routing["CanarySize"]!);
        Assert.Equal(600, (double)routing["WaitIntervalInSeconds"]!);
        Assert.Equal(300, (double)properties["DeploymentConfig"]!["BlueGreenUpdatePolicy"]!["TerminationWaitInSeconds"]!);
        var alarms = RollbackAlarmIds(properties);
        Assert.Equal(2, alarms.Count);
        var templateAlarms = TestStacks.Resources(template, "AWS::CloudWatch::Alarm").Select(a => a.Id).ToHashSet();
        Assert.All(alarms, a => Assert.Contains(a, templateAlarms));
        Assert.Equal(endpoint.Alarms.Count, alarms.Count);
        Assert.True((bool)properties["RetainAllVariantProperties"]!);
    }

    [Fact]
    public void Endpoint_RollingWithExtraAlarm_RendersTheRollingPolicy_AndNoRetainWithoutAutoscaling()
    {
        var stack = TestStacks.New();
        var extra = new Alarm(stack, "Extra", new AlarmProps { Metric = new Metric(new MetricProps { Namespace = "N", MetricName = "M" }), Threshold = 1, EvaluationPeriods = 1 });
        var (_, _) = Endpoint(new Options(4, null, EndpointDeploymentPolicy.Rolling(CapacitySize.Count(2), CapacitySize.Percent(100), Duration.Minutes(5)), [extra]), stack);
        var properties = EndpointProperties(TestStacks.Json(stack));

        var rolling = properties["DeploymentConfig"]!["RollingUpdatePolicy"]!;
        AssertSize("INSTANCE_COUNT", 2, rolling["MaximumBatchSize"]!);
        AssertSize("CAPACITY_PERCENT", 100, rolling["RollbackMaximumBatchSize"]!);
        Assert.Equal(300, (double)rolling["WaitIntervalInSeconds"]!);
        Assert.Equal(28800, (double)rolling["MaximumExecutionTimeoutInSeconds"]!);
        Assert.Contains(RollbackAlarmIds(properties), id => id.StartsWith("Extra", StringComparison.Ordinal));
        Assert.Equal(3, RollbackAlarmIds(properties).Count);
        Assert.False(properties.ContainsKey("RetainAllVariantProperties"));
    }

    [Theory]
    [InlineData("rolling1", "DeploymentPolicy is rolling, which needs at least 2 instances (a batch is at most 50% of them), but the minimum instance count is 1")]
    [InlineData("canary2", "DeploymentPolicy step 2 is more than 50% of the 2 instances there can be when a deployment starts")]
    [InlineData("linear60", "DeploymentPolicy step 60% must be between 1% and 50% of the instances")]
    [InlineData("rolling3pct", "DeploymentPolicy step 3% must be between 5% and 50% of the instances")]
    [InlineData("timeout", "DeploymentPolicy timeout 5 minutes must be 600 to 14400 seconds for a blue/green deployment")]
    [InlineData("bake", "DeploymentPolicy bake time 2 hours must be 0 to 3600 seconds")]
    public void Endpoint_PolicySageMakerWouldReject_FailsAtSynth(string policy, string expected)
    {
        var (min, deployment) = policy switch
        {
            "rolling1" => (1, EndpointDeploymentPolicy.Rolling(CapacitySize.Percent(50))),
            "canary2" => (2, EndpointDeploymentPolicy.Canary(CapacitySize.Count(2))),
            "linear60" => (4, EndpointDeploymentPolicy.Linear(CapacitySize.Percent(60))),
            "rolling3pct" => (4, EndpointDeploymentPolicy.Rolling(CapacitySize.Percent(3))),
            "timeout" => (1, EndpointDeploymentPolicy.AllAtOnce(timeout: Duration.Minutes(5))),
            _ => (1, EndpointDeploymentPolicy.AllAtOnce(bakeTime: Duration.Hours(2))),
        };

        var error = Assert.ThrowsAny<ArgumentException>(() => Endpoint(new Options(min, null, deployment)));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Endpoint_MoreThanTenRollbackAlarms_Fails()
    {
        var stack = TestStacks.New();
        var alarms = Enumerable.Range(0, 9).Select(i => (IAlarm)new Alarm(stack, "A" + i, new AlarmProps
        {
            Metric = new Metric(new MetricProps { Namespace = "N", MetricName = "M" }), Threshold = 1, EvaluationPeriods = 1,
        })).ToArray();

        var error = Assert.ThrowsAny<ArgumentException>(() => Endpoint(new Options(null, null, null, alarms), stack));

        Assert.Contains("RollbackAlarms: 11 rollback alarms (the default alarms and the ones given); SageMaker watches at most 10", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Component_Default_RollsInHalfBatchesBackOnIts5xxAndLatencyAlarms()
    {
        var stack = TestStacks.New();
        var endpoint = new InferenceComponentEndpoint(stack, "Shared", new InferenceComponentEndpointProps { InstanceType = GpuInstanceType.G6E_12XLARGE });
        var component = endpoint.AddComponent("Qwen", new InferenceComponentOptions
        {
            Model = KnownModel.Qwen3_4B,
            Source = ModelSource.FromHuggingFace("Qwen/Qwen3-4B"),
        });
        var template = TestStacks.Json(stack);

        var config = TestStacks.Resources(template, "AWS::SageMaker::InferenceComponent").Single().Properties["DeploymentConfig"]!;
        AssertSize("CAPACITY_PERCENT", 50, config["RollingUpdatePolicy"]!["MaximumBatchSize"]!);
        Assert.Equal(600, (double)config["RollingUpdatePolicy"]!["WaitIntervalInSeconds"]!);
        var alarms = config["AutoRollbackConfiguration"]!["Alarms"]!.AsArray().Select(a => (string)a!["AlarmName"]!["Ref"]!).ToList();
        Assert.Equal(2, alarms.Count);
        Assert.All(alarms, a => Assert.Contains(a, TestStacks.Resources(template, "AWS::CloudWatch::Alarm").Select(r => r.Id)));
        Assert.DoesNotContain(alarms, a => a.Contains("NoCapacity", StringComparison.Ordinal));
        Assert.Equal(component.RollbackAlarmList.Count, alarms.Count);
    }

    [Fact]
    public void Component_BatchOfTwoCopiesWithOneCopyMinimum_Fails()
    {
        var stack = TestStacks.New();
        var endpoint = new InferenceComponentEndpoint(stack, "Shared", new InferenceComponentEndpointProps { InstanceType = GpuInstanceType.G6E_12XLARGE });

        var error = Assert.ThrowsAny<ArgumentException>(() => endpoint.AddComponent("Qwen", new InferenceComponentOptions
        {
            Model = KnownModel.Qwen3_4B,
            Source = ModelSource.FromHuggingFace("Qwen/Qwen3-4B"),
            MinCopyCount = 1,
            MaxCopyCount = 2,
            DeploymentPolicy = ComponentDeploymentPolicy.Rolling(CapacitySize.Count(2)),
        }));

        Assert.Contains("DeploymentPolicy batch 2 is more than 50% of the 1 copies there can be when a deployment starts", error.Message, StringComparison.Ordinal);
    }

    private sealed record Options(int? Min = null, int? Max = null, EndpointDeploymentPolicy? Policy = null, IAlarm[]? Alarms = null);

    private static (Stack, VllmEndpoint) Endpoint(Options props, Stack? stack = null)
    {
        stack ??= TestStacks.New();
        var endpoint = new VllmEndpoint(stack, "Endpoint", new VllmEndpointProps
        {
            Model = KnownModel.Qwen3_4B,
            Source = ModelSource.FromBucket(ModelBucket.FromBucket(stack, "Weights", Amazon.CDK.AWS.S3.Bucket.FromBucketName(stack, "B", "weights")), "models/qwen/"),
            InstanceType = GpuInstanceType.G6E_XLARGE,
            MinInstanceCount = props.Min,
            MaxInstanceCount = props.Max,
            DeploymentPolicy = props.Policy,
            RollbackAlarms = props.Alarms,
        });
        return (stack, endpoint);
    }

    private static void AssertSize(string type, int value, JsonNode size)
    {
        Assert.Equal(type, (string)size["Type"]!);
        Assert.Equal(value, (double)size["Value"]!);
    }

    private static JsonObject EndpointProperties(JsonObject template) => TestStacks.Resources(template, "AWS::SageMaker::Endpoint").Single().Properties;

    private static List<string> RollbackAlarmIds(JsonObject properties)
        => properties["DeploymentConfig"]!["AutoRollbackConfiguration"]!["Alarms"]!.AsArray().Select(a => (string)a!["AlarmName"]!["Ref"]!).ToList();
}
