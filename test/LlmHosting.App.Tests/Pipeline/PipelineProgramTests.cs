using System.Text.Json.Nodes;
using LlmHosting.App.Tests.AppCommand;

namespace LlmHosting.App.Tests.Pipeline;

/// <summary>The app command of cdk.json reads cdk/config/pipeline.json beside the environments (black box).</summary>
[Collection(AppCommandFixture.Collection)]
public sealed class PipelineProgramTests(AppCommandFixture fixture)
{
    [Fact]
    public void Main_PipelineNamingAnUnknownEnvironment_FailsWithOneLineBeforeTheCdkAppStarts()
    {
        var pipeline = JsonNode.Parse(SynthesizedPipeline.FixtureJson)!;
        pipeline["stages"]![2]!["environment"] = "prd";
        using var edit = fixture.Copy.Edit("cdk/config/pipeline.json", _ => pipeline.ToJsonString());

        var run = fixture.Copy.Synth();

        Assert.Equal(1, run.ExitCode);
        Assert.Equal(
            "error: cdk/config/pipeline.json: stages[2].environment 'prd' is not an environment of cdk/config; did you mean prod?",
            Assert.Single(run.ErrorLines));
    }
}
