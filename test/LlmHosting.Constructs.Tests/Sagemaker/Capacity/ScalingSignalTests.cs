using System.Diagnostics;
using System.Text.Json.Nodes;
using LlmHosting.Constructs.Sagemaker;
using LlmHosting.Constructs.Sagemaker.Components;
using LlmHosting.Constructs.Sagemaker.Scaling;
using static LlmHosting.Constructs.Tests.Sagemaker.Capacity.CapacityStacks;

namespace LlmHosting.Constructs.Tests.Sagemaker.Capacity;

public sealed class ScalingSignalTests
{
    private static JsonObject EndpointPolicy(JsonObject template)
        => TestStacks.Resources(template, "Custom::EndpointScaling").Single(r => (string)r.Properties["Role"]! == "Scaling").Properties["Policies"]![0]!.AsObject();

    [Fact]
    public void Endpoint_Concurrency_TracksTheHighResolutionMetricWithHalfOfVllmsBatchOnH100()
    {
        var (stack, endpoint) = Endpoint(scaling: ScalingSignal.ConcurrentRequests());
        var policy = EndpointPolicy(TestStacks.Json(stack));
        Assert.Equal("llm-prod-gpt-oss-120b-concurrent-requests-per-model", (string)policy["PolicyName"]!);
        var tracking = policy["TargetTrackingScalingPolicyConfiguration"]!;
        Assert.Equal("SageMakerVariantConcurrentRequestsPerModelHighResolution", (string)tracking["PredefinedMetricSpecification"]!["PredefinedMetricType"]!);
        // H100 (80 GiB): vLLM's default max_num_seqs is 1024.
        Assert.Equal("512", (string)tracking["TargetValue"]!);
        Assert.True(endpoint.ScalingSignal!.IsConcurrency);
    }

    [Fact]
    public void Endpoint_ConcurrencyWithMaxNumSeqs_DerivesTheTargetFromIt()
    {
        var (stack, _) = Endpoint(scaling: ScalingSignal.ConcurrentRequests(), vllm: new VllmSettings { MaxNumSeqs = 64 });
        Assert.Equal("32", (string)EndpointPolicy(TestStacks.Json(stack))["TargetTrackingScalingPolicyConfiguration"]!["TargetValue"]!);
    }

    [Fact]
    public void Endpoint_Default_StaysOnInvocationsPerInstance()
    {
        var (stack, _) = Endpoint();
        var tracking = EndpointPolicy(TestStacks.Json(stack))["TargetTrackingScalingPolicyConfiguration"]!;
        Assert.Equal("SageMakerVariantInvocationsPerInstance", (string)tracking["PredefinedMetricSpecification"]!["PredefinedMetricType"]!);
        Assert.Equal("10", (string)tracking["TargetValue"]!);
    }

    [Theory]
    [InlineData("ml.g6e.xlarge", 256)]
    [InlineData("ml.g5.xlarge", 256)]
    [InlineData("ml.p4de.24xlarge", 256)]
    [InlineData("ml.p5.48xlarge", 1024)]
    [InlineData("ml.p5e.48xlarge", 1024)]
    public void VllmDefaultMaxNumSeqs_FollowsVllmsGpuRule(string type, int expected)
        => Assert.Equal(expected, ScalingSignal.VllmDefaultMaxNumSeqs(GpuInstanceType.FromName(type)));

    [Fact]
    public void Component_Concurrency_TracksCopiesAndStillWakesUpFromZero()
    {
        var (stack, _, component) = Component(options: bucket => new InferenceComponentOptions
        {
            InferenceComponentName = "llm-dev-shared-gpt-oss-20b",
            Model = KnownModel.GptOss20b,
            Source = ModelSource.FromBucket(bucket, "models/gpt-oss-20b/"),
            Scaling = ScalingSignal.ConcurrentRequests(),
        });
        var template = TestStacks.Json(stack);
        var tracking = TestStacks.Resources(template, "AWS::ApplicationAutoScaling::ScalingPolicy")
            .Single(p => (string)p.Properties["PolicyType"]! == "TargetTrackingScaling").Properties["TargetTrackingScalingPolicyConfiguration"]!;
        Assert.Equal("SageMakerInferenceComponentConcurrentRequestsPerCopyHighResolution", (string)tracking["PredefinedMetricSpecification"]!["PredefinedMetricType"]!);
        // L40S (48 GiB): vLLM's default is 256.
        Assert.Equal(128, (double)tracking["TargetValue"]!);
        // Neither metric exists while no copy runs: the wake-up is the no-capacity alarm and its step-scaling action.
        Assert.NotNull(component.ScaleOutFromZeroAlarm);
        Assert.Contains(TestStacks.Resources(template, "AWS::ApplicationAutoScaling::ScalingPolicy"), p => (string)p.Properties["PolicyType"]! == "StepScaling");
        var alarm = TestStacks.Resources(template, "AWS::CloudWatch::Alarm").Single(a => ((string?)a.Properties["AlarmName"])?.EndsWith("-scale-out-from-zero", StringComparison.Ordinal) == true).Properties;
        Assert.Equal("NoCapacityInvocationFailures", (string)alarm["MetricName"]!);
    }

    [Fact]
    public void Ctor_TargetNotAboveZero_AndTwoTargets_AreNamed()
    {
        Assert.Contains("Scaling.Target 0 must be above 0", Error(() => Endpoint(scaling: ScalingSignal.ConcurrentRequests(0))));
        Assert.Contains(
            "TargetInvocationsPerInstance is set beside Scaling (concurrent requests); give the target in one place",
            Error(() => Endpoint(scaling: ScalingSignal.ConcurrentRequests(), targetInvocations: 20)));
    }

    [Fact]
    public void MetricTypes_AreApplicationAutoScalingsPredefinedMetrics_PerBotocore()
    {
        // botocore's application-autoscaling model is an independent list of what PutScalingPolicy accepts.
        const string script = "import botocore.session,json; m=botocore.session.get_session().get_service_model('application-autoscaling'); print(json.dumps(m.shape_for('MetricType').enum))";
        var start = new ProcessStartInfo("python3", ["-c", script]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(TimeSpan.FromSeconds(30)) && process.ExitCode == 0, process.StandardError.ReadToEnd());
        var known = JsonNode.Parse(output)!.AsArray().Select(n => (string)n!).ToHashSet();
        foreach (var signal in new[] { ScalingSignal.Invocations(), ScalingSignal.ConcurrentRequests() })
        {
            Assert.Contains(signal.VariantMetricType, known);
            Assert.Contains(ComponentMetricName(signal), known);
        }
    }

    private static string ComponentMetricName(ScalingSignal signal)
    {
        var (stack, _, _) = Component(options: bucket => new InferenceComponentOptions
        {
            InferenceComponentName = "llm-dev-shared-gpt-oss-20b",
            Model = KnownModel.GptOss20b,
            Source = ModelSource.FromBucket(bucket, "models/gpt-oss-20b/"),
            Scaling = signal,
        });
        return (string)TestStacks.Resources(TestStacks.Json(stack), "AWS::ApplicationAutoScaling::ScalingPolicy")
            .Single(p => (string)p.Properties["PolicyType"]! == "TargetTrackingScaling")
            .Properties["TargetTrackingScalingPolicyConfiguration"]!["PredefinedMetricSpecification"]!["PredefinedMetricType"]!;
    }
}
