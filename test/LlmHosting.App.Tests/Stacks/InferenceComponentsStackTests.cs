using System.Text.Json.Nodes;
using Amazon.CDK;
using Amazon.CDK.Assertions;
using LlmHosting.App.Configuration;
using LlmHosting.App.Stacks;
using LlmHosting.App.Tests.Snapshots;

namespace LlmHosting.App.Tests.Stacks;

/// <summary>The checked-in dev and prod environments, synthesized once in memory.</summary>
public sealed class ComponentEnvironmentsFixture
{
    public ComponentEnvironmentsFixture()
    {
        var catalog = EnvironmentCatalog.Load(Path.Combine(AppContext.BaseDirectory, "config"));
        var app = new Amazon.CDK.App(new AppProps { Context = SynthesizedApp.CdkJsonContext() });
        var stages = ModelHostingApp.AddEnvironments(app, catalog.Environments.Where(e => e.Name is "dev" or "prod"));
        Templates = stages.ToDictionary(
            s => s.StageName,
            s => JsonNode.Parse(Newtonsoft.Json.JsonConvert.SerializeObject(Template.FromStack(s.ModelHosting).ToJSON()))!.AsObject());
    }

    public IReadOnlyDictionary<string, JsonObject> Templates { get; }

    /// <summary>The properties of every resource of a type under the component endpoint (other endpoints of the environment left out).</summary>
    public IEnumerable<JsonObject> Resources(string environment, string type)
        => Templates[environment]["Resources"]!.AsObject()
            .Where(r => (string?)r.Value!["Type"] == type && r.Key.StartsWith("ComponentEndpoint", StringComparison.Ordinal))
            .Select(r => r.Value!["Properties"]!.AsObject());
}

public sealed class InferenceComponentsStackTests(ComponentEnvironmentsFixture fixture) : IClassFixture<ComponentEnvironmentsFixture>
{
    [Fact]
    public void Dev_EndpointScalesToZeroInstances_AndEachComponentToZeroCopies()
    {
        var variant = Assert.Single(fixture.Resources("dev", "AWS::SageMaker::EndpointConfig")).AsObject()["ProductionVariants"]![0]!;
        Assert.Null(variant["ModelName"]);
        Assert.Equal(0, (double)variant["ManagedInstanceScaling"]!["MinInstanceCount"]!);
        Assert.Equal("ml.g6e.12xlarge", (string)variant["InstanceType"]!);

        var components = fixture.Resources("dev", "AWS::SageMaker::InferenceComponent").ToList();
        Assert.Equal(["llm-dev-shared-gpt-oss-20b", "llm-dev-shared-qwen3-4b"], components.Select(c => (string)c["InferenceComponentName"]!).Order(StringComparer.Ordinal));
        Assert.All(components, c => Assert.Equal(1, (double)c["RuntimeConfig"]!["CopyCount"]!));
        var targets = fixture.Resources("dev", "AWS::ApplicationAutoScaling::ScalableTarget").ToList();
        Assert.Equal(2, targets.Count);
        Assert.All(targets, t => Assert.Equal(0, (double)t["MinCapacity"]!));
        Assert.Equal(2, fixture.Resources("dev", "AWS::ApplicationAutoScaling::ScalingPolicy").Count(p => (string?)p["PolicyType"] == "StepScaling"));
        Assert.Equal(2, fixture.Resources("dev", "AWS::CloudWatch::Alarm").Count(a => (string?)a["MetricName"] == "NoCapacityInvocationFailures" && (double)a["Period"]! == 60));
    }

    [Fact]
    public void Prod_KeepsAnInstanceAndACopyOfEachModel_WithoutTheScaleFromZeroPath()
    {
        var variant = Assert.Single(fixture.Resources("prod", "AWS::SageMaker::EndpointConfig")).AsObject()["ProductionVariants"]![0]!;
        Assert.Equal(1, (double)variant["ManagedInstanceScaling"]!["MinInstanceCount"]!);
        Assert.Equal(1, (double)variant["InitialInstanceCount"]!);
        var targets = fixture.Resources("prod", "AWS::ApplicationAutoScaling::ScalableTarget").ToList();
        Assert.Equal(2, targets.Count);
        Assert.All(targets, t => Assert.Equal(1, (double)t["MinCapacity"]!));
        Assert.DoesNotContain(fixture.Resources("prod", "AWS::ApplicationAutoScaling::ScalingPolicy"), p => (string?)p["PolicyType"] == "StepScaling");
        // Both models come from the bucket in prod: network isolation stays on.
        Assert.All(fixture.Resources("prod", "AWS::SageMaker::Model"), m => Assert.True((bool)m["EnableNetworkIsolation"]!));
    }

    [Theory]
    [InlineData("dev", "llm-dev")]
    [InlineData("prod", "llm-prod")]
    public void Outputs_OpenAiBaseUrlPerComponent_AndPhysicalNamesStartWithThePrefix(string environment, string prefix)
    {
        var outputs = fixture.Templates[environment]["Outputs"]!.AsObject();
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

        Assert.Equal($"{prefix}-shared", (string)Assert.Single(fixture.Resources(environment, "AWS::SageMaker::Endpoint"))["EndpointName"]!);
        var alarms = fixture.Resources(environment, "AWS::CloudWatch::Alarm").ToList();
        Assert.NotEmpty(alarms);
        Assert.All(alarms, a => Assert.StartsWith(prefix + "-shared-", (string)a["AlarmName"]!));
    }

    [Fact]
    public void AddEnvironments_MinimumCopiesBeyondTheInstances_FailsWithOneConfigurationLine()
    {
        var prod = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "config", "prod.json")))!;
        prod["componentEndpoint"]!["maxInstances"] = 1;
        foreach (var component in prod["componentEndpoint"]!["components"]!.AsArray())
        {
            component!["minCopies"] = 4;
            component["maxCopies"] = 4;
        }

        var json = prod.ToJsonString();
        var config = EnvironmentCatalog.Parse("prod", json, "cdk/config/prod.json");
        var error = Assert.Throws<ConfigurationException>(() => ModelHostingApp.AddEnvironments(new Amazon.CDK.App(), [config]));
        Assert.StartsWith("Invalid configuration for environment 'prod': componentEndpoint.components[1] (qwen3-4b): Invalid inference components on llm-prod-shared (ml.g6e.12xlarge, 4 GPUs x max 1 instance): minimum copies need", error.Message);
        Assert.Contains("llm-prod-shared-gpt-oss-20b: 1 x 4, llm-prod-shared-qwen3-4b: 1 x 4", error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }
}
