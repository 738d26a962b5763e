using System.Text.Json.Nodes;
using LlmHosting.App.Configuration;

namespace LlmHosting.App.Tests.Pipeline;

/// <summary>
/// The app as the CDK CLI runs it reads cdk/config/pipeline.json beside the environments (black box; the process costs
/// seconds of CPU, so one: the rest of the rules are tested in process).
/// </summary>
public sealed class PipelineProgramTests
{
    [Fact]
    public void Main_PipelineNamingAnUnknownEnvironment_FailsWithOneLine()
    {
        var copy = ProgramTests.CopyAppWithConfig("dev.json", c => c);
        try
        {
            var fixture = JsonNode.Parse(SynthesizedPipeline.FixtureJson)!;
            fixture["stages"]![2]!["environment"] = "prd";
            File.WriteAllText(Path.Combine(copy, "config", PipelineConfig.FileName), fixture.ToJsonString());

            var (exitCode, stderr) = ProgramTests.Run(copy, "{}");

            Assert.Equal(1, exitCode);
            Assert.Equal(
                "error: cdk/config/pipeline.json: stages[2].environment 'prd' is not an environment of cdk/config; did you mean prod?",
                Assert.Single(ProgramTests.Lines(stderr)));
        }
        finally
        {
            Directory.Delete(copy, recursive: true);
        }
    }
}
