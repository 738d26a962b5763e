using System.Text.Json.Nodes;
using LlmHosting.App.Configuration;
using LlmHosting.App.Tests.Snapshots;
using LlmHosting.Constructs.Weights;

namespace LlmHosting.App.Tests.Stacks;

/// <summary>
/// Nothing that loads weights from S3 is created or updated before the gate of its prefix has checked the folder:
/// every SageMaker model with an S3 data source and every Bedrock import references (or depends on) that gate.
/// </summary>
[Collection(SynthesizedApp.Collection)]
public sealed class WeightsGateWiringTests(SynthesizedApp app)
{
    public static TheoryData<string> EnvironmentNames() => SnapshotTests.EnvironmentNames();

    [Theory]
    [MemberData(nameof(EnvironmentNames))]
    public void Serving_EveryReaderOfS3Weights_DependsOnTheGateOfItsPrefix(string environment)
    {
        var resources = app.Template(environment)["Resources"]!.AsObject();
        var gates = resources.Where(r => (string?)r.Value!["Type"] == WeightsGate.ResourceType)
            .ToDictionary(r => Render(r.Value!["Properties"]!["S3Uri"]!), r => r.Key);
        var readers = resources
            .Select(r => (r.Key, Uri: (string?)null, Resource: r.Value!))
            .Select(r => (r.Key, Uri: S3UriOf(r.Resource), r.Resource))
            .Where(r => r.Uri is not null)
            .ToList();

        Assert.NotEmpty(readers);
        foreach (var (id, uri, resource) in readers)
        {
            Assert.True(gates.TryGetValue(uri!, out var gate), $"{environment}: {id} reads {uri}, which has no gate (gates: {string.Join(", ", gates.Keys)})");
            var references = resource["Properties"]!.ToJsonString().Contains($"\"Fn::GetAtt\":[\"{gate}\"", StringComparison.Ordinal);
            var dependsOn = resource["DependsOn"]?.AsArray().Any(d => (string?)d == gate) == true;
            Assert.True(references || dependsOn, $"{environment}: {id} reads {uri} without depending on its gate {gate}");
        }
    }

    [Fact]
    public void Dev_SharedPrefixOfTheComponentAndTheImport_IsCheckedWithBedrocksRules()
    {
        var gates = app.Template("dev")["Resources"]!.AsObject().Where(r => (string?)r.Value!["Type"] == WeightsGate.ResourceType).ToList();

        var gate = Assert.Single(gates);
        Assert.Equal("Bedrock", (string)gate.Value!["Properties"]!["Rules"]!);
        Assert.EndsWith("/models/gpt-oss-20b/", Render(gate.Value!["Properties"]!["S3Uri"]!), StringComparison.Ordinal);
    }

    [Fact]
    public void WeightsManifest_Committed_PinsTheGatesExpectedObjects()
    {
        var directory = Directory.CreateTempSubdirectory("llmhost-config-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(directory, "manifests"));
            File.WriteAllText(Path.Combine(directory, "manifests", "gpt-oss-20b.json"), """
                { "formatVersion": 1, "prefix": "models/gpt-oss-20b/", "files": [
                  { "key": "config.json", "size": 1234, "sha256": "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "etag": "e1" },
                  { "key": "model.safetensors", "size": 13000000000, "sha256": "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb", "etag": "e2-800" },
                  { "key": "tiktoken/o200k_base.tiktoken", "size": 3613922, "sha256": "446a9538cb6c348e3516120d7c08b09f57c36495e2acfffe59a5bf8b0cfb1a2d", "etag": "e3" } ] }
                """);
            var config = EnvironmentCatalog.Parse("test", Environment("\"weightsManifest\": \"manifests/gpt-oss-20b.json\","), "test.json", directory);
            var stage = new LlmHosting.App.Stacks.ModelHostingStage(new Amazon.CDK.App(new Amazon.CDK.AppProps { Context = SynthesizedApp.CdkJsonContext() }), config);
            var template = JsonNode.Parse(Newtonsoft.Json.JsonConvert.SerializeObject(Amazon.CDK.Assertions.Template.FromStack(stage.Serving).ToJSON()))!;

            var gate = template["Resources"]!.AsObject().Single(r => (string?)r.Value!["Type"] == WeightsGate.ResourceType).Value!["Properties"]!;
            Assert.Equal(
                """[{"Key":"config.json","Size":"1234","ETag":"e1"},{"Key":"model.safetensors","Size":"13000000000","ETag":"e2-800"},{"Key":"tiktoken/o200k_base.tiktoken","Size":"3613922","ETag":"e3"}]""",
                gate["ExpectedFiles"]!.ToJsonString());
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Theory]
    [InlineData("\"weightsManifest\": \"manifests/missing.json\",", "endpoints[0].weightsManifest 'manifests/missing.json' cannot be read")]
    [InlineData("\"weightsManifest\": \"../../etc/passwd\",", "endpoints[0].weightsManifest '../../etc/passwd' must be a path inside the configuration folder")]
    [InlineData("\"weightsManifest\": \"other.json\",", "endpoints[0].weightsManifest 'other.json' describes prefix models/other/, not models/gpt-oss-20b/")]
    [InlineData("\"weightsManifest\": \"broken.json\",", "endpoints[0].weightsManifest: broken.json: $")]
    public void WeightsManifest_Bad_IsNamed(string setting, string expected)
    {
        var directory = Directory.CreateTempSubdirectory("llmhost-config-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(directory, "other.json"), """{ "formatVersion": 1, "prefix": "models/other/", "files": [] }""");
            File.WriteAllText(Path.Combine(directory, "broken.json"), "{ not json");
            var error = Assert.Throws<ConfigurationException>(() => EnvironmentCatalog.Parse("test", Environment(setting), "test.json", directory));
            Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static string Environment(string endpointSetting) => $$"""
        { "account": "111111111111", "region": "us-east-1", "namePrefix": "llm-test",
          "tags": { "owner": "ml-platform", "costCentre": "cc-42" },
          "invoker": { "trustedRoleArns": ["arn:aws:iam::111111111111:role/chat-service"] },
          "endpoints": [ { "name": "gpt-oss-20b", "model": "gpt-oss-20b", {{endpointSetting}} "bucketPrefix": "models/gpt-oss-20b/", "instanceType": "ml.g6e.xlarge" } ] }
        """;

    private static string? S3UriOf(JsonNode resource) => (string?)resource["Type"] switch
    {
        "AWS::SageMaker::Model" when resource["Properties"]!["PrimaryContainer"]?["ModelDataSource"]?["S3DataSource"]?["S3Uri"] is { } uri => Render(uri),
        "Custom::BedrockModelImport" => Render(resource["Properties"]!["S3Uri"]!),
        _ => null,
    };

    private static string Render(JsonNode node) => node is JsonValue ? (string)node! : string.Concat(node["Fn::Join"]![1]!.AsArray().Select(p => p is JsonValue ? (string)p! : p!.ToJsonString()));
}
