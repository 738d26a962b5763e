using System.Globalization;
using System.Text;

namespace LlmHosting.Cli.Commands.Bench;

/// <summary>What a run measured and how it ended: the input of the Markdown table, the chart and the JSON file.</summary>
internal sealed record BenchResult
{
    public required string Model { get; init; }
    public required Uri Url { get; init; }
    public required DateTimeOffset StartedAt { get; init; }
    public required BenchSettings Settings { get; init; }
    public required bool IgnoreEos { get; init; }
    public required IReadOnlyList<LevelStats> Levels { get; init; }

    /// <summary>Null when every level ran; else why the run stopped early (Ctrl-C, the time limit).</summary>
    public string? StoppedBy { get; init; }

    public IEnumerable<int> LevelsNotRun => Settings.Levels.Skip(Levels.Count);
}

/// <summary>The Markdown report: one row per level, then how the figures were counted, the errors, and how the run ended.</summary>
internal static class BenchReport
{
    public const string PercentileDefinition =
        "linear interpolation between closest ranks (numpy's default, Python's statistics.quantiles method='inclusive')";

    public static string Markdown(BenchResult result)
    {
        var settings = result.Settings;
        var priced = settings.PricePerHour is not null;
        var text = new StringBuilder();
        text.AppendLine(Invariant($"## llmhost bench: {result.Model}"));
        text.AppendLine();
        text.AppendLine(Invariant($"{result.Url} · prompt {settings.PromptTokens} words · output {settings.OutputTokens} tokens{(result.IgnoreEos ? " (ignore_eos)" : string.Empty)} · {result.StartedAt:yyyy-MM-dd HH:mm} UTC"));
        text.AppendLine();
        text.Append("| concurrency | requests | errors | TTFT p50 / p90 / p99 (ms) | ITL p50 / p90 / p99 (ms) | end-to-end p50 / p90 / p99 (s) | output tok/s | tok/s per request (p50) | requests/s |");
        text.AppendLine(priced ? " output tokens per $ |" : string.Empty);
        text.AppendLine("|---:|---:|---:|---|---|---|---:|---:|---:|" + (priced ? "---:|" : string.Empty));
        foreach (var level in result.Levels)
        {
            text.Append(Invariant($"| {level.Concurrency}{(level.Stopped ? " (stopped)" : string.Empty)} | {level.Requests} | {level.Failed} "));
            text.Append(Invariant($"| {Three(level.TimeToFirstTokenMs, Milliseconds)} | {Three(level.InterTokenLatencyMs, Milliseconds)} | {Three(level.EndToEndMs, ms => (ms / 1000).ToString("0.00", CultureInfo.InvariantCulture))} "));
            text.Append(Invariant($"| {level.OutputTokensPerSecond:0.0} | {(level.OutputTokensPerSecondPerRequest is { } r ? r.P50.ToString("0.0", CultureInfo.InvariantCulture) : "-")} | {level.RequestsPerSecond:0.00} |"));
            text.AppendLine(priced ? Invariant($" {(level.OutputTokensPerDollar is { } d ? d.ToString("N0", CultureInfo.InvariantCulture) : "-")} |") : string.Empty);
        }

        text.AppendLine();
        foreach (var note in Notes(result))
        {
            text.AppendLine("- " + note);
        }

        return text.ToString();
    }

    private static IEnumerable<string> Notes(BenchResult result)
    {
        var levels = result.Levels;
        var succeeded = levels.Sum(l => l.Succeeded);
        var usage = levels.Sum(l => l.UsageReported);
        if (succeeded > 0)
        {
            yield return usage == succeeded
                ? "Output tokens: the server's count (usage, asked for with stream_options.include_usage) for every request."
                : Invariant($"Output tokens: the server's count (usage) for {usage} of {succeeded} requests; for the others it sent no usage, so the chunks that carried output were counted (one token each for vLLM; a chunk can hold several, e.g. with speculative decoding).");
        }

        if (levels.Where(l => l.MeanPromptTokens is not null).ToList() is { Count: > 0 } prompted)
        {
            yield return Invariant($"Prompt: {result.Settings.PromptTokens} random words asked for; the server counted {prompted.Average(l => l.MeanPromptTokens!.Value):0} prompt tokens on average (its chat template included).");
        }

        yield return "TTFT: time to the first chunk that carried output (text, reasoning or a tool call); ITL: time between successive such chunks; end-to-end: to the stream's final data: [DONE]. Client-side, monotonic clock, from just before each request was sent; only succeeded requests count.";
        yield return "Percentiles: " + PercentileDefinition + ". Output tok/s: all output tokens of the level divided by its duration; per request: its output tokens divided by its end-to-end latency.";
        if (result.Settings.PricePerHour is { } price)
        {
            yield return Invariant($"Output tokens per $: output tok/s × 3600 / ${price} per hour, the instance fully used at that concurrency.");
        }

        foreach (var level in levels)
        {
            foreach (var error in level.Errors)
            {
                yield return Invariant($"Errors at concurrency {level.Concurrency}: {error.Count} × {error.Kind}, e.g. {error.Example}");
            }
        }

        if (result.StoppedBy is not null)
        {
            var notRun = result.LevelsNotRun.ToList();
            yield return $"Stopped early ({result.StoppedBy}): requests in flight were abandoned and are not counted"
                + (notRun.Count > 0 ? $"; not run: concurrency {string.Join(", ", notRun)}." : ".");
        }
    }

    private static string Three(Distribution? distribution, Func<double, string> format) =>
        distribution is null ? "-" : $"{format(distribution.P50)} / {format(distribution.P90)} / {format(distribution.P99)}";

    private static string Milliseconds(double ms) => ms.ToString(ms >= 100 ? "0" : "0.0", CultureInfo.InvariantCulture);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
