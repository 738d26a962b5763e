using System.Text.Json.Nodes;
using LlmHosting.TestSupport;

namespace LlmHosting.Cli.Tests.Bench;

/// <summary>Timing tests run alone (after the parallel ones), so that other tests' threads do not delay the stream they time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class BenchTimingCollection
{
    public const string Name = "bench timing";
}

/// <summary><c>llmhost bench</c> against a loopback server that answers with scripted delays.</summary>
[Collection(BenchTimingCollection.Name)]
public sealed class BenchMeasurementTests : IDisposable
{
    private readonly BenchCli _cli = new();

    public void Dispose() => _cli.Dispose();

    /// <summary>
    /// After 21 warm-up requests (which load the tool's code and open the 21 connections, as --warmup does for a user),
    /// measured request i of 21 (by arrival, all in flight at once) waits 600 + 20i ms for its first token and 300 + 10i ms for its second. Expected
    /// percentiles, by linear interpolation (see PercentilesTests): time to first token over 600..1000 ms: p50 800, p90 960,
    /// p99 996; the gaps (300..500 ms): p50 400, p90 480, p99 498; end to end 900 + 30i ms: p50 1200, p90 1440, p99 1494.
    /// Delays of hundreds of milliseconds keep a busy machine's scheduling noise (tens of milliseconds at a load of 30 on
    /// 2 cores, for any client) under 5%.
    /// </summary>
    /// <remarks>
    /// The server and the tool share this test host with the other test assemblies' processes on 2 cores: a stall of the
    /// host (a blocking garbage collection, a descheduled timer thread) delays every request in flight at once and was
    /// once seen to add 700 ms to every gap. A stall is not the tool's error, so the measurement is taken up to three
    /// times and the first within 5% passes; a tool that measures wrongly fails all three, each reported.
    /// </remarks>
    [Fact]
    public async Task Bench_ScriptedDelays_ReportsPercentilesWithin5PercentOfTheScript()
    {
        var attempts = new List<string>();
        for (var attempt = 1; attempt <= 3; attempt++)
        {
            var failure = await MeasureScriptedDelaysAsync();
            if (failure is null)
            {
                return;
            }

            attempts.Add($"attempt {attempt}: {failure}");
        }

        Assert.Fail(string.Join("\n", attempts));
    }

    // One run against the scripted server; null when every figure is within 5% of the script, else what was not.
    private async Task<string?> MeasureScriptedDelaysAsync()
    {
        await using var server = await ScriptedChatServer.StartAsync(arrival => arrival < 21
            ? new ScriptStep(TimeSpan.Zero, TimeSpan.Zero, Tokens: 3)
            : new ScriptStep(TimeSpan.FromMilliseconds(600 + (20 * (arrival - 21))), TimeSpan.FromMilliseconds(300 + (10 * (arrival - 21))), Tokens: 2));

        var (code, output, error) = await _cli.RunAsync("--base-url", server.BaseUrl.ToString(), "--model", "fake",
            "--concurrency", "21", "--requests", "21", "--warmup", "21", "--json", "bench.json", "--svg", "bench.svg");

        Assert.True(code == 0, error + output);
        Assert.Equal(21 + 21, server.Requests);
        Assert.Equal(0, server.WithoutBearerToken);
        Assert.Equal(0, server.WithoutStreamedUsage);
        var level = JsonNode.Parse(File.ReadAllText(_cli.Path("bench.json")))!["levels"]![0]!;
        Assert.Equal(21, level["interTokenLatencyMs"]!["count"]!.GetValue<int>());
        Assert.Equal((21, 0, 2.0, 21), (level["succeeded"]!.GetValue<int>(), level["failed"]!.GetValue<int>(), level["meanOutputTokens"]!.GetValue<double>(), level["usageReported"]!.GetValue<int>()));

        // The table shows the same figures (ms, rounded).
        var row = BenchCli.Rows(output)["21"];
        var ttft = row[3].Split(" / ").Select(double.Parse).ToArray();
        Assert.Equal(level["timeToFirstTokenMs"]!["p50"]!.GetValue<double>(), ttft[0], 0.5);

        var problems = new[]
        {
            Within5Percent("time to first token", level["timeToFirstTokenMs"]!, 800, 960, 996),
            Within5Percent("inter-token latency", level["interTokenLatencyMs"]!, 400, 480, 498),
            Within5Percent("end to end", level["endToEndMs"]!, 1200, 1440, 1494),
        }.OfType<string>().ToList();
        return problems.Count == 0 ? null : string.Join("; ", problems);
    }

    [Fact]
    public async Task Bench_TimeLimit_StopsByItselfAndReportsWhatItHas()
    {
        await using var server = await ScriptedChatServer.StartAsync(_ => new ScriptStep(TimeSpan.FromSeconds(60), TimeSpan.Zero, Tokens: 4));
        var started = DateTime.UtcNow;

        var (code, output, error) = await _cli.RunAsync("--base-url", server.BaseUrl.ToString(), "--model", "fake",
            "--concurrency", "2,4", "--requests", "4", "--warmup", "0", "--max-duration", "1", "--timeout", "120");

        Assert.Equal(1, code);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(10), "the run did not stop at its time limit");
        var row = Assert.Single(BenchCli.Rows(output));
        Assert.Equal(("2 (stopped)", "4", "0"), (row.Key, row.Value[1], row.Value[2]));
        Assert.Contains("- Stopped early (the time limit, --max-duration 1 s): requests in flight were abandoned and are not counted; not run: concurrency 4.", output);
        Assert.Contains("Chart: ", error);
    }

    private static string? Within5Percent(string what, JsonNode measured, double p50, double p90, double p99)
    {
        var off = new[] { ("p50", p50), ("p90", p90), ("p99", p99) }
            .Where(p => Math.Abs(measured[p.Item1]!.GetValue<double>() - p.Item2) > p.Item2 * 0.05)
            .Select(p => $"{p.Item1} {measured[p.Item1]!.GetValue<double>():0.0} ms against {p.Item2} ms")
            .ToList();
        return off.Count == 0 ? null
            : $"{what}: {string.Join(", ", off)} (not within 5%; load average {File.ReadAllText("/proc/loadavg").Trim()}; measured {measured.ToJsonString()})";
    }
}
