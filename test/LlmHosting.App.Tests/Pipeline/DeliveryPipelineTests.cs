using System.Text.Json.Nodes;
using LlmHosting.App.Tests.Snapshots;

namespace LlmHosting.App.Tests.Pipeline;

/// <summary>
/// The pipeline stack synthesized from the fixture (toolchain 555555555555 in us-west-2; dev, staging, then prod behind
/// an approval, all in us-east-1), read as CloudFormation will read it.
/// </summary>
[Collection(SynthesizedPipeline.Collection)]
public sealed class DeliveryPipelineTests(SynthesizedPipeline app)
{
    private static readonly string[] Environments = ["dev", "staging", "prod"];

    [Fact]
    public void Synth_Stages_SourceBuildSelfMutationAssetsThenEnvironmentsInConfiguredOrder()
        => Assert.Equal(["Source", "Build", "UpdatePipeline", "Assets", .. Environments], Stages().Select(s => (string)s["Name"]!));

    [Fact]
    public void Synth_EachEnvironment_DeploysStorageThenServingInItsOwnAccountAndRegion()
    {
        foreach (var environment in Environments)
        {
            var config = app.Stages.Single(s => s.StageName == environment);
            var deploys = Actions(environment).Where(a => (string)a["ActionTypeId"]!["Provider"]! == "CloudFormation").ToList();
            Assert.Equal(
                [$"llm-{environment}-storage.Prepare", $"llm-{environment}-storage.Deploy", $"llm-{environment}-serving.Prepare", $"llm-{environment}-serving.Deploy"],
                deploys.OrderBy(a => (int)a["RunOrder"]!).Select(a => (string)a["Name"]!));
            foreach (var deploy in deploys)
            {
                // The bootstrap deploy role of the environment's account and region, and the action in that region.
                Assert.Equal($"arn:${{AWS::Partition}}:iam::{config.Account}:role/cdk-hnb659fds-deploy-role-{config.Account}-{config.Region}", Arn(deploy["RoleArn"]!));
                if (deploy["Configuration"]!["RoleArn"] is { } executionRole)
                {
                    Assert.Equal($"arn:${{AWS::Partition}}:iam::{config.Account}:role/cdk-hnb659fds-cfn-exec-role-{config.Account}-{config.Region}", Sub(executionRole));
                }

                Assert.Equal(config.Region, (string)deploy["Region"]!);
            }
        }
    }

    [Fact]
    public void Synth_Prod_WaitsForAManualApprovalBeforeAnyDeployment()
    {
        var prod = Actions("prod");
        var approval = Assert.Single(prod, a => (string)a["ActionTypeId"]!["Category"]! == "Approval");
        Assert.Equal("Manual", (string)approval["ActionTypeId"]!["Provider"]!);
        Assert.All(prod.Where(a => a != approval), a => Assert.True((int)a["RunOrder"]! > (int)approval["RunOrder"]!));
        Assert.Contains("impact/prod.md", (string)approval["Configuration"]!["CustomData"]!);
        Assert.All(["dev", "staging"], e => Assert.DoesNotContain(Actions(e), a => (string)a["ActionTypeId"]!["Category"]! == "Approval"));
    }

    [Fact]
    public void Synth_SynthStep_RunsTheReadmesTwoCommandsTestsFirstThenTheTemplateChecks()
    {
        var commands = BuildSpec(Project("Synth"))["phases"]!["build"]!["commands"]!.AsArray().Select(c => (string)c!).ToList();

        var readme = ReadmeTwoCommands();
        Assert.Equal(2, readme.Count);
        Assert.Equal(readme.Order(StringComparer.Ordinal), commands.Take(2).Order(StringComparer.Ordinal));
        Assert.Equal("dotnet test Infra.sln", commands[0]);
        Assert.Contains(commands, c => c.Contains("cfn-lint", StringComparison.Ordinal));
        Assert.Contains("scripts/nag", commands);
    }

    [Fact]
    public void Synth_SynthStep_InstallsTheReadmesPrerequisites()
    {
        var install = BuildSpec(Project("Synth"))["phases"]!["install"]!;
        Assert.Equal("22", (string)install["runtime-versions"]!["nodejs"]!);
        var commands = string.Join("\n", install["commands"]!.AsArray().Select(c => (string)c!));
        Assert.Contains("dotnet-install.sh --channel 10.0", commands);
        Assert.Matches(@"pip install .*cfn-lint==\S+ 'moto\[server\]==\S+' botocore==", commands);
        // scripts/check-prerequisites (run by dotnet test Infra.sln) wants the cfn-lint whose schemas llmhost impact embeds.
        var embedded = File.ReadLines(Path.Combine(Repository.Root, "src", "LlmHosting.Cli", "Commands", "Impact", "cfn-replacement-data.json")).First();
        Assert.Contains($"cfn-lint=={System.Text.RegularExpressions.Regex.Match(embedded, @"cfn-lint ([0-9.]+) ").Groups[1].Value} ", commands);
        Assert.Equal("aws/codebuild/standard:7.0", (string)Project("Synth")["Environment"]!["Image"]!);
    }

    [Fact]
    public void Synth_SynthStep_PublishesEachEnvironmentsImpactReportAsAnArtifact()
    {
        var spec = BuildSpec(Project("Synth"));
        Assert.Contains("scripts/pipeline-impact impact", spec["phases"]!["build"]!["commands"]!.AsArray().Select(c => (string)c!));
        Assert.Equal("impact", (string)spec["artifacts"]!["secondary-artifacts"]!["Synth_impact"]!["base-directory"]!);
        var synth = Assert.Single(Actions("Build"));
        Assert.Contains("Synth_impact", synth["OutputArtifacts"]!.AsArray().Select(o => (string)o!["Name"]!));

        // The deployed templates are read with each environment's bootstrap lookup role, and only those.
        var assumed = Statements(RoleOf(Project("Synth"))).Single(s => s["Action"]!.ToJsonString() == "\"sts:AssumeRole\"");
        Assert.Equal(
            Environments.Select(e => app.Stages.Single(s => s.StageName == e)).Select(s => $"arn:${{AWS::Partition}}:iam::{s.Account}:role/cdk-hnb659fds-lookup-role-{s.Account}-{s.Region}"),
            assumed["Resource"]!.AsArray().Select(r => Sub(r!)));
        Assert.True(File.Exists(Path.Combine(Repository.Root, "scripts", "pipeline-impact")));
    }

    [Fact]
    public void Synth_AfterEachStage_ABoundedCheckOfEndpointsAndModels()
    {
        var timeouts = new Dictionary<string, int> { ["dev"] = 30, ["staging"] = 30, ["prod"] = 45 };
        foreach (var environment in Environments)
        {
            var actions = Actions(environment);
            var check = actions.Single(a => (string)a["Name"]! == $"Check-{environment}");
            Assert.All(actions.Where(a => a != check), a => Assert.True((int)a["RunOrder"]! < (int)check["RunOrder"]!));
            var project = Project($"Check{environment}");
            Assert.Equal(timeouts[environment], (int)project["TimeoutInMinutes"]!);
            var variables = project["Environment"]!["EnvironmentVariables"]!.AsArray().ToDictionary(v => (string)v!["Name"]!, v => v!["Value"]!);
            // The script's own deadline ends before CodeBuild's, so its last line says what was still waiting.
            Assert.InRange(int.Parse((string)variables["CHECK_TIMEOUT_SECONDS"]!, System.Globalization.CultureInfo.InvariantCulture), 60, (timeouts[environment] * 60) - 60);
            Assert.Equal($"/llm-{environment}/model-directory", (string)variables["DIRECTORY_PARAMETER"]!);
            Assert.Equal(["bash check-environment"], BuildSpec(project)["phases"]!["build"]!["commands"]!.AsArray().Select(c => (string)c!));
            // The invoker role's ARN comes from the Serving stack's output, captured by its deployment.
            Assert.Contains($"Serving", (string)check["Configuration"]!["EnvironmentVariables"]!);
            Assert.Contains("InvokerRoleArn}", (string)check["Configuration"]!["EnvironmentVariables"]!);
        }
    }

    [Fact]
    public void Synth_CheckRoles_AreTheRolesTheEnvironmentsInvokerRolesTrust()
    {
        foreach (var environment in Environments)
        {
            var name = $"llm-hosting-check-{environment}";
            Assert.Contains(Resources("AWS::IAM::Role"), r => (string?)r["Properties"]!["RoleName"] == name);
            var serving = Template(environment, "Serving");
            var invoker = serving["Resources"]!.AsObject().Single(r => r.Key.StartsWith("InvokerRole", StringComparison.Ordinal) && (string)r.Value!["Type"]! == "AWS::IAM::Role").Value!;
            Assert.Contains($"arn:aws:iam::555555555555:role/{name}", invoker["Properties"]!["AssumeRolePolicyDocument"]!.ToJsonString());
        }
    }

    [Fact]
    public void Synth_EnvironmentTemplates_AreTheCheckedInOnesButForTheInvokerTrust()
    {
        // The committed snapshots are the app without pipeline.json (SnapshotTests): adding the pipeline changes nothing
        // in the environments except the trust the fixture adds for the checks.
        var snapshots = Path.Combine(Path.GetDirectoryName(SnapshotFile.Directory())!, "Snapshots");
        foreach (var environment in Environments)
        {
            foreach (var stack in new[] { "Storage", "Serving" })
            {
                var committed = JsonNode.Parse(File.ReadAllText(Path.Combine(snapshots, $"{environment}.{stack}.template.json")))!;
                var synthesized = JsonNode.Parse(SnapshotFile.Normalize(Template(environment, stack).ToJsonString()))!;
                Assert.True(JsonNode.DeepEquals(WithoutInvokerTrust(committed), WithoutInvokerTrust(synthesized)), $"{environment}.{stack} differs");
            }
        }
    }

    [Fact]
    public void Synth_WithPipelineFile_AddsThePipelineAndItsSupportStackOnly()
    {
        var stacks = app.Manifest["artifacts"]!.AsObject().Where(a => (string)a.Value!["type"]! == "aws:cloudformation:stack").Select(a => a.Key).ToList();
        // With the fixture: the pipeline and, as its stages deploy to us-east-1, CodePipeline's support stack there.
        Assert.Equal(["Pipeline", "cross-region-stack-555555555555:us-east-1"], stacks.Order(StringComparer.Ordinal));
        Assert.Equal([.. Environments.Order(StringComparer.Ordinal).Select(e => $"assembly-{e}")],
            app.Manifest["artifacts"]!.AsObject().Where(a => (string)a.Value!["type"]! == "cdk:cloud-assembly").Select(a => a.Key).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Synth_PipelineTemplates_AreCfnLintClean()
    {
        var (code, output) = await app.CfnLint.ResultAsync();
        Assert.True(code == 0, output);
    }

    [Fact]
    public async Task Synth_PipelineTemplates_AreCdkNagCleanWithReasonedSuppressions()
    {
        var (code, output) = await app.CdkNag.ResultAsync();
        Assert.True(code == 0, output);
        Assert.Matches(@"total: 2 templates, 0 errors, 0 warnings, \d+ suppressed, 0 rejected suppressions", output);
    }

    [Fact]
    public void Synth_PipelineRoles_HoldNoManagedPolicyAndNoAdministratorStatement()
    {
        Assert.All(Resources("AWS::IAM::Role"), r => Assert.Null(r["Properties"]!["ManagedPolicyArns"]));
        var statements = Resources("AWS::IAM::Policy").SelectMany(p => p["Properties"]!["PolicyDocument"]!["Statement"]!.AsArray()).ToList();
        Assert.NotEmpty(statements);
        Assert.DoesNotContain(statements, s => s!["Action"]!.ToJsonString().Contains("\"*\"", StringComparison.Ordinal)
            || s["Action"]!.ToJsonString().Contains(":*\"", StringComparison.Ordinal));
    }

    [Fact]
    public void Synth_Source_MayUseTheConnectionUnderItsOwnServicePrefix()
    {
        // The fixture's connection is a codeconnections ARN: a resource of codeconnections:UseConnection only, in the
        // Service Authorization Reference (ConnectionArnTests compare the rule with it).
        var statements = Resources("AWS::IAM::Policy").SelectMany(p => Statements(p.AsObject())).ToList();
        Assert.Contains(statements, s => s["Action"]!.ToJsonString().Contains("\"codeconnections:UseConnection\"", StringComparison.Ordinal)
            && s["Resource"]!.ToJsonString() == JsonValue.Create(app.Config.Source.ConnectionArn).ToJsonString());
    }

    [Fact]
    public void SelfMutation_InstallsTheCdkCliThatPackageJsonPins()
    {
        var pinned = (string)JsonNode.Parse(File.ReadAllText(Path.Combine(Repository.Root, "package.json")))!["devDependencies"]!["aws-cdk"]!;
        var install = BuildSpec(Project("SelfMutation"))["phases"]!["install"]!["commands"]!.AsArray().Select(c => (string)c!);
        Assert.Contains($"npm install -g aws-cdk@{pinned}", install);
    }

    private IReadOnlyList<JsonObject> Stages()
        => [.. Resources("AWS::CodePipeline::Pipeline").Single()["Properties"]!["Stages"]!.AsArray().Select(s => s!.AsObject())];

    private IReadOnlyList<JsonObject> Actions(string stage)
        => [.. Stages().Single(s => (string)s["Name"]! == stage)["Actions"]!.AsArray().Select(a => a!.AsObject())];

    private IEnumerable<JsonObject> Resources(string type)
        => app.Template["Resources"]!.AsObject().Where(r => (string)r.Value!["Type"]! == type).Select(r => r.Value!.AsObject());

    // The CodeBuild project whose logical id contains the step's id (PipelineBuildSynth..., PipelinedevCheckdev...).
    private JsonObject Project(string step)
        => app.Template["Resources"]!.AsObject()
            .Single(r => (string)r.Value!["Type"]! == "AWS::CodeBuild::Project" && r.Key.Contains(step, StringComparison.Ordinal)).Value!["Properties"]!.AsObject();

    private static JsonNode BuildSpec(JsonObject project) => JsonNode.Parse((string)project["Source"]!["BuildSpec"]!)!;

    private JsonObject RoleOf(JsonObject project)
    {
        var role = (string)project["ServiceRole"]!["Fn::GetAtt"]![0]!;
        return app.Template["Resources"]!.AsObject()
            .Single(r => (string)r.Value!["Type"]! == "AWS::IAM::Policy" && r.Value!["Properties"]!["Roles"]!.AsArray().Any(x => (string?)x!["Ref"] == role)).Value!.AsObject();
    }

    private static IEnumerable<JsonObject> Statements(JsonObject policy)
        => policy["Properties"]!["PolicyDocument"]!["Statement"]!.AsArray().Select(s => s!.AsObject());

    private static string Sub(JsonNode value) => (string)value["Fn::Sub"]!;

    // An ARN written with Fn::Sub, or with Fn::Join of strings and Refs, as the Fn::Sub string it means.
    private static string Arn(JsonNode value) => value["Fn::Join"] is { } join
        ? string.Concat(join[1]!.AsArray().Select(p => p is JsonValue text ? (string)text! : $"${{{(string)p!["Ref"]!}}}"))
        : Sub(value);

    private JsonObject Template(string environment, string stack)
    {
        var folder = Path.Combine(app.Outdir, $"assembly-{environment}");
        var file = Directory.GetFiles(folder, $"{environment}{stack}*.template.json").Single();
        return JsonNode.Parse(File.ReadAllText(file))!.AsObject();
    }

    private static JsonNode WithoutInvokerTrust(JsonNode template)
    {
        foreach (var (id, resource) in template["Resources"]!.AsObject())
        {
            if (id.StartsWith("InvokerRole", StringComparison.Ordinal) && (string)resource!["Type"]! == "AWS::IAM::Role")
            {
                resource["Properties"]!.AsObject().Remove("AssumeRolePolicyDocument");
            }
        }

        return template;
    }

    /// <summary>The commands of the first bash block under the README's heading "The two commands", without comments.</summary>
    private static List<string> ReadmeTwoCommands()
    {
        var lines = File.ReadAllLines(Path.Combine(Repository.Root, "README.md"));
        var heading = Array.FindIndex(lines, l => l.StartsWith('#') && l.TrimStart('#').Trim() == "The two commands");
        Assert.True(heading >= 0, "README.md has no heading \"The two commands\"");
        var start = Array.FindIndex(lines, heading, l => l.Trim() == "```bash");
        var end = Array.FindIndex(lines, start + 1, l => l.Trim() == "```");
        Assert.True(start > heading && end > start && !lines[(heading + 1)..start].Any(l => l.StartsWith('#')), "no bash block right under \"The two commands\"");
        return [.. lines[(start + 1)..end].Select(l => l.Split('#')[0].Trim()).Where(l => l.Length > 0)];
    }

}
