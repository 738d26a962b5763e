using System.Text.Json.Nodes;
using LlmHosting.App.Configuration;

namespace LlmHosting.App.Tests.Pipeline;

/// <summary>The README's "Delivery pipeline" section against the app: its example is the fixture, its error lines the app's.</summary>
public sealed class PipelineReadmeTests
{
    private static readonly IReadOnlyList<EnvironmentConfig> Environments = EnvironmentCatalog.Load(Repository.ConfigDirectory).Environments;

    [Fact]
    public void Readme_Example_IsTheTestedFixture()
    {
        var section = Section();
        var start = section.IndexOf("```json\n", StringComparison.Ordinal) + "```json\n".Length;
        var example = JsonNode.Parse(section[start..section.IndexOf("```", start, StringComparison.Ordinal)])!;
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(SynthesizedPipeline.FixtureJson), example), "the README's pipeline.json differs from test/LlmHosting.App.Tests/Pipeline/pipeline.json");
    }

    [Fact]
    public void Readme_ErrorLines_AreTheAppsOwn()
    {
        var staging = Environments.Single(e => e.Name == "staging");
        var cases = new (Action<JsonNode> Edit, IReadOnlyList<EnvironmentConfig> Environments)[]
        {
            (j => j["stages"]![2]!["environment"] = "prd", Environments),
            (j => j["source"]!["connectionArn"] = "arn:aws:codestar-connections:us-east-1:555555555555:host/0b1c2d3e-4f50", Environments),
            (j => j["toolchain"]!["account"] = "111111111111", Environments),
            (_ => { }, [.. Environments.Select(e => e.Name == "prod" ? e with { Account = staging.Account } : e)]),
        };
        var documented = Section().Split('\n').Where(l => l.StartsWith("error: cdk/config/pipeline.json: ", StringComparison.Ordinal)).ToList();
        foreach (var (edit, environments) in cases)
        {
            var json = JsonNode.Parse(SynthesizedPipeline.FixtureJson)!;
            edit(json);
            var error = Assert.Throws<ConfigurationException>(() => PipelineConfig.Parse(json.ToJsonString(), environments, "cdk/config/pipeline.json"));
            Assert.Contains("error: " + Assert.Single(error.Lines), documented);
        }
    }

    /// <summary>The README's "Delivery pipeline" section, up to the next section.</summary>
    internal static string Section()
    {
        var readme = File.ReadAllText(Path.Combine(Repository.Root, "README.md")).ReplaceLineEndings("\n");
        var start = readme.IndexOf("\n## Delivery pipeline\n", StringComparison.Ordinal);
        Assert.True(start >= 0, "README.md has no section \"Delivery pipeline\"");
        var end = readme.IndexOf("\n## ", start + 1, StringComparison.Ordinal);
        return readme[start..(end < 0 ? readme.Length : end)];
    }
}
