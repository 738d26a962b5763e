using System.Text.Json.Nodes;
using LlmHosting.App.Configuration;
using LlmHosting.App.Tests.Snapshots;
using LlmHosting.Constructs.Sagemaker;
using LlmHosting.Constructs.Weights;

namespace LlmHosting.App.Tests.Stacks;

/// <summary>
/// Every SageMaker model of every environment can start as configured: a network-isolated one (weights from the bucket)
/// has every variable of its model's start contract in its container, the folder those variables point at is where the
/// contract's files are, and the weights gate of its prefix requires those files with their SHA-256 before the model is
/// created; a model with network access gets its weights from Hugging Face and reaches the contract's addresses itself.
/// </summary>
[Collection(SynthesizedApp.Collection)]
public sealed class StartContractWiringTests(SynthesizedApp app)
{
    public static TheoryData<string> EnvironmentNames() => SnapshotTests.EnvironmentNames();

    [Theory]
    [MemberData(nameof(EnvironmentNames))]
    public void Serving_EverySageMakerModel_HasItsStartContractSatisfiedBySourceAndEnvironment(string environment)
    {
        var resources = app.Template(environment)["Resources"]!.AsObject();
        var gates = resources.Where(r => (string?)r.Value!["Type"] == WeightsGate.ResourceType)
            .ToDictionary(r => Render(r.Value!["Properties"]!["S3Uri"]!), r => r.Value!["Properties"]!);
        var models = resources.Where(r => (string?)r.Value!["Type"] == "AWS::SageMaker::Model").ToList();

        Assert.NotEmpty(models);
        foreach (var (id, model) in models)
        {
            var where = $"{environment}: {id}";
            var properties = model!["Properties"]!;
            var variables = properties["PrimaryContainer"]!["Environment"]!.AsObject();
            var name = (string)variables["SM_VLLM_SERVED_MODEL_NAME"]!;
            var contract = (KnownModel.TryFromName(name) ?? throw new Xunit.Sdk.XunitException($"{where} serves {name}, which is not in the catalog")).StartContract;
            if (properties["EnableNetworkIsolation"]?.GetValue<bool>() != true)
            {
                Assert.True(variables.ContainsKey("HF_MODEL_ID"), $"{where} has network access but no Hugging Face source");
                continue;
            }

            var uri = Render(properties["PrimaryContainer"]!["ModelDataSource"]!["S3DataSource"]!["S3Uri"]!);
            var required = gates.TryGetValue(uri, out var gate) ? gate["StartFiles"]?.AsArray() ?? [] : throw new Xunit.Sdk.XunitException($"{where} reads {uri}, which has no gate");
            foreach (var file in contract.Files)
            {
                var folder = $"{ModelSource.ModelMountPath}/{Path.GetDirectoryName(file.Key)}";
                var pointer = contract.Environment.Where(v => v.Value == folder).Select(v => v.Key).FirstOrDefault()
                    ?? throw new Xunit.Sdk.XunitException($"{where}: no variable of the {contract.Name} contract points at {folder}, where {file.Key} is");
                Assert.True(
                    (string?)variables[pointer] == folder,
                    $"{where} ({name}) reads {file.Key} at start without network access, but its container has {pointer}={(string?)variables[pointer] ?? "(unset)"}, not {folder}");
                Assert.True(
                    required.Any(r => (string?)r!["Key"] == file.Key && (string?)r["Sha256"] == file.Sha256),
                    $"{where} ({name}) reads {file.Key} at start, but the gate of {uri} does not require it with SHA-256 {file.Sha256} (StartFiles: {required.ToJsonString()})");
            }

            foreach (var (variable, value) in contract.Environment)
            {
                Assert.True(
                    (string?)variables[variable] == value,
                    $"{where} ({name}, {contract.Name} start contract) runs without network access but its container has {variable}={(string?)variables[variable] ?? "(unset)"}, not {value}");
            }
        }
    }

    [Fact]
    public void Dev_GptOssComponent_PointsHarmonyAtTheVocabularyInItsFolder()
    {
        var resources = app.Template("dev")["Resources"]!.AsObject();
        var model = resources.Single(r => (string?)r.Value!["Type"] == "AWS::SageMaker::Model"
            && (string?)r.Value!["Properties"]!["PrimaryContainer"]!["Environment"]!["SM_VLLM_SERVED_MODEL_NAME"] == "gpt-oss-20b").Value!;
        var gate = resources.Single(r => (string?)r.Value!["Type"] == WeightsGate.ResourceType).Value!["Properties"]!;

        Assert.True(model["Properties"]!["EnableNetworkIsolation"]!.GetValue<bool>());
        Assert.Equal("/opt/ml/model/tiktoken", (string?)model["Properties"]!["PrimaryContainer"]!["Environment"]!["TIKTOKEN_ENCODINGS_BASE"]);
        Assert.Equal(
            """[{"Key":"tiktoken/o200k_base.tiktoken","Sha256":"446a9538cb6c348e3516120d7c08b09f57c36495e2acfffe59a5bf8b0cfb1a2d"}]""",
            gate["StartFiles"]!.ToJsonString());
    }

    [Fact]
    public void WeightsManifestWithoutTheVocabulary_FailsSynthesisNamingTheFileTheEntryAndTheFix()
    {
        var directory = Directory.CreateTempSubdirectory("llmhost-config-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(directory, "manifests"));
            File.WriteAllText(Path.Combine(directory, "manifests", "gpt-oss-20b.json"), """
                { "formatVersion": 1, "prefix": "models/gpt-oss-20b/", "files": [
                  { "key": "config.json", "size": 1234, "sha256": "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "etag": "e1" } ] }
                """);
            var config = EnvironmentCatalog.Parse("test", """
                { "account": "111111111111", "region": "us-east-1", "namePrefix": "llm-test",
                  "tags": { "owner": "ml-platform", "costCentre": "cc-42" },
                  "invoker": { "trustedRoleArns": ["arn:aws:iam::111111111111:role/chat-service"] },
                  "endpoints": [ { "name": "gpt-oss-20b", "model": "gpt-oss-20b", "weightsManifest": "manifests/gpt-oss-20b.json", "bucketPrefix": "models/gpt-oss-20b/", "instanceType": "ml.g6e.xlarge" } ] }
                """, "test.json", directory);

            var e = Assert.Throws<ConfigurationException>(() => new LlmHosting.App.Stacks.ModelHostingStage(new Amazon.CDK.App(new Amazon.CDK.AppProps { Context = SynthesizedApp.CdkJsonContext() }), config));

            Assert.Contains("test.json: endpoints[0]", e.Message, StringComparison.Ordinal);
            Assert.Contains("lack tiktoken/o200k_base.tiktoken, which the container of model gpt-oss-20b reads at start", e.Message, StringComparison.Ordinal);
            Assert.Contains("llmhost prepare-model <folder> --fix", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static string Render(JsonNode node) => node is JsonValue ? (string)node! : string.Concat(node["Fn::Join"]![1]!.AsArray().Select(p => p is JsonValue ? (string)p! : p!.ToJsonString()));
}
