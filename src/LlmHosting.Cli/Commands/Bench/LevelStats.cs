namespace LlmHosting.Cli.Commands.Bench;

/// <summary>A level's figures, as the table, the chart and the JSON file report them. Only succeeded requests count.</summary>
internal sealed record LevelStats
{
    public required int Concurrency { get; init; }
    public required int Requests { get; init; }
    public required int Succeeded { get; init; }
    public required int Failed { get; init; }

    /// <summary>In flight or not yet sent when Ctrl-C or the time limit stopped the run.</summary>
    public required int Cancelled { get; init; }

    public required double DurationSeconds { get; init; }
    public required Distribution? TimeToFirstTokenMs { get; init; }
    public required Distribution? InterTokenLatencyMs { get; init; }
    public required Distribution? EndToEndMs { get; init; }

    /// <summary>Output tokens of the succeeded requests divided by the level's duration.</summary>
    public required double OutputTokensPerSecond { get; init; }

    /// <summary>Per request: its output tokens divided by its end-to-end latency.</summary>
    public required Distribution? OutputTokensPerSecondPerRequest { get; init; }

    public required double RequestsPerSecond { get; init; }

    /// <summary>Output tokens one dollar buys at this level's throughput: tokens per second × 3600 / price per hour.</summary>
    public required double? OutputTokensPerDollar { get; init; }

    public required double? MeanOutputTokens { get; init; }

    /// <summary>The server's mean prompt tokens, when it sent usage.</summary>
    public required double? MeanPromptTokens { get; init; }

    /// <summary>Succeeded requests whose output tokens are the server's usage count (the others counted output chunks).</summary>
    public required int UsageReported { get; init; }

    /// <summary>Failures by kind, most frequent first, each with one explained example.</summary>
    public required IReadOnlyList<ErrorGroup> Errors { get; init; }

    public required bool Stopped { get; init; }

    public static LevelStats From(LevelRun run, double? pricePerHour)
    {
        var ok = run.Samples.Where(s => s.Outcome == Outcome.Succeeded).ToList();
        var tokens = ok.Sum(s => (long)s.OutputTokens);
        var throughput = run.DurationSeconds > 0 ? tokens / run.DurationSeconds : 0;
        var prompts = ok.Where(s => s.PromptTokens >= 0).ToList();
        return new LevelStats
        {
            Concurrency = run.Concurrency,
            Requests = run.Samples.Length,
            Succeeded = ok.Count,
            Failed = run.Samples.Count(s => s.Outcome == Outcome.Failed),
            Cancelled = run.Samples.Count(s => s.Outcome is Outcome.Cancelled or Outcome.NotSent),
            DurationSeconds = run.DurationSeconds,
            TimeToFirstTokenMs = Percentiles.Summarize(ok.Select(s => s.TimeToFirstTokenMs).ToList()),
            InterTokenLatencyMs = Percentiles.Summarize(run.InterTokenGapsMs),
            EndToEndMs = Percentiles.Summarize(ok.Select(s => s.EndToEndMs).ToList()),
            OutputTokensPerSecond = throughput,
            OutputTokensPerSecondPerRequest = Percentiles.Summarize(ok.Where(s => s.EndToEndMs > 0).Select(s => s.OutputTokens * 1000.0 / s.EndToEndMs).ToList()),
            RequestsPerSecond = run.DurationSeconds > 0 ? ok.Count / run.DurationSeconds : 0,
            OutputTokensPerDollar = pricePerHour is { } price && ok.Count > 0 ? throughput * 3600 / price : null,
            MeanOutputTokens = ok.Count > 0 ? (double)tokens / ok.Count : null,
            MeanPromptTokens = prompts.Count > 0 ? prompts.Average(s => s.PromptTokens) : null,
            UsageReported = ok.Count(s => s.UsageReported),
            Errors = run.Samples.Where(s => s.Outcome == Outcome.Failed)
                .GroupBy(s => s.ErrorKind!)
                .Select(g => new ErrorGroup(g.Key, g.Count(), g.First().ErrorDetail!))
                .OrderByDescending(g => g.Count)
                .ToList(),
            Stopped = run.Stopped,
        };
    }
}

/// <summary>Failures of one kind at one level.</summary>
internal sealed record ErrorGroup(string Kind, int Count, string Example);
