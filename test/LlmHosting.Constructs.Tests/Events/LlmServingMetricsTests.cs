using System.Diagnostics;
using System.Text.Json.Nodes;
using Amazon.CDK;
using LlmHosting.Constructs.Events;
using LlmHosting.Constructs.Sagemaker;
using LlmHosting.Constructs.Sagemaker.Components;
using LlmHosting.Constructs.Storage;
using LlmHosting.Constructs.Validation;

namespace LlmHosting.Constructs.Tests.Events;

/// <summary>
/// The metrics that matter for an LLM: vLLM's serving metrics on the dashboard (from a configurable source), a rollback
/// alarm on time to first token, and the endpoint's enhanced metrics (MetricsConfig, checked against botocore).
/// </summary>
public sealed class LlmServingMetricsTests
{
    private static readonly LlmServingMetrics Source = new() { Namespace = "LlmHosting/vLLM" };

    [Fact]
    public void Dashboard_LlmRow_PerComponentAndEndpoint_FromTheSourcesNamesAndDimensions()
    {
        var stack = TestStacks.New();
        var dashboard = new ModelOperationsDashboard(stack, "Dashboard");
        dashboard.AddLlmServing(InferenceComponent.FromComponentName(stack, "Qwen", "llm-dev-shared", "llm-dev-shared-qwen3-4b"), Source);
        dashboard.AddLlmServing(VllmEndpoint.FromEndpointName(stack, "GptOss", "llm-prod-gpt-oss-120b"), new LlmServingMetrics { Namespace = "LlmHosting/vLLM", EndpointDimension = "endpoint" });

        var body = Body(TestStacks.Json(stack));
        var widgets = body["widgets"]!.AsArray().Skip(1).Select(w => w!["properties"]!).ToList();

        Assert.Equal(6, widgets.Count);
        Assert.Equal("llm-dev-shared-qwen3-4b: time to first token and inter-token latency (seconds)", (string)widgets[0]["title"]!);
        Assert.Equal(
            [
                """["LlmHosting/vLLM","vllm:time_to_first_token_seconds","InferenceComponentName","llm-dev-shared-qwen3-4b",{"label":"time to first token p50","stat":"p50"}]""",
                """["LlmHosting/vLLM","vllm:time_to_first_token_seconds","InferenceComponentName","llm-dev-shared-qwen3-4b",{"label":"time to first token p90","stat":"p90"}]""",
                """["LlmHosting/vLLM","vllm:inter_token_latency_seconds","InferenceComponentName","llm-dev-shared-qwen3-4b",{"label":"inter-token latency p50","stat":"p50"}]""",
                """["LlmHosting/vLLM","vllm:inter_token_latency_seconds","InferenceComponentName","llm-dev-shared-qwen3-4b",{"label":"inter-token latency p90","stat":"p90"}]""",
            ],
            widgets[0]["metrics"]!.AsArray().Select(m => m!.ToJsonString()));
        Assert.Equal(
            """[[{"label":"output tokens per second","expression":"tokens / PERIOD(tokens)"}],["LlmHosting/vLLM","vllm:generation_tokens_total","InferenceComponentName","llm-dev-shared-qwen3-4b",{"label":"generated tokens","stat":"Sum","visible":false,"id":"tokens"}]]""",
            widgets[1]["metrics"]!.ToJsonString());
        Assert.Equal(
            ["vllm:num_requests_running", "vllm:num_requests_waiting", "vllm:kv_cache_usage_perc"],
            widgets[2]["metrics"]!.AsArray().Select(m => (string)m![1]!));
        Assert.Equal("""["LlmHosting/vLLM","vllm:time_to_first_token_seconds","endpoint","llm-prod-gpt-oss-120b",{"label":"time to first token p50","stat":"p50"}]""", widgets[3]["metrics"]![0]!.ToJsonString());
    }

    [Fact]
    public void TimeToFirstTokenAlarm_RollsBackAComponentsUpdate_AndNeverFiresWithoutData()
    {
        var stack = TestStacks.New();
        var endpoint = new InferenceComponentEndpoint(stack, "Shared", new InferenceComponentEndpointProps { EndpointName = "e", InstanceType = GpuInstanceType.G6E_12XLARGE });
        var ttft = Source.TimeToFirstTokenAlarm(stack, "Ttft", InferenceComponent.FromComponentName(stack, "ByName", "e", "e-qwen"), "e-qwen-time-to-first-token", Duration.Millis(2500));
        endpoint.AddComponent("Qwen", new InferenceComponentOptions
        {
            InferenceComponentName = "e-qwen",
            Model = KnownModel.Qwen3_4B,
            Source = ModelSource.FromHuggingFace("Qwen/Qwen3-4B"),
            RollbackAlarms = [ttft],
        });
        var template = TestStacks.Json(stack);

        var alarm = TestStacks.Resources(template, "AWS::CloudWatch::Alarm").Single(a => (string?)a.Properties["AlarmName"] == "e-qwen-time-to-first-token");
        Assert.Equal(
            ("vllm:time_to_first_token_seconds", "p90", 60.0, 2.5, 3.0, 2.0, "GreaterThanThreshold", "notBreaching"),
            ((string)alarm.Properties["MetricName"]!, (string)alarm.Properties["ExtendedStatistic"]!, (double)alarm.Properties["Period"]!, (double)alarm.Properties["Threshold"]!,
             (double)alarm.Properties["EvaluationPeriods"]!, (double)alarm.Properties["DatapointsToAlarm"]!, (string)alarm.Properties["ComparisonOperator"]!, (string)alarm.Properties["TreatMissingData"]!));
        var component = TestStacks.Resources(template, "AWS::SageMaker::InferenceComponent").Single().Properties;
        Assert.Contains(alarm.Id, component["DeploymentConfig"]!["AutoRollbackConfiguration"]!["Alarms"]!.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public void EndpointMetrics_WritesBotocoresMetricsConfig_AndRefusesAnIntervalSageMakerDoesNotOffer()
    {
        var stack = TestStacks.New();
        var bucket = new ModelBucket(stack, "Weights");
        _ = new VllmEndpoint(stack, "GptOss", new VllmEndpointProps
        {
            Model = KnownModel.GptOss20b,
            Source = ModelSource.FromBucket(bucket, "models/gpt-oss-20b/"),
            InstanceType = GpuInstanceType.G6E_XLARGE,
            Metrics = new EndpointMetrics { EnableEnhancedMetrics = true, PublishFrequency = Duration.Seconds(10) },
        });
        var config = TestStacks.Resources(TestStacks.Json(stack), "AWS::SageMaker::EndpointConfig").Single().Properties;
        const string script = """
            import json, botocore.session
            shape = botocore.session.get_session().get_service_model("sagemaker").shape_for("MetricsConfig")
            print(json.dumps(sorted(shape.members)))
            """;
        var start = new ProcessStartInfo("python3", ["-c", script]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        var members = JsonNode.Parse(process.StandardOutput.ReadToEnd())!.AsArray().Select(m => (string)m!).ToHashSet();
        Assert.True(process.WaitForExit(TimeSpan.FromSeconds(30)) && process.ExitCode == 0, process.StandardError.ReadToEnd());

        Assert.True((bool)config["MetricsConfig"]!["EnableEnhancedMetrics"]!);
        Assert.Equal(10, (double)config["MetricsConfig"]!["MetricPublishFrequencyInSeconds"]!);
        Assert.Subset(members, config["MetricsConfig"]!.AsObject().Select(p => p.Key).ToHashSet());
        var error = Assert.Throws<PropsValidationException>(() => new InferenceComponentEndpoint(TestStacks.New(), "Shared", new InferenceComponentEndpointProps
        {
            InstanceType = GpuInstanceType.G6E_12XLARGE,
            Metrics = new EndpointMetrics { PublishFrequency = Duration.Seconds(15) },
        }));
        Assert.Contains("Metrics.PublishFrequency 15 seconds is not an interval SageMaker publishes at (10, 30, 60, 120, 180, 240, 300 seconds)", error.Message, StringComparison.Ordinal);
    }

    private static JsonObject Body(JsonObject template)
    {
        var dashboard = TestStacks.Resources(template, "AWS::CloudWatch::Dashboard").Single().Properties;
        var parts = dashboard["DashboardBody"]!["Fn::Join"]![1]!.AsArray().Select(p => p is JsonValue ? (string)p! : "us-east-1");
        return JsonNode.Parse(string.Concat(parts))!.AsObject();
    }
}
