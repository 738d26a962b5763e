using LlmHosting.App.Configuration;

namespace LlmHosting.App.Tests.Configuration;

/// <summary><c>operations.llmMetrics</c>: where vLLM's serving metrics are, for a dashboard row per model.</summary>
public sealed class LlmMetricsConfigTests
{
    private const string Valid = """
        {
          "account": "123456789012",
          "region": "us-east-1",
          "namePrefix": "llm-test",
          "tags": { "owner": "ml-platform", "costCentre": "cc-42" },
          "invoker": { "trustedRoleArns": ["arn:aws:iam::123456789012:role/client"] },
          "operations": { "llmMetrics": { "namespace": "LlmHosting/vLLM", "names": { "interTokenLatency": "vllm:time_per_output_token_seconds" } } },
          "componentEndpoint": {
            "name": "shared",
            "instanceType": "ml.g6e.12xlarge",
            "components": [ { "name": "qwen3-4b", "model": "Qwen3-4B", "huggingFaceId": "Qwen/Qwen3-4B", "lora": { "maxRank": 16 } } ],
            "adapters": [ { "name": "support", "base": "qwen3-4b", "bucketPrefix": "models/support-lora/" } ]
          }
        }
        """;

    [Fact]
    public void Synth_LlmMetrics_AddARowPerComponentAndAdapter_WithTheConfiguredNames()
    {
        var config = EnvironmentCatalog.Parse("test", Valid, ConfigErrors.Source);
        var app = new Amazon.CDK.App(new Amazon.CDK.AppProps { Context = LlmHosting.App.Tests.Snapshots.SynthesizedApp.CdkJsonContext() });
        var stage = Assert.Single(LlmHosting.App.ModelHostingApp.AddEnvironments(app, [config]));
        var template = Newtonsoft.Json.JsonConvert.SerializeObject(Amazon.CDK.Assertions.Template.FromStack(stage.Serving).ToJSON());

        Assert.Contains(Quoted("LlmHosting/vLLM", "vllm:time_to_first_token_seconds", "InferenceComponentName", "llm-test-shared-qwen3-4b"), template, StringComparison.Ordinal);
        Assert.Contains(Quoted("LlmHosting/vLLM", "vllm:time_per_output_token_seconds", "InferenceComponentName", "llm-test-shared-support"), template, StringComparison.Ordinal);
        Assert.DoesNotContain("vllm:inter_token_latency_seconds", template, StringComparison.Ordinal);
    }

    [Fact]
    public void Synth_TimeToFirstTokenRollback_IsARollbackAlarmOfEachModelComponent()
    {
        var json = Valid.Replace("\"namespace\": \"LlmHosting/vLLM\",", "\"namespace\": \"LlmHosting/vLLM\", \"timeToFirstTokenRollbackSeconds\": 2.5,", StringComparison.Ordinal);
        var config = EnvironmentCatalog.Parse("test", json, ConfigErrors.Source);
        var app = new Amazon.CDK.App(new Amazon.CDK.AppProps { Context = LlmHosting.App.Tests.Snapshots.SynthesizedApp.CdkJsonContext() });
        var stage = Assert.Single(LlmHosting.App.ModelHostingApp.AddEnvironments(app, [config]));
        var template = System.Text.Json.Nodes.JsonNode.Parse(Newtonsoft.Json.JsonConvert.SerializeObject(Amazon.CDK.Assertions.Template.FromStack(stage.Serving).ToJSON()))!["Resources"]!.AsObject();

        var alarm = Assert.Single(template, r => (string?)r.Value!["Properties"]?["AlarmName"] == "llm-test-shared-qwen3-4b-time-to-first-token");
        var properties = alarm.Value!["Properties"]!;
        Assert.Equal(("vllm:time_to_first_token_seconds", "p90", 2.5), ((string)properties["MetricName"]!, (string)properties["ExtendedStatistic"]!, (double)properties["Threshold"]!));
        var component = Assert.Single(template, r => (string?)r.Value!["Properties"]?["InferenceComponentName"] == "llm-test-shared-qwen3-4b");
        Assert.Contains(alarm.Key, component.Value!["Properties"]!["DeploymentConfig"]!["AutoRollbackConfiguration"]!["Alarms"]!.ToJsonString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"namespace\": \"LlmHosting/vLLM\",", "\"namespace\": \"LlmHosting/vLLM\", \"timeToFirstTokenRollbackSeconds\": 0,", "operations.llmMetrics.timeToFirstTokenRollbackSeconds 0 must be above 0 and at most 600")]
    [InlineData("\"namespace\": \"LlmHosting/vLLM\"", "\"namespace\": \"AWS/SageMaker\"", "operations.llmMetrics.namespace 'AWS/SageMaker' is not a CloudWatch namespace of your own")]
    [InlineData("\"namespace\": \"LlmHosting/vLLM\", ", "", "operations.llmMetrics.namespace is missing")]
    [InlineData("\"interTokenLatency\"", "\"itl\"", "operations.llmMetrics.names.itl is not a measure (timeToFirstToken, interTokenLatency, generationTokens, runningRequests, waitingRequests, kvCacheUsage)")]
    public void Parse_Mistake_IsOneLine(string find, string replace, string expected)
    {
        Assert.Contains(find, Valid, StringComparison.Ordinal);
        Assert.StartsWith($"{ConfigErrors.Source}: {expected}", Assert.Single(ConfigErrors.OfParse(Valid.Replace(find, replace, StringComparison.Ordinal))));
    }

    // How the dashboard body (a JSON string inside the template's JSON) spells a metric's first fields.
    private static string Quoted(params string[] fields) => string.Join(",", fields.Select(f => $"\\\"{f}\\\""));
}
