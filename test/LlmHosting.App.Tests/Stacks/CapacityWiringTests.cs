using System.Text.Json.Nodes;
using LlmHosting.App.Tests.Snapshots;

namespace LlmHosting.App.Tests.Stacks;

/// <summary>What the checked-in environments show of capacity and scaling (issue 20), read from their templates.</summary>
[Collection(SynthesizedApp.Collection)]
public sealed class CapacityWiringTests(SynthesizedApp app)
{
    private IEnumerable<(string Id, JsonObject Resource)> Resources(string environment, string type)
        => app.Template(environment)["Resources"]!.AsObject()
            .Where(r => (string?)r.Value!["Type"] == type)
            .Select(r => (r.Key, r.Value!.AsObject()));

    [Fact]
    public void Prod_GptOss120b_FallsBackToP5e_InPriorityOrder()
    {
        var config = Resources("prod", "AWS::SageMaker::EndpointConfig").Single(c => c.Id.StartsWith("GptOss120b", StringComparison.Ordinal)).Resource;
        var variant = config["Properties"]!["ProductionVariants"]![0]!.AsObject();
        Assert.False(variant.ContainsKey("InstanceType"));
        Assert.Equal(
            [("ml.p5.48xlarge", 1), ("ml.p5e.48xlarge", 2)],
            variant["InstancePools"]!.AsArray().Select(p => ((string)p!["InstanceType"]!, (int)p["Priority"]!)));
        // H200 and H100 hold gpt-oss-120b with the same 8-GPU tensor parallelism: one model serves both pools.
        Assert.All(variant["InstancePools"]!.AsArray(), p => Assert.Null(p!["ModelNameOverride"]));
        Assert.Equal(["E3002"], config["Metadata"]!["cfn-lint"]!["config"]!["ignore_checks"]!.AsArray().Select(c => (string)c!));
        // The scaling resources pause and restore on the pool list the handler reads back from DescribeEndpointConfig.
        Assert.All(
            Resources("prod", "Custom::EndpointScaling").Where(r => (string)r.Resource["Properties"]!["EndpointName"]! == "llm-prod-gpt-oss-120b"),
            r => Assert.Equal("ml.p5.48xlarge,ml.p5e.48xlarge", (string)r.Resource["Properties"]!["InstanceType"]!));
    }

    [Fact]
    public void Staging_AndProdComponents_KeepASingleInstanceType()
    {
        foreach (var (environment, _) in new[] { ("staging", 0), ("prod", 0) })
        {
            Assert.All(
                Resources(environment, "AWS::SageMaker::EndpointConfig").Where(c => !c.Id.StartsWith("GptOss120b", StringComparison.Ordinal)),
                c => Assert.NotNull(c.Resource["Properties"]!["ProductionVariants"]![0]!["InstanceType"]));
        }
    }

    [Fact]
    public void Dev_GptOss20b_StaysLoadedOnWeekdayWorkingHours_AndScalesToZeroOutside()
    {
        var target = Resources("dev", "AWS::ApplicationAutoScaling::ScalableTarget")
            .Single(t => (string)t.Resource["Properties"]!["ResourceId"]! == "inference-component/llm-dev-shared-gpt-oss-20b").Resource["Properties"]!;
        Assert.Equal(0, (int)target["MinCapacity"]!);
        var actions = target["ScheduledActions"]!.AsArray()
            .Select(a => ((string)a!["ScheduledActionName"]!, (string)a["Schedule"]!, (string)a["Timezone"]!, (int)a["ScalableTargetAction"]!["MinCapacity"]!));
        Assert.Equal(
            [("WarmWindow0Start", "cron(0 8 ? * MON-FRI *)", "America/New_York", 1), ("WarmWindow0End", "cron(0 18 ? * MON-FRI *)", "America/New_York", 0)],
            actions);
    }

    [Fact]
    public void Dev_Qwen3_ScalesOnHighResolutionConcurrency_AndStillWakesUpFromZero()
    {
        var policies = Resources("dev", "AWS::ApplicationAutoScaling::ScalingPolicy").Where(p => p.Id.StartsWith("ComponentEndpointQwen34b", StringComparison.Ordinal)).ToList();
        var tracking = policies.Single(p => (string)p.Resource["Properties"]!["PolicyType"]! == "TargetTrackingScaling").Resource["Properties"]!["TargetTrackingScalingPolicyConfiguration"]!;
        Assert.Equal("SageMakerInferenceComponentConcurrentRequestsPerCopyHighResolution", (string)tracking["PredefinedMetricSpecification"]!["PredefinedMetricType"]!);
        // Half of vLLM's 256 sequences on an L40S.
        Assert.Equal(128, (int)tracking["TargetValue"]!);
        Assert.Contains(policies, p => (string)p.Resource["Properties"]!["PolicyType"]! == "StepScaling");
        var wakeUp = Resources("dev", "AWS::CloudWatch::Alarm").Single(a => (string?)a.Resource["Properties"]!["AlarmName"] == "llm-dev-shared-qwen3-4b-scale-out-from-zero").Resource["Properties"]!;
        Assert.Equal("NoCapacityInvocationFailures", (string)wakeUp["MetricName"]!);
        Assert.Contains(policies.Single(p => (string)p.Resource["Properties"]!["PolicyType"]! == "StepScaling").Id, wakeUp["AlarmActions"]!.ToJsonString());
        // gpt-oss-20b keeps invocations per copy.
        var gptOss = Resources("dev", "AWS::ApplicationAutoScaling::ScalingPolicy").Single(p => p.Id.StartsWith("ComponentEndpointGptOss20b", StringComparison.Ordinal) && (string)p.Resource["Properties"]!["PolicyType"]! == "TargetTrackingScaling");
        Assert.Equal("SageMakerInferenceComponentInvocationsPerCopy", (string)gptOss.Resource["Properties"]!["TargetTrackingScalingPolicyConfiguration"]!["PredefinedMetricSpecification"]!["PredefinedMetricType"]!);
    }
}
