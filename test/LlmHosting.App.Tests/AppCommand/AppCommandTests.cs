using System.Text.Json.Nodes;

namespace LlmHosting.App.Tests.AppCommand;

/// <summary>
/// The app command of cdk.json, run as the CDK CLI runs it in a copy of the repository (<see cref="AppCommandFixture"/>):
/// what people edit between two synths (an environment file, a weights manifest, whole environments) is what the next
/// synth shows, without a rebuild: the app reads cdk/config where people edit it, at every synth.
/// </summary>
[Collection(AppCommandFixture.Collection)]
public sealed class AppCommandTests(AppCommandFixture fixture)
{
    [Fact]
    public void Synth_EnvironmentFileEditedBetweenSynths_TemplateShowsTheEdit()
    {
        Assert.Equal(7, LogRetention(fixture.Before.Template("dev")));
        Assert.Equal("aws://111111111111/us-east-1", StackEnvironment(fixture.Before, "dev"));

        Assert.Equal(14, LogRetention(fixture.After.Template("dev")));
        Assert.Equal("aws://111111111111/us-west-2", StackEnvironment(fixture.After, "dev"));
    }

    [Fact]
    public void Synth_RegionMistypedThenCorrected_NamesTheTypoThenSynthesizesTheCorrection()
    {
        Assert.Equal(1, fixture.Typo.ExitCode);
        Assert.Equal("error: cdk/config/dev.json: region 'us-esat-1' is not an AWS region name (for example us-east-1)", Assert.Single(fixture.Typo.ErrorLines));

        Assert.Equal(0, fixture.After.ExitCode);
        Assert.DoesNotContain("us-esat-1", fixture.After.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Synth_WeightsManifestRewrittenBetweenSynths_GateExpectsTheNewUpload()
    {
        Assert.Equal(["e1", "e1-800"], ExpectedETags(fixture.Before.Template("dev")));
        Assert.Equal(["e2", "e2-800"], ExpectedETags(fixture.After.Template("dev")));
    }

    [Fact]
    public void Synth_EnvironmentFileDeletedBetweenSynths_IsGoneFromTheAssembly()
    {
        Assert.Contains("staging", fixture.Before.Environments);
        Assert.DoesNotContain("staging", fixture.After.Environments);
    }

    [Fact]
    public void Synth_EnvironmentFileAddedBetweenSynths_IsSynthesized()
    {
        Assert.DoesNotContain("qa", fixture.Before.Environments);
        Assert.Equal(["dev", "prod", "qa"], fixture.After.Environments);
        Assert.Contains("\"llm-qa-", fixture.After.Template("qa", "Storage").ToJsonString(), StringComparison.Ordinal);
    }

    private static int LogRetention(JsonObject template) => template["Resources"]!.AsObject()
        .Where(r => (string?)r.Value!["Type"] == "AWS::Logs::LogGroup")
        .Select(r => (int)r.Value!["Properties"]!["RetentionInDays"]!)
        .Distinct()
        .Single();

    private static IReadOnlyList<string> ExpectedETags(JsonObject template) => template["Resources"]!.AsObject()
        .Single(r => (string?)r.Value!["Type"] == LlmHosting.Constructs.Weights.WeightsGate.ResourceType)
        .Value!["Properties"]!["ExpectedFiles"]!.AsArray()
        .Select(f => (string)f!["ETag"]!)
        .ToList();

    // The account and region the cloud assembly deploys the environment's Serving stack to.
    private static string StackEnvironment(AppRun run, string environment)
    {
        var manifest = JsonNode.Parse(File.ReadAllText(Path.Combine(run.Outdir!, "assembly-" + environment, "manifest.json")))!;
        return manifest["artifacts"]!.AsObject()
            .Where(a => (string?)a.Value!["type"] == "aws:cloudformation:stack" && ((string)a.Value!["displayName"]!).EndsWith("/Serving", StringComparison.Ordinal))
            .Select(a => (string)a.Value!["environment"]!)
            .Single();
    }
}
