namespace LlmHosting.App.Tests.AppCommand;

/// <summary>
/// Mistakes as the user meets them: the app command of cdk.json fails with exit code 1 and one line per mistake, no
/// stack trace. Mistakes in a file are named before the CDK app starts (no jsii runtime), so that they answer at once.
/// </summary>
[Collection(AppCommandFixture.Collection)]
public sealed class ProgramTests(AppCommandFixture fixture)
{
    private readonly RepositoryCopy _copy = fixture.Copy;

    [Fact]
    public void Main_UnknownEnvironment_FailsWithOneLineListingKnownOnes()
    {
        var run = _copy.Synth(new Dictionary<string, object> { ["env"] = "prodd" });
        Assert.Equal(1, run.ExitCode);
        Assert.Equal("error: Unknown environment 'prodd'. Known environments: dev, prod, staging.", Assert.Single(run.ErrorLines));
    }

    [Fact]
    public void Main_MalformedAccount_FailsWithOneLineNamingIt()
    {
        using var edit = _copy.Edit("cdk/config/staging.json", c => c.Replace("\"222222222222\"", "\"22222\""));
        var run = _copy.Synth();
        Assert.Equal(1, run.ExitCode);
        Assert.Equal(["error: cdk/config/staging.json: account '22222' is not a 12-digit AWS account id"], run.ErrorLines);
    }

    [Fact]
    public void Main_NullSection_FailsWithOneLineNamingItAndNoStackTrace()
    {
        using var edit = _copy.Edit("cdk/config/staging.json", c => c.Replace("\"tags\": {", "\"tags\": null, \"x\": {"));
        var run = _copy.Synth(new Dictionary<string, object> { ["env"] = "staging" });
        Assert.Equal(1, run.ExitCode);
        Assert.Equal(
            ["error: cdk/config/staging.json: tags must be an object, not null", "error: cdk/config/staging.json: x is not a known key (known keys: account, bedrockModels, componentEndpoint, endpoints, invoker, logs, modelBucket, modelImports, namePrefix, operations, productionLike, region, tags)"],
            run.ErrorLines);
    }

    [Fact]
    public void Main_KeyGivenTwice_FailsInsteadOfKeepingTheLast()
    {
        using var edit = _copy.Edit("cdk/config/prod.json", c => c.Replace("\"minInstances\": 1,\n      \"maxInstances\": 2,", "\"minInstances\": 1,\n      \"maxInstances\": 2,\n      \"minInstances\": 2,"));
        var run = _copy.Synth(new Dictionary<string, object> { ["env"] = "dev" });
        Assert.Equal(1, run.ExitCode);
        Assert.Equal("error: cdk/config/prod.json: endpoints[0].minInstances is given 2 times; keep one", Assert.Single(run.ErrorLines));
    }

    [Fact]
    public void Main_RunOutsideTheFolderOfCdkJson_NamesTheFolderItLookedIn()
    {
        var elsewhere = Directory.CreateTempSubdirectory("llmhost-cwd-").FullName;
        try
        {
            var run = RepositoryCopy.Shell(elsewhere, $"node {_copy.PathOf("scripts/cdk-app.js")}", new Dictionary<string, string> { ["CDK_OUTDIR"] = Path.Combine(elsewhere, "out") });
            Assert.Equal(1, run.ExitCode);
            Assert.Equal($"error: No environment configuration folder cdk/config at {Path.Combine(elsewhere, "cdk", "config")}: run the app in the folder of cdk.json, as the CDK CLI does.", Assert.Single(run.ErrorLines));
        }
        finally
        {
            Directory.Delete(elsewhere, recursive: true);
        }
    }
}
