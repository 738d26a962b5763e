using System.CommandLine;
using System.Text.Json.Nodes;
using LlmHosting.Cli.Commands.Impact;
using static LlmHosting.Cli.Tests.Impact.ImpactTemplates;

namespace LlmHosting.Cli.Tests.Impact;

/// <summary><c>llmhost impact</c> end to end on folders: layouts, formats, exit codes and unreadable input.</summary>
public sealed class ImpactCommandTests : IDisposable
{
    private static readonly string AssetHash = new('a', 64);
    private readonly AssemblyLayouts _layouts = new();

    [Fact]
    public async Task SnapshotFolderAgainstCloudAssembly_SameContent_NoChanges()
    {
        // Snapshots are normalised; a fresh cdk.out has real asset hashes and aws:cdk:path metadata.
        var snapshot = WithAsset(Serving(), "<asset-hash>");
        var synthesized = WithAsset(Serving(), AssetHash);
        Resources(synthesized)[Model]!["Metadata"] = JsonNode.Parse("""{ "aws:cdk:path": "staging/Serving/Model/Resource" }""");
        var before = _layouts.Snapshots("snapshots", ("staging", "Serving", snapshot), ("dev", "Serving", Serving()));
        var after = _layouts.CloudAssembly("cdk.out", ("staging", "Serving", synthesized), ("dev", "Serving", Serving()));

        var (exitCode, output, error) = await RunAsync("impact", "--before", before, "--after", after, "--fail-on", "risk");

        Assert.Equal(0, exitCode);
        Assert.Equal("", error);
        Assert.StartsWith("### Deployment impact: no changes in 2 stacks", output);
        Assert.Contains("Unchanged: `dev/Serving`, `staging/Serving`", output);
    }

    [Fact]
    public async Task ReplacedBucket_FailOnRisk_ExitsThreeWithTheMarkdownTable()
    {
        var changed = Serving();
        Properties(changed, Bucket)["BucketName"] = "llm-staging-weights";
        var before = _layouts.Snapshots("before", ("staging", "Serving", Serving()));
        var after = _layouts.CloudAssembly("after", ("staging", "Serving", changed));

        var (exitCode, output, _) = await RunAsync("impact", "--before", before, "--after", after, "--fail-on", "risk");
        var (exitCodeWithoutFailOn, _, _) = await RunAsync("impact", "--before", before, "--after", after);

        Assert.Equal(ImpactCommand.ExitRisk, exitCode);
        Assert.Equal(0, exitCodeWithoutFailOn);
        Assert.StartsWith("### Deployment impact: 1 DATA RISK · 3 replaced, 1 updated in 1 of 1 stacks\n", output.ReplaceLineEndings("\n"));
        Assert.Contains("#### staging/Serving", output);
        Assert.Contains($"| `{Bucket}` | AWS::S3::Bucket | **REPLACE** | BucketName: added llm-staging-weights (create-only)<br>old resource: UpdateReplacePolicy Retain: kept, orphaned (no longer managed by the stack) | **DATA RISK** |", output);
    }

    [Fact]
    public async Task TextFormat_ListsEachResourceWithItsReasons()
    {
        var changed = Serving();
        Properties(changed, Config)["ProductionVariants"]![0]!["InstanceType"] = "ml.g6e.2xlarge";
        var before = _layouts.Snapshots("before", ("staging", "Serving", Serving()));
        var after = _layouts.Snapshots("after", ("staging", "Serving", changed));

        var (exitCode, output, _) = await RunAsync("impact", "--before", before, "--after", after, "--format", "text", "--fail-on", "risk");

        Assert.Equal(0, exitCode);
        var lines = output.ReplaceLineEndings("\n").Split('\n');
        Assert.Equal("Deployment impact: no flags · 1 replaced, 1 updated in 1 of 1 stacks", lines[0]);
        Assert.Contains($"  REPLACE       {Config} (AWS::SageMaker::EndpointConfig)", lines);
        Assert.Contains("                - ProductionVariants[0].InstanceType: ml.g6e.xlarge → ml.g6e.2xlarge (create-only)", lines);
        Assert.Contains($"  update        {Endpoint} (AWS::SageMaker::Endpoint)", lines);
    }

    [Fact]
    public async Task EnvOption_ComparesOnlyThatEnvironment()
    {
        var before = _layouts.Snapshots("before", ("staging", "Serving", Serving()), ("prod", "Serving", Serving()));
        var after = _layouts.CloudAssembly("after", ("prod", "Serving", Serving()));

        var (exitCode, output, _) = await RunAsync("impact", "--before", before, "--after", after, "--env", "prod", "--fail-on", "risk");
        var (unknownExit, _, unknownError) = await RunAsync("impact", "--before", before, "--after", after, "--env", "qa");

        Assert.Equal(0, exitCode);
        Assert.StartsWith("### Deployment impact: no changes in 1 stacks", output);
        Assert.Equal(2, unknownExit);
        Assert.Equal($"error: --env qa: no stack of that environment in {before} or {after} (environments: prod, staging)\n", unknownError.ReplaceLineEndings("\n"));
    }

    [Fact]
    public async Task UnreadableInput_ExitsTwoWithOneLineNamingThePath()
    {
        var good = _layouts.Snapshots("good", ("staging", "Serving", Serving()));
        var missing = Path.Combine(_layouts.Root, "missing");
        var invalid = _layouts.Snapshots("invalid");
        File.WriteAllText(Path.Combine(invalid, "staging.Serving.template.json"), "{ \"Resources\": ");
        var noType = _layouts.Snapshots("notype", ("staging", "Serving", Parse("""{ "Resources": { "Thing": { "Properties": {} } } }""")));
        var brokenAssembly = _layouts.CloudAssembly("broken", ("staging", "Serving", Serving()));
        File.Delete(Directory.GetFiles(Path.Combine(brokenAssembly, "assembly-staging"), "*.template.json").Single());
        var empty = _layouts.Snapshots("empty");

        foreach (var (directory, problem) in new[]
        {
            (missing, $"{missing}: no such directory"),
            (invalid, Path.Combine(invalid, "staging.Serving.template.json") + ": not valid JSON ("),
            (noType, Path.Combine(noType, "staging.Serving.template.json") + ": Resources.Thing has no Type"),
            (brokenAssembly, Path.Combine(brokenAssembly, "assembly-staging", "stagingServing188E3A27.template.json") + ": Could not find file"),
            (empty, $"{empty}: neither a cloud assembly (no manifest.json) nor a snapshot folder"),
        })
        {
            var (exitCode, output, error) = await RunAsync("impact", "--before", good, "--after", directory);

            Assert.Equal(2, exitCode);
            Assert.Equal("", output);
            Assert.StartsWith("error: " + problem, error);
            Assert.Single(error.TrimEnd().Split('\n'));
        }
    }

    [Fact]
    public void CommittedSnapshots_VllmSettingChange_ReplacesModelAndConfig_UpdatesTheEndpoint()
    {
        var snapshots = TemplateSet.Read(Path.Combine(AssemblyLayouts.RepositoryRoot(), ImpactCommand.DefaultBefore));
        var changed = TemplateSet.Read(Path.Combine(AssemblyLayouts.RepositoryRoot(), ImpactCommand.DefaultBefore));
        var stack = changed.Stacks.First(s => s.Environment == "staging" && Resources(s.Template).Any(r => (string?)r.Value!["Type"] == "AWS::SageMaker::Endpoint"));
        var model = Resources(stack.Template).First(r => r.Value!["Properties"]?["PrimaryContainer"]?["Environment"]?["SM_VLLM_MAX_MODEL_LEN"] is not null);
        model.Value!["Properties"]!["PrimaryContainer"]!["Environment"]!["SM_VLLM_MAX_MODEL_LEN"] = "16384";

        var report = new ImpactAnalyzer(ResourceSchemas.Default).Compare(snapshots, changed);

        var impact = Assert.Single(report.Stacks, s => s.Change != StackChange.Unchanged);
        Assert.Equal(StackChange.Changed, impact.Change);
        Assert.Equal(ResourceAction.Replaced, impact.Row(model.Key).Action);
        Assert.Contains(impact.Resources, r => r.Type == "AWS::SageMaker::EndpointConfig" && r.Action == ResourceAction.Replaced);
        Assert.Contains(impact.Resources, r => r.Type == "AWS::SageMaker::Endpoint" && r.Action == ResourceAction.Updated && r.Flags.Count == 0
            && r.Reasons.Any(reason => reason.StartsWith("SageMaker redeploys the endpoint: ", StringComparison.Ordinal)));
        Assert.All(impact.Resources, r => Assert.Empty(r.Flags));
    }

    public void Dispose() => _layouts.Dispose();

    private static JsonObject WithAsset(JsonObject template, string hash)
    {
        Resources(template)["Handler"] = Parse($$"""
            { "Type": "AWS::Lambda::Function", "Properties": { "Code": { "S3Bucket": "cdk-assets", "S3Key": "{{hash}}.zip" }, "Role": "arn:aws:iam::1:role/r", "Runtime": "dotnet10", "Handler": "h" } }
            """);
        return template;
    }

    private static async Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exitCode = await new RootCommand { ImpactCommand.Create() }.Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        return (exitCode, output.ToString(), error.ToString());
    }
}
