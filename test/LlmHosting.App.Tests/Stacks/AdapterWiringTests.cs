using System.Text.Json.Nodes;
using LlmHosting.App.Tests.Snapshots;

namespace LlmHosting.App.Tests.Stacks;

/// <summary>
/// Issue 21's acceptance in the app: dev serves a LoRA adapter (qwen3-4b-support) as an adapter inference component on its
/// Qwen3-4B component, which the execution role reads from its own prefix only, which a gate checks against the base, and
/// which the model directory and outputs list under its name.
/// </summary>
[Collection(SynthesizedApp.Collection)]
public sealed class AdapterWiringTests(SynthesizedApp app)
{
    private const string Adapter = "llm-dev-shared-qwen3-4b-support";
    private const string Prefix = "models/qwen3-4b-support-lora/";

    [Fact]
    public void Dev_AdapterComponent_IsAttachedToItsBaseWithItsArchive_AndTheBaseServesLora()
    {
        var template = app.Template("dev");
        var resources = template["Resources"]!.AsObject();
        var (adapterId, adapter) = Component(resources, Adapter);
        var (baseId, baseComponent) = Component(resources, "llm-dev-shared-qwen3-4b");

        Assert.Equal(
            """{"Container":{"ArtifactUrl":"s3://llm-dev-models-111111111111-us-east-1/models/qwen3-4b-support-lora/adapter.tar.gz"},"BaseInferenceComponentName":"llm-dev-shared-qwen3-4b"}""",
            adapter["Properties"]!["Specification"]!.ToJsonString());
        Assert.Null(adapter["Properties"]!["RuntimeConfig"]);
        Assert.Contains(baseId, adapter["DependsOn"]!.AsArray().Select(d => (string)d!));
        var modelName = (string)baseComponent["Properties"]!["Specification"]!["ModelName"]!["Fn::GetAtt"]![0]!;
        var environment = resources[modelName]!["Properties"]!["PrimaryContainer"]!["Environment"]!.AsObject();
        Assert.Equal(("", "16", "2", "true"), ((string)environment["SM_VLLM_ENABLE_LORA"]!, (string)environment["SM_VLLM_MAX_LORA_RANK"]!, (string)environment["SM_VLLM_MAX_LORAS"]!, (string)environment["VLLM_ALLOW_RUNTIME_LORA_UPDATING"]!));
        var gate = resources.Single(r => (string?)r.Value!["Type"] == "Custom::ModelWeightsGate" && ((string)r.Value["Properties"]!["S3Uri"]!).EndsWith(Prefix, StringComparison.Ordinal));
        Assert.Equal("""{"BaseModel":"Qwen/Qwen3-4B","MaxLoraRank":"16"}""", gate.Value!["Properties"]!["Adapter"]!.ToJsonString());
        Assert.Contains(gate.Key, adapter["DependsOn"]!.AsArray().Select(d => (string)d!));
        Assert.NotEqual(adapterId, baseId);
    }

    [Fact]
    public void Dev_AdaptersPrefix_IsReadByTheExecutionRoleAndTheGateOnly_NarrowedToIt()
    {
        var template = app.Template("dev");
        var policies = template["Resources"]!.AsObject()
            .Where(r => (string?)r.Value!["Type"] == "AWS::IAM::Policy" && r.Value["Properties"]!.ToJsonString().Contains(Prefix, StringComparison.Ordinal))
            .ToList();

        Assert.Equal(["ComponentEndpointExecutionRole", "LlmHostingWeightsGatesProviderHandlerRole"], policies.Select(p => p.Key[..p.Key.IndexOf("DefaultPolicy", StringComparison.Ordinal)]).Order(StringComparer.Ordinal));
        foreach (var policy in policies)
        {
            var statements = policy.Value!["Properties"]!["PolicyDocument"]!["Statement"]!.AsArray().Select(s => s!.AsObject()).Where(s => s.ToJsonString().Contains(Prefix, StringComparison.Ordinal)).ToList();
            var read = Assert.Single(statements, s => (string?)s["Action"] == "s3:GetObject");
            Assert.Contains($"arn:aws:s3:::llm-dev-models-111111111111-us-east-1/{Prefix}*", read["Resource"]!.ToJsonString(), StringComparison.Ordinal);
            var list = Assert.Single(statements, s => (string?)s["Action"] == "s3:ListBucket");
            Assert.Equal("{\"StringLike\":{\"s3:prefix\":[\"" + Prefix + "*\"]}}", list["Condition"]!.ToJsonString());
            Assert.Equal("arn:aws:s3:::llm-dev-models-111111111111-us-east-1", (string)list["Resource"]!);
        }
    }

    [Fact]
    public void Dev_Outputs_GiveTheAdaptersUrlAndModelName()
    {
        var outputs = app.Template("dev")["Outputs"]!.AsObject();

        Assert.Equal(
            "https://runtime.sagemaker.us-east-1.amazonaws.com/endpoints/llm-dev-shared/inference-components/llm-dev-shared-qwen3-4b-support/openai/v1",
            (string)outputs["ComponentEndpointQwen34bSupportOpenAiBaseUrl"]!["Value"]!);
        Assert.Equal(Adapter, (string)outputs["ComponentEndpointQwen34bSupportServedModelName"]!["Value"]!);
        Assert.Equal(Adapter, (string)outputs["ComponentEndpointQwen34bSupportInferenceComponentName"]!["Value"]!);
    }

    private static (string Id, JsonObject Resource) Component(JsonObject resources, string name)
    {
        var found = resources.Single(r => (string?)r.Value!["Type"] == "AWS::SageMaker::InferenceComponent" && (string?)r.Value["Properties"]!["InferenceComponentName"] == name);
        return (found.Key, found.Value!.AsObject());
    }
}
