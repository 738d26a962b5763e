using System.Text.Json.Nodes;
using System.Xml.Linq;
using LlmHosting.TestSupport;

namespace LlmHosting.Cli.Tests.Bench;

/// <summary><c>llmhost bench</c>: failures, the chart, the options, and the doors of the model directory.</summary>
public sealed class BenchCommandTests : IDisposable
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";
    private readonly BenchCli _cli = new();

    public void Dispose() => _cli.Dispose();

    [Fact]
    public async Task Bench_EndpointFailsSomeRequests_ReportsThemByKindAndExitsWith1()
    {
        // By arrival: 1, 5... answer HTTP 500; 3, 7... break their stream after one token; the others succeed.
        await using var server = await ScriptedChatServer.StartAsync(i => (i % 4) switch
        {
            1 => new ScriptStep(TimeSpan.Zero, TimeSpan.Zero, Tokens: 5, Status: 500),
            3 => new ScriptStep(TimeSpan.FromMilliseconds(1), TimeSpan.Zero, Tokens: 5, StreamError: true),
            _ => new ScriptStep(TimeSpan.Zero, TimeSpan.Zero, Tokens: 5),
        });

        var (code, output, error) = await _cli.RunAsync("--base-url", server.BaseUrl.ToString(), "--model", "fake",
            "--concurrency", "2", "--requests", "8", "--warmup", "0", "--json", "bench.json");

        Assert.True(code == 1, error);
        var row = BenchCli.Rows(output)["2"];
        Assert.Equal(("8", "4"), (row[1], row[2]));
        Assert.Contains("- Errors at concurrency 2: 2 × HTTP 500, e.g. The endpoint answered HTTP 500 (scripted failure 500).", output);
        Assert.Contains("- Errors at concurrency 2: 2 × stream error, e.g. the server sent an error in the stream: scripted failure part-way.", output);
        var level = JsonNode.Parse(File.ReadAllText(_cli.Path("bench.json")))!["levels"]![0]!;
        Assert.Equal((4, 4, 5.0), (level["succeeded"]!.GetValue<int>(), level["failed"]!.GetValue<int>(), level["meanOutputTokens"]!.GetValue<double>()));
        Assert.Equal(4 * 4, level["interTokenLatencyMs"]!["count"]!.GetValue<int>());
    }

    [Fact]
    public async Task Bench_EveryRequestFails_TheWarmUpSaysWhyInOneLine()
    {
        await using var server = await ScriptedChatServer.StartAsync(_ => new ScriptStep(TimeSpan.Zero, TimeSpan.Zero, 5, Status: 503));

        var (code, output, error) = await _cli.RunAsync("--base-url", server.BaseUrl.ToString(), "--model", "fake", "--concurrency", "2");

        Assert.Equal(1, code);
        Assert.Empty(output);
        Assert.EndsWith("error: The warm-up request failed, so nothing was measured: The model is not ready (HTTP 503) (scripted failure 503): the endpoint may still be starting or scaling out from zero; retry in a few minutes." + Environment.NewLine, error);
        Assert.Equal(1, server.Requests);
    }

    [Fact]
    public async Task Bench_ServerSendsNoUsage_CountsOutputChunksAndSaysSo()
    {
        await using var server = await ScriptedChatServer.StartAsync(_ => new ScriptStep(TimeSpan.Zero, TimeSpan.Zero, Tokens: 6, Usage: false));

        var (code, output, error) = await _cli.RunAsync("--base-url", server.BaseUrl.ToString(), "--model", "fake", "--concurrency", "1", "--requests", "3", "--json", "b.json");

        Assert.True(code == 0, error);
        Assert.Contains("- Output tokens: the server's count (usage) for 0 of 3 requests; for the others it sent no usage, so the chunks that carried output were counted", output);
        Assert.Equal(6.0, JsonNode.Parse(File.ReadAllText(_cli.Path("b.json")))!["levels"]![0]!["meanOutputTokens"]!.GetValue<double>());
    }

    [Fact]
    public async Task Bench_SeveralLevels_WritesAWellFormedSvgWithLabelledAxesAndThePricedTable()
    {
        await using var server = await ScriptedChatServer.StartAsync(_ => new ScriptStep(TimeSpan.Zero, TimeSpan.Zero, Tokens: 8));

        var (code, output, error) = await _cli.RunAsync("--base-url", server.BaseUrl.ToString(), "--model", "fake <&> \"quoted\"",
            "--concurrency", "1,2,4", "--requests", "4", "--price-per-hour", "2.5", "--svg", "chart.svg", "--json", "bench.json");

        Assert.True(code == 0, error);
        Assert.Equal(1 + 12, server.Requests);
        var chart = XDocument.Load(_cli.Path("chart.svg"));
        Assert.Equal(Svg + "svg", chart.Root!.Name);
        var panels = chart.Root.Elements(Svg + "g").ToList();
        Assert.Equal(["throughput", "time-to-first-token"], panels.Select(p => (string)p.Attribute("id")!));
        foreach (var (panel, yLabel, series) in panels.Zip(["output tokens/s (all requests)", "time to first token (ms)"], [1, 2]))
        {
            var texts = panel.Elements(Svg + "text").ToList();
            Assert.Equal("concurrency (requests in flight)", (string)texts.Single(t => (string?)t.Attribute("class") == "x-axis-label"));
            Assert.Equal(yLabel, (string)texts.Single(t => (string?)t.Attribute("class") == "y-axis-label"));
            Assert.Superset(new HashSet<string> { "1", "2", "4" }, texts.Select(t => t.Value).ToHashSet());
            var lines = panel.Elements(Svg + "polyline").ToList();
            Assert.Equal(series, lines.Count);
            Assert.All(lines, line => Assert.Equal(3, ((string)line.Attribute("points")!).Split(' ').Length));
        }

        Assert.Contains("fake <&> \"quoted\"", chart.Root.Element(Svg + "title")!.Value);
        var json = JsonNode.Parse(File.ReadAllText(_cli.Path("bench.json")))!;
        var levels = json["levels"]!.AsArray();
        Assert.Equal([1, 2, 4], levels.Select(l => l!["concurrency"]!.GetValue<int>()));
        foreach (var level in levels)
        {
            var perSecond = level!["outputTokensPerSecond"]!.GetValue<double>();
            Assert.Equal(perSecond * 3600 / 2.5, level["outputTokensPerDollar"]!.GetValue<double>(), 6);
            Assert.Equal(4, level["samples"]!.AsArray().Count);
            Assert.Equal(BenchCli.Rows(output)[level["concurrency"]!.ToString()][9], (perSecond * 3600 / 2.5).ToString("N0", System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    [Theory]
    [InlineData(new[] { "--concurrency", "0,4,2000" }, "--concurrency 0, 2000 is out of range: each level must be from 1 to 1024 requests in flight.")]
    [InlineData(new[] { "--concurrency", "1,four" }, "--concurrency '1,four' is not a comma-separated list of numbers (e.g. 1,4,16): 'four' is not a number.")]
    [InlineData(new[] { "--concurrency", "16,4,4" }, "--concurrency '16,4,4': list each level once, in increasing order (e.g. 4,16).")]
    [InlineData(new[] { "--requests", "0" }, "--requests 0 is out of range: from 1 to 100,000 per level.")]
    [InlineData(new[] { "--concurrency", "1,8", "--requests", "4" }, "--requests 4 is fewer than concurrency 8: each level needs at least as many requests as it keeps in flight.")]
    [InlineData(new[] { "--prompt-tokens", "1024-256" }, "--prompt-tokens 1024-256: the range's first number must not be above the second (e.g. 256-1024).")]
    [InlineData(new[] { "--output-tokens", "lots" }, "--output-tokens 'lots' is not a number of tokens (e.g. 512) or a range to sample from (e.g. 256-1024).")]
    [InlineData(new[] { "--output-tokens", "0-64" }, "--output-tokens 0-64 is out of range: tokens must be from 1 to 1,000,000.")]
    [InlineData(new[] { "--timeout", "0" }, "--timeout 0 is out of range: from 1 to 3,600 seconds.")]
    [InlineData(new[] { "--max-duration", "0" }, "--max-duration 0 is out of range: from 1 to 604,800 seconds.")]
    [InlineData(new[] { "--warmup", "1025" }, "--warmup 1025 is out of range: from 0 to 1,024 requests.")]
    [InlineData(new[] { "--price-per-hour", "-1" }, "--price-per-hour -1 must be a positive amount (e.g. 10.18 for an instance at $10.18 per hour).")]
    [InlineData(new[] { "--svg", "no-such-folder/chart.svg" }, "--svg no-such-folder/chart.svg: the folder {root}/no-such-folder does not exist.")]
    [InlineData(new[] { "--env", "dev" }, "Pass either --base-url (with --model) or a model directory (--env or --directory, with --model), not both.")]
    public async Task Bench_BadOption_OneLineNothingSentExit2(string[] args, string expected)
    {
        await using var server = await ScriptedChatServer.StartAsync(_ => new ScriptStep(TimeSpan.Zero, TimeSpan.Zero, 1));

        var (code, output, error) = await _cli.RunAsync(["--base-url", server.BaseUrl.ToString(), "--model", "fake", .. args]);

        Assert.Equal(2, code);
        Assert.Equal("error: " + expected.Replace("{root}", _cli.Workspace.Root) + Environment.NewLine, error);
        Assert.Empty(output);
        Assert.Equal(0, server.Requests);
    }

    [Fact]
    public async Task Bench_SeveralBadOptions_EachOnItsOwnLine()
    {
        var (code, _, error) = await _cli.RunAsync("--base-url", "http://127.0.0.1:9/openai/v1", "--concurrency", "0", "--timeout", "0", "--region", "us-east-1");

        Assert.Equal(2, code);
        Assert.Equal(
            [
                "error: --base-url needs --model: the model name the server serves (e.g. gpt-oss-20b; vLLM's default for weights from S3 is /opt/ml/model).",
                "error: --concurrency 0 is out of range: each level must be from 1 to 1024 requests in flight.",
                "error: --timeout 0 is out of range: from 1 to 3,600 seconds.",
            ],
            error.TrimEnd().Split(Environment.NewLine));
    }

    [Theory]
    [InlineData(new[] { "--model", "gpt-oss-20b" }, "Which endpoint? Pass --env <environment> --model <name> (a model of the environment's directory), --directory <file> --model <name>, or --base-url <url> --model <served model name>.")]
    [InlineData(new[] { "--directory", "directory.json" }, "Which model? Pass --model <name>; `llmhost models` lists the names of the directory.")]
    [InlineData(new[] { "--directory", "directory.json", "--model", "gpt-oss-20b", "--region", "us-east-1" }, "--region applies only with --base-url: with a model directory, each model's region comes from the directory.")]
    [InlineData(new[] { "--base-url", "ftp://example.com/v1", "--model", "m" }, "--base-url 'ftp://example.com/v1' is not an http(s) URL such as https://runtime.sagemaker.us-east-1.amazonaws.com/endpoints/<endpoint>/openai/v1.")]
    public async Task Bench_NoEndpointOrModel_OneLineExit2(string[] args, string expected)
    {
        var (code, output, error) = await _cli.RunAsync(args);

        Assert.Equal(2, code);
        Assert.Equal("error: " + expected + Environment.NewLine, error);
        Assert.Empty(output);
    }
}
