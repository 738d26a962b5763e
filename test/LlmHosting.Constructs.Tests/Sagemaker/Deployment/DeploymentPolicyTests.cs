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
    [InlineData("ml.p5.48xlarge", 1, "blue/green, all at once at the initial instance count, baked 10 minutes")]
    [InlineData("ml.g6e.xlarge", 2, "blue/green, canary of 1, baked 10 minutes")]
    [InlineData("ml.p5.48xlarge", 2, "rolling, 1 of the instances at a time, baked 10 minutes")]
    [InlineData("ml.g6e.48xlarge", 3, "rolling, 1 of the instances at a time, baked 10 minutes")]
    public void DefaultFor_InstanceSizeAndMinimum_PicksTheDocumentedPolicy(string instanceType, int minInstances, string expected)
        => Assert.Equal(expected, EndpointDeploymentPolicy.DefaultFor(GpuInstanceType.FromName(instanceType), minInstances).ToString());

    /// <summary>
    /// What the Sagemaker README's Updates table promises: with the default policy, an update (or its rollback) of an
    /// endpoint on 8-GPU instances never needs more than one extra instance at once, and one on other instances never more
    /// than a second fleet of its maximum instance count. prod's gpt-oss-120b (ml.p5.48xlarge, 1 to 2 instances) needed 2
    /// more p5 at once after a scale-out to 2 (issue 19).
    /// </summary>
    [Fact]
    public void DefaultFor_EveryCatalogType_NeverNeedsMoreExtraInstancesThanTheReadmeStates()
    {
        var checkedCases = 0;
        foreach (var type in GpuInstanceType.All)
        {
            for (var min = 1; min <= 4; min++)
            {
                for (var max = min; max <= min + 4; max++)
                {
                    var policy = EndpointDeploymentPolicy.DefaultFor(type, min);
                    var bound = type.GpuCount >= 8 ? 1 : max;
                    var peak = policy.PeakExtraInstances(min, max);
                    Assert.True(peak >= 1 && peak <= bound, $"{type.Name} {min}-{max}: {policy} needs {peak} extra instances, the README states at most {bound}");
                    checkedCases++;
                }
            }
        }

        Assert.True(checkedCases > 100);
        Assert.Equal(1, EndpointDeploymentPolicy.DefaultFor(GpuInstanceType.P5_48XLARGE, 1).PeakExtraInstances(1, 2));
        Assert.Equal(2, EndpointDeploymentPolicy.DefaultFor(GpuInstanceType.G6E_XLARGE, 1).PeakExtraInstances(1, 2));
    }

    [Theory]
    [InlineData("allatonce", 1, 3, 3)]
    [InlineData("allatonce-initial", 1, 3, 1)]
    [InlineData("canary", 2, 5, 5)]
    [InlineData("rolling-count", 2, 6, 6)]
    [InlineData("rolling-both-counts", 2, 6, 2)]
    [InlineData("rolling-percent", 4, 7, 4)]
    public void PeakExtraInstances_BlueGreenBuildsAFleet_RollingABatchOrItsRollbackBatch(string policy, int initial, int max, int expected)
    {
        var deployment = policy switch
        {
            "allatonce" => EndpointDeploymentPolicy.AllAtOnce(),
            "allatonce-initial" => EndpointDeploymentPolicy.AllAtOnce(retainInstanceCount: false),
            "canary" => EndpointDeploymentPolicy.Canary(CapacitySize.Count(1)),
            // Without a rollback batch SageMaker brings the whole old fleet back at once.
            "rolling-count" => EndpointDeploymentPolicy.Rolling(CapacitySize.Count(1)),
            "rolling-both-counts" => EndpointDeploymentPolicy.Rolling(CapacitySize.Count(2), CapacitySize.Count(1)),
            // 50% of 7 instances rounds up to 4.
            _ => EndpointDeploymentPolicy.Rolling(CapacitySize.Percent(50), CapacitySize.Percent(10)),
        };

        Assert.Equal(expected, deployment.PeakExtraInstances(initial, max));
    }

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
    public void Endpoint_ScarceTypeAutoscaledFromOneInstance_RedeploysAtTheInitialCount_OneExtraInstance()
    {
        var stack = TestStacks.New();
        var endpoint = new VllmEndpoint(stack, "Endpoint", new VllmEndpointProps
        {
            Model = KnownModel.GptOss120b,
            Source = ModelSource.FromBucket(ModelBucket.FromBucket(stack, "Weights", Amazon.CDK.AWS.S3.Bucket.FromBucketName(stack, "B", "weights")), "models/gpt-oss-120b/"),
            InstanceType = GpuInstanceType.P5_48XLARGE,
            MinInstanceCount = 1,
            MaxInstanceCount = 2,
        });
        var properties = EndpointProperties(TestStacks.Json(stack));

        Assert.Equal("ALL_AT_ONCE", (string)properties["DeploymentConfig"]!["BlueGreenUpdatePolicy"]!["TrafficRoutingConfiguration"]!["Type"]!);
        Assert.False(properties.ContainsKey("RetainAllVariantProperties"));
        Assert.True(endpoint.IsAutoscaled);
        Assert.Equal(1, endpoint.DeploymentPolicy.PeakExtraInstances(1, 2));
    }

    [Fact]
    public void Endpoint_ScarceTypeFromTwoInstances_RollsAndRollsBackOneInstanceAtATime()
    {
        var stack = TestStacks.New();
        _ = new VllmEndpoint(stack, "Endpoint", new VllmEndpointProps
        {
            Model = KnownModel.GptOss120b,
            Source = ModelSource.FromBucket(ModelBucket.FromBucket(stack, "Weights", Amazon.CDK.AWS.S3.Bucket.FromBucketName(stack, "B", "weights")), "models/gpt-oss-120b/"),
            InstanceType = GpuInstanceType.P5_48XLARGE,
            MinInstanceCount = 2,
            MaxInstanceCount = 4,
        });
        var properties = EndpointProperties(TestStacks.Json(stack));

        var rolling = properties["DeploymentConfig"]!["RollingUpdatePolicy"]!;
        AssertSize("INSTANCE_COUNT", 1, rolling["MaximumBatchSize"]!);
        AssertSize("INSTANCE_COUNT", 1, rolling["RollbackMaximumBatchSize"]!);
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
    public void Component_Default_RollsOneCopyAtATime_BackOnItsErrorRateAndLatencyAlarms()
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
        AssertSize("COPY_COUNT", 1, config["RollingUpdatePolicy"]!["MaximumBatchSize"]!);
        AssertSize("COPY_COUNT", 1, config["RollingUpdatePolicy"]!["RollbackMaximumBatchSize"]!);
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

    /// <summary>
    /// botocore, InferenceComponentRollingUpdatePolicy.MaximumBatchSize: "The value must be between 5% to 50% of the copy
    /// count of the inference component". A component that scales to zero or keeps one copy must still update: the
    /// default batch is a whole copy whatever the count (50% of one copy, the old default, is half a copy), never more than
    /// half of two or more copies, and passes the construct's own checks for 0 and 1 minimum copies.
    /// </summary>
    [Fact]
    public void Component_DefaultBatch_IsValidForEveryCopyCount_ZeroAndOneIncluded()
    {
        var policy = ComponentDeploymentPolicy.Default;
        for (var copies = 1; copies <= 20; copies++)
        {
            var batch = policy.Batch.Instances(copies);
            var exact = policy.Batch.IsPercent ? copies * policy.Batch.Value / 100.0 : policy.Batch.Value;
            Assert.True(exact == Math.Floor(exact) && exact >= 1, $"{copies} copies: a batch of {exact} copies is not a whole copy");
            Assert.True(batch == 1 || batch * 2 <= copies, $"{copies} copies: a batch of {batch} is more than half");
            Assert.True(batch * 100 >= 5 * copies, $"{copies} copies: a batch of {batch} is below 5%");
        }

        foreach (var min in new[] { 0, 1 })
        {
            var stack = TestStacks.New();
            var endpoint = new InferenceComponentEndpoint(stack, "Shared", new InferenceComponentEndpointProps { InstanceType = GpuInstanceType.G6E_12XLARGE, MaxInstanceCount = 2 });
            var component = endpoint.AddComponent("Qwen", new InferenceComponentOptions
            {
                Model = KnownModel.Qwen3_4B,
                Source = ModelSource.FromHuggingFace("Qwen/Qwen3-4B"),
                MinCopyCount = min,
                MaxCopyCount = 2,
            });
            Assert.Equal(1, component.DeploymentPolicy.PeakExtraCopies(component.MaxCopyCount));
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void Component_PercentBatchWithFewerThanTwoCopies_FailsAsLessThanOneCopy(int min)
    {
        var stack = TestStacks.New();
        var endpoint = new InferenceComponentEndpoint(stack, "Shared", new InferenceComponentEndpointProps { InstanceType = GpuInstanceType.G6E_12XLARGE });

        var error = Assert.ThrowsAny<ArgumentException>(() => endpoint.AddComponent("Qwen", new InferenceComponentOptions
        {
            Model = KnownModel.Qwen3_4B,
            Source = ModelSource.FromHuggingFace("Qwen/Qwen3-4B"),
            MinCopyCount = min,
            MaxCopyCount = 2,
            DeploymentPolicy = ComponentDeploymentPolicy.Rolling(CapacitySize.Percent(50)),
        }));

        Assert.Contains("DeploymentPolicy batch 50% is less than one of the 1 copies there can be when a deployment starts", error.Message, StringComparison.Ordinal);
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
