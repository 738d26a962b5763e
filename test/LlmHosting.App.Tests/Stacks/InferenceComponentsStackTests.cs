using System.Text.Json.Nodes;
using Amazon.CDK;
using Amazon.CDK.Assertions;
using LlmHosting.App.Configuration;
using LlmHosting.App.Stacks;
using LlmHosting.App.Tests.Snapshots;

namespace LlmHosting.App.Tests.Stacks;

[Collection(SynthesizedApp.Collection)]
public sealed class InferenceComponentsStackTests(SynthesizedApp app)
{
    [Fact]
    public void Dev_EndpointScalesToZeroInstances_AndEachComponentToZeroCopies()
    {
        var variant = Assert.Single(Resources("dev", "AWS::SageMaker::EndpointConfig")).AsObject()["ProductionVariants"]![0]!;
        Assert.Null(variant["ModelName"]);
        Assert.Equal(0, (double)variant["ManagedInstanceScaling"]!["MinInstanceCount"]!);
        Assert.Equal("ml.g6e.12xlarge", (string)variant["InstanceType"]!);

        var components = Resources("dev", "AWS::SageMaker::InferenceComponent").ToList();
        Assert.Equal(["llm-dev-shared-gpt-oss-20b", "llm-dev-shared-qwen3-4b"], components.Select(c => (string)c["InferenceComponentName"]!).Order(StringComparer.Ordinal));
        Assert.All(components, c => Assert.Equal(1, (double)c["RuntimeConfig"]!["CopyCount"]!));
        var targets = Resources("dev", "AWS::ApplicationAutoScaling::ScalableTarget").ToList();
        Assert.Equal(2, targets.Count);
        Assert.All(targets, t => Assert.Equal(0, (double)t["MinCapacity"]!));
        Assert.Equal(2, Resources("dev", "AWS::ApplicationAutoScaling::ScalingPolicy").Count(p => (string?)p["PolicyType"] == "StepScaling"));
        Assert.Equal(2, Resources("dev", "AWS::CloudWatch::Alarm").Count(a => (string?)a["MetricName"] == "NoCapacityInvocationFailures" && (double)a["Period"]! == 60));
    }

    [Fact]
    public void Prod_KeepsAnInstanceAndACopyOfEachModel_WithoutTheScaleFromZeroPath()
    {
        var variant = Assert.Single(Resources("prod", "AWS::SageMaker::EndpointConfig")).AsObject()["ProductionVariants"]![0]!;
        Assert.Equal(1, (double)variant["ManagedInstanceScaling"]!["MinInstanceCount"]!);
        Assert.Equal(1, (double)variant["InitialInstanceCount"]!);
        var targets = Resources("prod", "AWS::ApplicationAutoScaling::ScalableTarget").ToList();
        Assert.Equal(2, targets.Count);
        Assert.All(targets, t => Assert.Equal(1, (double)t["MinCapacity"]!));
        Assert.DoesNotContain(Resources("prod", "AWS::ApplicationAutoScaling::ScalingPolicy"), p => (string?)p["PolicyType"] == "StepScaling");
        // Both models come from the bucket in prod: network isolation stays on.
        Assert.All(Resources("prod", "AWS::SageMaker::Model"), m => Assert.True((bool)m["EnableNetworkIsolation"]!));
    }

    [Theory]
    [InlineData("dev", "llm-dev")]
    [InlineData("prod", "llm-prod")]
    public void Outputs_OpenAiBaseUrlPerComponent_AndPhysicalNamesStartWithThePrefix(string environment, string prefix)
    {
        var outputs = app.Template(environment)["Outputs"]!.AsObject();
        var urls = outputs.Where(o => o.Key.EndsWith("OpenAiBaseUrl", StringComparison.Ordinal)).ToDictionary(o => o.Key, o => (string)o.Value!["Value"]!);
        Assert.Equal(
            $"https://runtime.sagemaker.us-east-1.amazonaws.com/endpoints/{prefix}-shared/inference-components/{prefix}-shared-gpt-oss-20b/openai/v1",
            urls["ComponentEndpointGptOss20bOpenAiBaseUrl"]);
        Assert.Equal(
            $"https://runtime.sagemaker.us-east-1.amazonaws.com/endpoints/{prefix}-shared/inference-components/{prefix}-shared-qwen3-4b/openai/v1",
            urls["ComponentEndpointQwen34bOpenAiBaseUrl"]);
        Assert.Equal($"{prefix}-shared", (string)outputs["ComponentEndpointGptOss20bEndpointName"]!["Value"]!);
        Assert.Equal($"{prefix}-shared-qwen3-4b", (string)outputs["ComponentEndpointQwen34bInferenceComponentName"]!["Value"]!);
        Assert.True(outputs.ContainsKey("InvokerRoleArn"));
        Assert.Equal("gpt-oss-20b", (string)outputs["ComponentEndpointGptOss20bServedModelName"]!["Value"]!);

        Assert.Equal($"{prefix}-shared", (string)Assert.Single(Resources(environment, "AWS::SageMaker::Endpoint"))["EndpointName"]!);
        var alarms = Resources(environment, "AWS::CloudWatch::Alarm").ToList();
        Assert.NotEmpty(alarms);
        Assert.All(alarms, a => Assert.StartsWith(prefix + "-shared-", (string)a["AlarmName"]!));
    }

    [Fact]
    public void AddEnvironments_MinimumCopiesBeyondTheInstances_FailsWithOneConfigurationLine()
    {
        var prod = JsonNode.Parse(File.ReadAllText(Repository.ConfigFile("prod.json")))!;
        prod["componentEndpoint"]!["maxInstances"] = 1;
        foreach (var component in prod["componentEndpoint"]!["components"]!.AsArray())
        {
            component!["minCopies"] = 4;
            component["maxCopies"] = 4;
        }

        var json = prod.ToJsonString();
        var config = EnvironmentCatalog.Parse("prod", json, "cdk/config/prod.json");
        var error = Assert.Throws<ConfigurationException>(() => ModelHostingApp.AddEnvironments(new Amazon.CDK.App(), [config]));
        var line = Assert.Single(error.Lines);
        Assert.StartsWith("cdk/config/prod.json: componentEndpoint.components[1]: Invalid inference components on llm-prod-shared (ml.g6e.12xlarge, 4 GPUs x max 1 instance): minimum copies need", line);
        Assert.Contains("llm-prod-shared-gpt-oss-20b: 1 x 4, llm-prod-shared-qwen3-4b: 1 x 4", line);
    }

    /// <summary>The properties of every resource of a type under the component endpoint (other endpoints of the environment left out).</summary>
    private IEnumerable<JsonObject> Resources(string environment, string type)
        => app.Template(environment)["Resources"]!.AsObject()
            .Where(r => (string?)r.Value!["Type"] == type && r.Key.StartsWith("ComponentEndpoint", StringComparison.Ordinal))
            .Select(r => r.Value!["Properties"]!.AsObject());
}
