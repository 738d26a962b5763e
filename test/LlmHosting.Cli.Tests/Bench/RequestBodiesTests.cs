using System.Text.Json.Nodes;
using LlmHosting.Cli.Commands.Bench;

namespace LlmHosting.Cli.Tests.Bench;

public sealed class RequestBodiesTests
{
    private static readonly BenchSettings Settings = new()
    {
        Levels = [1, 4],
        PromptTokens = new TokenRange(100, 200),
        OutputTokens = new TokenRange(32, 64),
        Seed = 7,
    };

    [Fact]
    public void Create_SameSeedLevelAndIndex_SameBody()
    {
        var first = RequestBodies.Create(Settings, 1, 3, "m", ignoreEos: true).ToString();

        Assert.Equal(first, RequestBodies.Create(Settings, 1, 3, "m", ignoreEos: true).ToString());
        Assert.NotEqual(first, RequestBodies.Create(Settings, 1, 4, "m", ignoreEos: true).ToString());
        Assert.NotEqual(first, RequestBodies.Create(Settings, 0, 3, "m", ignoreEos: true).ToString());
        Assert.NotEqual(first, RequestBodies.Create(new BenchSettings { Levels = [1, 4], PromptTokens = Settings.PromptTokens, OutputTokens = Settings.OutputTokens, Seed = 8 }, 1, 3, "m", ignoreEos: true).ToString());
    }

    [Fact]
    public void Create_Ranges_DrawsEveryLengthWithinThem()
    {
        var bodies = Enumerable.Range(0, 200).Select(i => JsonNode.Parse(RequestBodies.Create(Settings, 0, i, "m", ignoreEos: false).ToString())!).ToList();

        var words = bodies.Select(b => b["messages"]![0]!["content"]!.ToString().Split("\n\n")[0].Split(' ').Length).ToList();
        var outputs = bodies.Select(b => b["max_completion_tokens"]!.GetValue<int>()).ToList();
        Assert.All(words, w => Assert.InRange(w, 100, 200));
        Assert.All(outputs, o => Assert.InRange(o, 32, 64));
        Assert.True(words.Distinct().Count() > 50 && outputs.Distinct().Count() > 20, "the lengths are not drawn from the ranges");
        Assert.All(bodies, b => Assert.Null(b["ignore_eos"]));
    }
}
