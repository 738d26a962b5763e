using System.Text.Json;
using System.Text.Json.Nodes;

namespace LlmHosting.Cli.Commands.Bench;

/// <summary>
/// The <c>--json</c> file: the run's settings, each level's figures (as in the table, with means) and every request's
/// sample, so that other percentiles or charts can be computed later. Times in milliseconds unless a name says seconds.
/// </summary>
internal static class BenchJson
{
    public const int FormatVersion = 1;

    public static JsonObject Create(BenchResult result, IReadOnlyList<LevelRun> runs)
    {
        var settings = result.Settings;
        return new JsonObject
        {
            ["formatVersion"] = FormatVersion,
            ["tool"] = "llmhost bench",
            ["model"] = result.Model,
            ["url"] = result.Url.ToString(),
            ["startedAt"] = result.StartedAt.ToString("O"),
            ["settings"] = new JsonObject
            {
                ["concurrency"] = new JsonArray([.. settings.Levels.Select(l => JsonValue.Create(l))]),
                ["requestsPerLevel"] = new JsonArray([.. settings.Levels.Select(l => JsonValue.Create(settings.RequestsAt(l)))]),
                ["promptWords"] = settings.PromptTokens.ToString(),
                ["outputTokens"] = settings.OutputTokens.ToString(),
                ["ignoreEos"] = result.IgnoreEos,
                ["reasoningEffort"] = settings.ReasoningEffort,
                ["warmupRequests"] = settings.Warmup,
                ["timeoutSeconds"] = settings.Timeout.TotalSeconds,
                ["maxDurationSeconds"] = settings.MaxDuration.TotalSeconds,
                ["pricePerHour"] = settings.PricePerHour,
                ["seed"] = settings.Seed,
            },
            ["percentiles"] = BenchReport.PercentileDefinition,
            ["stoppedBy"] = result.StoppedBy,
            ["levelsNotRun"] = new JsonArray([.. result.LevelsNotRun.Select(l => JsonValue.Create(l))]),
            ["levels"] = new JsonArray([.. result.Levels.Zip(runs, Level)]),
        };
    }

    public static async Task WriteAsync(string path, JsonObject document, CancellationToken cancellationToken)
    {
        await using var file = File.Create(path);
        await JsonSerializer.SerializeAsync(file, document, new JsonSerializerOptions { WriteIndented = true }, cancellationToken);
    }

    private static JsonNode Level(LevelStats level, LevelRun run) => new JsonObject
    {
        ["concurrency"] = level.Concurrency,
        ["requests"] = level.Requests,
        ["succeeded"] = level.Succeeded,
        ["failed"] = level.Failed,
        ["cancelled"] = level.Cancelled,
        ["stopped"] = level.Stopped,
        ["durationSeconds"] = level.DurationSeconds,
        ["timeToFirstTokenMs"] = Distribution(level.TimeToFirstTokenMs),
        ["interTokenLatencyMs"] = Distribution(level.InterTokenLatencyMs),
        ["endToEndMs"] = Distribution(level.EndToEndMs),
        ["outputTokensPerSecond"] = level.OutputTokensPerSecond,
        ["outputTokensPerSecondPerRequest"] = Distribution(level.OutputTokensPerSecondPerRequest),
        ["requestsPerSecond"] = level.RequestsPerSecond,
        ["outputTokensPerDollar"] = level.OutputTokensPerDollar,
        ["meanOutputTokens"] = level.MeanOutputTokens,
        ["meanPromptTokens"] = level.MeanPromptTokens,
        ["usageReported"] = level.UsageReported,
        ["errors"] = new JsonArray([.. level.Errors.Select(e => new JsonObject { ["kind"] = e.Kind, ["count"] = e.Count, ["example"] = e.Example })]),
        ["samples"] = new JsonArray([.. run.Samples.Select(Sample)]),
    };

    private static JsonNode? Distribution(Distribution? d) => d is null ? null : new JsonObject
    {
        ["count"] = d.Count,
        ["mean"] = d.Mean,
        ["p50"] = d.P50,
        ["p90"] = d.P90,
        ["p99"] = d.P99,
    };

    private static JsonNode Sample(RequestSample sample) => sample.Outcome switch
    {
        Outcome.Succeeded => new JsonObject
        {
            ["outcome"] = "succeeded",
            ["timeToFirstTokenMs"] = sample.TimeToFirstTokenMs,
            ["endToEndMs"] = sample.EndToEndMs,
            ["outputTokens"] = sample.OutputTokens,
            ["usageReported"] = sample.UsageReported,
            ["promptTokens"] = sample.PromptTokens >= 0 ? sample.PromptTokens : null,
        },
        Outcome.Failed => new JsonObject { ["outcome"] = "failed", ["error"] = sample.ErrorKind, ["detail"] = sample.ErrorDetail },
        Outcome.Cancelled => new JsonObject { ["outcome"] = "cancelled" },
        _ => new JsonObject { ["outcome"] = "not sent" },
    };
}
