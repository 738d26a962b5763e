using System.Text.Json.Nodes;
using LlmHosting.App.Tests.Snapshots;
using LlmHosting.Client;
using LlmHosting.Tests.Shared;

namespace LlmHosting.App.Tests.Stacks;

/// <summary>
/// Issue 13 in the app: every environment publishes its model directory (SSM parameter and outputs), which the client's
/// own parser reads, and its invoker role may call exactly the Bedrock models the environment lists or imports.
/// </summary>
[Collection(SynthesizedApp.Collection)]
public sealed class ModelDirectoryWiringTests(SynthesizedApp app)
{
    // Per environment: each name clients may ask for, with its kind, model id (imported: the rendered ARN) and whether it may be cold.
    public static TheoryData<string, string[]> Directories() => new()
    {
        { "dev", [
            "gpt-oss-20b sagemaker-inference-component gpt-oss-20b cold",
            "qwen3-4b sagemaker-inference-component Qwen3-4B cold",
            "qwen3-4b-support sagemaker-inference-component llm-dev-shared-qwen3-4b-support cold",
            "gpt-oss-20b-imported bedrock-imported arn:aws:bedrock:us-east-1:123456789012:imported-model/abcdef123456 cold",
            "gpt-oss-120b-bedrock bedrock-on-demand openai.gpt-oss-120b-1:0 warm",
            "gpt-oss-20b-bedrock bedrock-on-demand openai.gpt-oss-20b-1:0 warm",
        ] },
        { "staging", [
            "gpt-oss-20b sagemaker-endpoint gpt-oss-20b warm",
            "gpt-oss-20b-bedrock bedrock-on-demand openai.gpt-oss-20b-1:0 warm",
        ] },
        { "prod", [
            "gpt-oss-120b sagemaker-endpoint gpt-oss-120b warm",
            "gpt-oss-20b sagemaker-inference-component gpt-oss-20b warm",
            "qwen3-4b sagemaker-inference-component Qwen3-4B warm",
            "gpt-oss-120b-bedrock bedrock-on-demand openai.gpt-oss-120b-1:0 warm",
        ] },
    };

    [Theory]
    [MemberData(nameof(Directories))]
    public void Directory_ParsedByTheClient_ListsEveryModelOfTheEnvironment(string environment, string[] expected)
    {
        var template = app.Template(environment);
        var (_, parameter) = Assert.Single(Resources(template, "AWS::SSM::Parameter"));
        Assert.Equal($"/llm-{environment}/model-directory", (string)parameter["Name"]!);
        Assert.Equal("Standard", (string)parameter["Tier"]!);

        var directory = ModelDirectory.Parse(new ArnRenderer(template).Render(parameter["Value"]), $"{environment} template");

        Assert.Equal(environment, directory.Environment);
        Assert.Equal(expected, directory.Models.Select(m => $"{m.Name} {m.Kind} {m.ModelId} {(m.MayBeCold ? "cold" : "warm")}"));
        // The outputs the client and llmhost look for: the document itself and the parameter's name.
        var outputs = template["Outputs"]!.AsObject();
        Assert.Equal(parameter["Value"]!.ToJsonString(), outputs["ModelDirectory"]!["Value"]!.ToJsonString());
        Assert.Equal("/llm-" + environment + "/model-directory", new ArnRenderer(template).Render(outputs["ModelDirectoryParameterName"]!["Value"]));
    }

    [Theory]
    [InlineData("dev", new[] { "openai.gpt-oss-120b-1:0", "openai.gpt-oss-20b-1:0" }, 1)]
    [InlineData("staging", new[] { "openai.gpt-oss-20b-1:0" }, 0)]
    [InlineData("prod", new[] { "openai.gpt-oss-120b-1:0" }, 0)]
    public void Invoker_BedrockStatements_NameExactlyTheConfiguredAndImportedModels(string environment, string[] onDemand, int imported)
    {
        var template = app.Template(environment);
        var renderer = new ArnRenderer(template);
        var statements = InvokerStatements(template).ToList();

        var invoke = statements.Where(s => Actions(s).Any(a => a.StartsWith("bedrock:Invoke", StringComparison.Ordinal))).ToList();
        var invokeStatement = Assert.Single(invoke);
        Assert.Equal(["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"], Actions(invokeStatement).Order());
        var resources = Resources(invokeStatement).Select(renderer.Render).Order().ToList();
        var expected = onDemand.Select(id => $"arn:aws:bedrock:us-east-1::foundation-model/{id}")
            .Concat(Enumerable.Repeat("arn:aws:bedrock:us-east-1:123456789012:imported-model/abcdef123456", imported))
            .Order()
            .ToList();
        Assert.Equal(expected, resources);

        // Bedrock API keys are allowed by default: CallWithBearerToken, which supports no resource type, on "*".
        var bearer = Assert.Single(statements, s => Actions(s).Contains("bedrock:CallWithBearerToken"));
        Assert.Equal("*", (string)bearer["Resource"]!);
        // The Responses API (Mantle) is granted only where an entry asks for it: dev's gpt-oss-120b-bedrock.
        Assert.Equal(environment == "dev", statements.Any(s => Actions(s).Contains("bedrock-mantle:CreateInference")));
        // Nothing else of Bedrock: no other action (statements with one resource may be merged across services by CDK).
        Assert.All(statements.SelectMany(Actions).Where(a => a.StartsWith("bedrock", StringComparison.Ordinal)), a =>
            Assert.Contains(a, new[] { "bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream", "bedrock:CallWithBearerToken", "bedrock-mantle:CreateInference", "bedrock-mantle:CallWithBearerToken" }));
    }

    [Theory]
    [InlineData("dev")]
    [InlineData("staging")]
    [InlineData("prod")]
    public void Invoker_MayReadTheDirectoryParameterAndNoOther(string environment)
    {
        var template = app.Template(environment);
        var read = Assert.Single(InvokerStatements(template), s => Actions(s).Contains("ssm:GetParameter"));
        Assert.Equal(["ssm:GetParameter"], Actions(read));
        var account = environment switch { "dev" => "111111111111", "staging" => "222222222222", _ => "333333333333" };
        Assert.Equal($"arn:aws:ssm:us-east-1:{account}:parameter/llm-{environment}/model-directory", new ArnRenderer(template).Render(read["Resource"]));
    }

    private static IEnumerable<(string Id, JsonObject Properties)> Resources(JsonObject template, string type)
        => template["Resources"]!.AsObject()
            .Where(r => (string?)r.Value!["Type"] == type)
            .Select(r => (r.Key, r.Value!["Properties"]!.AsObject()));

    // Statements of the policies attached to the invoker role (logical ids start with the construct id "Invoker").
    private static IEnumerable<JsonObject> InvokerStatements(JsonObject template)
        => Resources(template, "AWS::IAM::Policy")
            .Where(p => p.Properties["Roles"]!.AsArray().Any(r => ((string?)r!["Ref"])?.StartsWith("Invoker", StringComparison.Ordinal) == true))
            .SelectMany(p => p.Properties["PolicyDocument"]!["Statement"]!.AsArray().Select(s => s!.AsObject()));

    private static List<string> Actions(JsonObject statement) => statement["Action"] switch
    {
        JsonArray many => many.Select(a => (string)a!).ToList(),
        var one => [(string)one!],
    };

    private static IEnumerable<JsonNode> Resources(JsonObject statement) => statement["Resource"] switch
    {
        JsonArray many => many.Select(r => r!),
        var one => [one!],
    };
}
