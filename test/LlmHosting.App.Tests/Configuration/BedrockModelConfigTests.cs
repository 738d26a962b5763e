namespace LlmHosting.App.Tests.Configuration;

public sealed class BedrockModelConfigTests
{
    private const string Environment = """
        {
          "account": "123456789012", "region": "REGION", "namePrefix": "llm-test",
          "tags": { "owner": "ml-platform", "costCentre": "cc-42" },
          "invoker": { "trustedRoleArns": ["arn:aws:iam::123456789012:role/app"] },
          "bedrockModels": [ MODELS ]
        }
        """;

    private static string With(string region, string models) => Environment.Replace("REGION", region, StringComparison.Ordinal).Replace("MODELS", models, StringComparison.Ordinal);

    [Fact]
    public void Synth_ModelNotOfferedInTheRegion_ListsTheRegionsThatOfferIt()
    {
        var line = Assert.Single(ConfigErrors.OfSynth(With("ca-central-1", """{ "name": "gpt-oss-120b-bedrock", "modelId": "openai.gpt-oss-120b-1:0" }""")));
        Assert.StartsWith($"{ConfigErrors.Source}: bedrockModels[0].modelId", line);
        Assert.Contains("ca-central-1", line);
        Assert.Contains("us-east-1", line);
        Assert.Contains("us-west-2", line);
        ConfigErrors.AssertUserWords(line);
    }

    [Fact]
    public void Parse_ModelOutsideTheCatalogWithoutRegions_NamesTheCatalogAndTheEscapeHatch()
        => Assert.Equal(
            $"{ConfigErrors.Source}: bedrockModels[0].modelId 'qwen.qwen3-32b-v1:0' is not in the catalog (openai.gpt-oss-20b-1:0, openai.gpt-oss-120b-1:0); to use another Bedrock model, list the regions that offer it in bedrockModels[0].regions",
            Assert.Single(ConfigErrors.OfParse(With("us-east-1", """{ "name": "qwen", "modelId": "qwen.qwen3-32b-v1:0" }"""))));

    [Fact]
    public void Synth_ModelOutsideTheCatalogWithRegions_IsGrantedByItsArn()
    {
        var config = LlmHosting.App.Configuration.EnvironmentCatalog.Parse("test", With("us-east-1", """{ "name": "qwen", "modelId": "qwen.qwen3-32b-v1:0", "regions": ["us-east-1"] }"""), ConfigErrors.Source);
        var app = new Amazon.CDK.App(new Amazon.CDK.AppProps { Context = LlmHosting.App.Tests.Snapshots.SynthesizedApp.CdkJsonContext() });
        var stage = Assert.Single(LlmHosting.App.ModelHostingApp.AddEnvironments(app, [config]));
        var template = Newtonsoft.Json.JsonConvert.SerializeObject(Amazon.CDK.Assertions.Template.FromStack(stage.Serving).ToJSON());
        Assert.Contains(":foundation-model/qwen.qwen3-32b-v1:0", template, StringComparison.Ordinal);
    }
}
