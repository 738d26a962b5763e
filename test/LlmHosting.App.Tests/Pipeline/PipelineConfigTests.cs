using System.Text.Json.Nodes;
using LlmHosting.App.Configuration;
using LlmHosting.App.Tests.Configuration;

namespace LlmHosting.App.Tests.Pipeline;

/// <summary>
/// <c>cdk/config/pipeline.json</c> read and validated like the environments: strict JSON, every problem on one line that
/// names the file and the JSON path, in the configuration's words. No synthesis: these run in milliseconds.
/// </summary>
public sealed class PipelineConfigTests
{
    private const string File = "cdk/config/pipeline.json";

    private static readonly IReadOnlyList<EnvironmentConfig> Environments = EnvironmentCatalog.Load(Repository.ConfigDirectory).Environments;

    [Fact]
    public void Parse_Fixture_ReadsEverySetting()
    {
        var config = PipelineConfig.Parse(SynthesizedPipeline.FixtureJson, Environments, File);

        Assert.Equal(("555555555555", "us-west-2"), (config.Toolchain.Account, config.Toolchain.Region));
        Assert.Equal("llm-hosting", config.Name);
        Assert.Equal("example-org/llm-hosting", config.Source.Repository);
        Assert.Equal("main", config.Source.Branch);
        Assert.Equal(["dev", "staging", "prod"], config.Stages.Select(s => s.Environment));
        Assert.Equal([false, false, true], config.Stages.Select(s => s.ManualApproval));
        Assert.Equal([null, null, 45], config.Stages.Select(s => s.CheckTimeoutMinutes));
        Assert.Equal(PipelineConfig.DefaultCheckTimeoutMinutes, config.CheckTimeoutMinutes);
    }

    [Fact]
    public void Parse_UnknownEnvironment_SuggestsTheClosest()
        => Assert.Equal(
            [$"{File}: stages[2].environment 'prd' is not an environment of cdk/config; did you mean prod?"],
            Lines(Fixture(j => j["stages"]![2]!["environment"] = "prd")));

    [Fact]
    public void Parse_FarFromEveryEnvironment_ListsThem()
        => Assert.Equal(
            [$"{File}: stages[0].environment 'qa' is not an environment of cdk/config (environments: dev, prod, staging)"],
            Lines(Fixture(j => j["stages"]![0]!["environment"] = "qa")));

    [Theory]
    [InlineData("arn:aws:codestar-connections:us-east-1:555555555555:host/0b1c2d3e-4f50")]
    [InlineData("arn:aws:codeconnections:us-east-1:555555555555:connection/")]
    [InlineData("arn:aws:codeconnections:us-esat-1:555555555555:connection/0b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d")]
    [InlineData("arn:aws:codecommit:us-east-1:555555555555:connection/0b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d")]
    [InlineData("arn:aws:codeconnections:us-east-1:55555555555:connection/0b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d")]
    [InlineData("0b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d")]
    public void Parse_MalformedConnectionArn_NamesItAndTheFormat(string arn)
        => Assert.Equal(
            [$"{File}: source.connectionArn '{arn}' is not a connection ARN: arn:aws:codeconnections:<region>:<account>:connection/<id> (or codestar-connections)"],
            Lines(Fixture(j => j["source"]!["connectionArn"] = arn)));

    [Fact]
    public void Parse_CodestarConnectionsArn_IsAccepted()
    {
        const string Arn = "arn:aws:codestar-connections:eu-west-1:555555555555:connection/7d2469ff-514a-4e4f-9003-5ca4a43cdc41";
        Assert.Equal(Arn, PipelineConfig.Parse(Fixture(j => j["source"]!["connectionArn"] = Arn), Environments, File).Source.ConnectionArn);
    }

    [Fact]
    public void Parse_EnvironmentInToolchainAccount_NeedsTheExplicitOptIn()
    {
        // dev deploys to 111111111111.
        var json = Fixture(j => j["toolchain"]!["account"] = "111111111111");
        Assert.Equal(
            [$"{File}: stages[0] 'dev' deploys to the toolchain account 111111111111, which holds the pipeline and its artifacts: give the environment an account of its own, or set stages[0].allowToolchainAccount to true"],
            Lines(json));

        var optedIn = Fixture(j =>
        {
            j["toolchain"]!["account"] = "111111111111";
            j["stages"]![0]!["allowToolchainAccount"] = true;
        });
        Assert.True(PipelineConfig.Parse(optedIn, Environments, File).Stages[0].AllowToolchainAccount);
    }

    [Fact]
    public void Parse_OptInWhereNotInToolchainAccount_IsRefused()
        => Assert.Equal(
            [$"{File}: stages[1].allowToolchainAccount is true, but 'staging' deploys to account 222222222222, not to the toolchain account 555555555555; remove it"],
            Lines(Fixture(j => j["stages"]![1]!["allowToolchainAccount"] = true)));

    [Fact]
    public void Parse_TwoStagesInOneAccountAndRegion_NamesBoth()
    {
        var staging = Environments.Single(e => e.Name == "staging");
        var environments = Environments.Select(e => e.Name == "prod" ? e with { Account = staging.Account } : e).ToList();

        var error = Assert.Throws<ConfigurationException>(() => PipelineConfig.Parse(SynthesizedPipeline.FixtureJson, environments, File));

        Assert.Equal(
            [$"{File}: stages[2] 'prod' deploys to account 222222222222 in us-east-1, like stages[1] 'staging': give each stage an account and region of its own, so that one environment's deployment cannot touch another's"],
            Checked(error));
    }

    [Fact]
    public void Parse_EnvironmentTwice_IsRefused()
        => Assert.Equal(
            [$"{File}: stages[1].environment 'dev' is already stages[0]: each environment is deployed once"],
            Lines(Fixture(j => j["stages"]![1]!["environment"] = "dev")));

    [Fact]
    public void Parse_EveryProblem_OneLineEachAtOnce()
    {
        var lines = Lines(Fixture(j =>
        {
            j["toolchain"]!["region"] = "us-wset-2";
            j["name"] = "LLM";
            j["source"]!["repository"] = "llm-hosting";
            j["source"]!["branch"] = "feature..x";
            j["stages"]![2]!["checkTimeoutMinutes"] = 2;
            j["stagse"] = new JsonArray();
        }));

        Assert.Equal(
        [
            $"{File}: stagse is not a known key; did you mean stages?",
        ], lines);

        // The shape is checked first; what fits is then validated, every problem at once.
        lines = Lines(Fixture(j =>
        {
            j["toolchain"]!["region"] = "us-wset-2";
            j["name"] = "LLM";
            j["source"]!["repository"] = "llm-hosting";
            j["source"]!["branch"] = "feature..x";
            j["stages"]![2]!["checkTimeoutMinutes"] = 2;
        }));
        Assert.Equal(
        [
            $"{File}: toolchain.region 'us-wset-2' is not an AWS region name (for example us-east-1)",
            $"{File}: name 'LLM' must be 1-20 lower-case letters, digits or hyphens, starting with a letter and not ending with a hyphen",
            $"{File}: source.repository 'llm-hosting' must be <owner>/<repository> (GitLab: <group>/.../<project>)",
            $"{File}: source.branch 'feature..x' is not a git branch name",
            $"{File}: stages[2].checkTimeoutMinutes 2 must be from 5 to 480 minutes",
        ], lines);
    }

    [Fact]
    public void Parse_NoStages_SaysWhatToList()
        => Assert.Equal(
            [$"{File}: stages is empty: list the environments in the order the pipeline deploys them, for example [{{ \"environment\": \"dev\" }}]"],
            Lines(Fixture(j => j["stages"] = new JsonArray())));

    [Fact]
    public void Parse_EveryValueReplacedByEveryKind_EndsInConfigurationOrUserLines()
    {
        // As ConfigMutationTests does for the environments: the shape check and the validation name every misfit.
        var replacements = new JsonNode?[] { null, "two", 1.5, -1, 0, true, new JsonArray(), new JsonObject(), new JsonObject { ["zz"] = 1 } };
        var mutations = 0;
        foreach (var path in Paths(JsonNode.Parse(SynthesizedPipeline.FixtureJson)!))
        {
            foreach (var replacement in replacements)
            {
                var json = Fixture(j => Set(j, path, replacement?.DeepClone()));
                mutations++;
                try
                {
                    PipelineConfig.Parse(json, Environments, File);
                }
                catch (ConfigurationException e)
                {
                    Checked(e);
                }
            }
        }

        Assert.True(mutations > 100, $"only {mutations} mutations");
    }

    [Fact]
    public void Load_ConfigFolderWithoutPipelineFile_IsOff()
        => Assert.Null(PipelineConfig.Load(Repository.ConfigDirectory, EnvironmentCatalog.Load(Repository.ConfigDirectory)));

    [Fact]
    public void Catalog_PipelineFile_IsNeverAnEnvironment()
    {
        var folder = SynthesizedPipeline.WriteConfig(Path.Combine(Path.GetTempPath(), "llmhosting-pipeline-config-" + Guid.NewGuid().ToString("N")));
        try
        {
            var catalog = EnvironmentCatalog.Load(folder);
            Assert.Equal(["dev", "prod", "staging"], catalog.Environments.Select(e => e.Name));
            Assert.NotNull(PipelineConfig.Load(folder, catalog));

            var selected = Assert.Throws<ConfigurationException>(() => catalog.Select("pipeline"));
            Assert.Equal("'pipeline' is the delivery pipeline (pipeline.json), not an environment: synthesize without -c env to get its stack. Known environments: dev, prod, staging.", Assert.Single(selected.Lines));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }

        var reserved = Assert.Throws<ConfigurationException>(() => EnvironmentCatalog.Parse("pipeline", "{}", "cdk/config/pipeline.json"));
        Assert.Contains("cdk/config/pipeline.json: the environment name 'pipeline' is reserved: pipeline.json configures the delivery pipeline", reserved.Lines);
    }

    private static string Fixture(Action<JsonNode> edit)
    {
        var json = JsonNode.Parse(SynthesizedPipeline.FixtureJson)!;
        edit(json);
        return json.ToJsonString();
    }

    private static IReadOnlyList<string> Lines(string json)
        => Checked(Assert.Throws<ConfigurationException>(() => PipelineConfig.Parse(json, Environments, File)));

    private static IReadOnlyList<string> Checked(ConfigurationException error)
    {
        Assert.NotEmpty(error.Lines);
        foreach (var line in error.Lines)
        {
            Assert.StartsWith(File + ": ", line);
            ConfigErrors.AssertUserWords(line);
        }

        return error.Lines;
    }

    private static IEnumerable<object[]> Paths(JsonNode node, object[]? prefix = null)
    {
        prefix ??= [];
        if (prefix.Length > 0)
        {
            yield return prefix;
        }

        var children = node switch
        {
            JsonObject o => o.Select(p => ((object)p.Key, p.Value)).ToList(),
            JsonArray a => a.Select((v, i) => ((object)i, v)).ToList(),
            _ => [],
        };
        foreach (var (key, child) in children)
        {
            foreach (var path in child is null ? [[.. prefix, key]] : Paths(child, [.. prefix, key]))
            {
                yield return path;
            }
        }
    }

    private static void Set(JsonNode root, object[] path, JsonNode? value)
    {
        var parent = path[..^1].Aggregate(root, (node, key) => key is int i ? node[i]! : node[(string)key]!);
        if (path[^1] is int index)
        {
            parent[index] = value;
        }
        else
        {
            parent[(string)path[^1]] = value;
        }
    }
}
