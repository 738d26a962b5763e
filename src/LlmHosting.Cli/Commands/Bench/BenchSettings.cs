using System.Globalization;

namespace LlmHosting.Cli.Commands.Bench;

/// <summary>A number of tokens, fixed (<c>512</c>) or drawn uniformly per request from a range (<c>256-1024</c>).</summary>
internal readonly record struct TokenRange(int Min, int Max)
{
    public bool IsFixed => Min == Max;

    public int Sample(Random random) => IsFixed ? Min : random.Next(Min, Max + 1);

    public override string ToString() => IsFixed ? Min.ToString(CultureInfo.InvariantCulture) : $"{Min}-{Max}";

    /// <summary>Reads <c>N</c> or <c>MIN-MAX</c> within <paramref name="limit"/>; adds a problem naming the option otherwise.</summary>
    public static TokenRange? Parse(string option, string text, int limit, List<string> problems)
    {
        var parts = text.Split('-');
        var numbers = parts.Select(p => int.TryParse(p.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : -1).ToArray();
        if (parts.Length > 2 || numbers.Any(n => n < 0))
        {
            problems.Add($"{option} '{text}' is not a number of tokens (e.g. 512) or a range to sample from (e.g. 256-1024).");
            return null;
        }

        var range = new TokenRange(numbers[0], numbers[^1]);
        if (range.Min < 1 || range.Max > limit)
        {
            problems.Add($"{option} {text} is out of range: tokens must be from 1 to {limit.ToString("N0", CultureInfo.InvariantCulture)}.");
            return null;
        }

        if (range.Min > range.Max)
        {
            problems.Add($"{option} {text}: the range's first number must not be above the second (e.g. {range.Max}-{range.Min}).");
            return null;
        }

        return range;
    }
}

/// <summary>What <c>llmhost bench</c> was asked to do, as typed on the command line (checked by <see cref="Validate"/>).</summary>
internal sealed class BenchRequest
{
    public const int MaxConcurrency = 1024;
    /// <summary>Per level; every inter-token gap of a level is kept for its exact percentiles (8 bytes each).</summary>
    public const int MaxRequests = 100_000;
    public const int MaxPromptTokens = 1_000_000;
    public const int MaxOutputTokens = 1_000_000;
    public const int MaxWarmup = MaxConcurrency;
    public const int MaxTimeoutSeconds = 3600;
    public const int MaxDurationSeconds = 7 * 24 * 3600;

    public string? BaseUrl { get; init; }
    public string? Environment { get; init; }
    public string? Directory { get; init; }
    public string? OutputsFile { get; init; }
    public string? Model { get; init; }
    public string? Region { get; init; }
    public string Concurrency { get; init; } = "1,4,16";
    public int? Requests { get; init; }
    public string PromptTokens { get; init; } = "512";
    public string OutputTokens { get; init; } = "128";
    public bool? IgnoreEos { get; init; }
    public string? ReasoningEffort { get; init; }
    public int Warmup { get; init; } = 1;
    public int TimeoutSeconds { get; init; } = 300;
    public int MaxDuration { get; init; } = 1800;
    public double? PricePerHour { get; init; }
    public int Seed { get; init; } = 1;
    public string? Json { get; init; }
    public string Svg { get; init; } = "llmhost-bench.svg";

    public bool UsesDirectory => BaseUrl is null;

    /// <summary>Checks every option; returns the settings, or every problem found (one line each).</summary>
    public (BenchSettings? Settings, List<string> Problems) Validate()
    {
        var problems = new List<string>();
        if (BaseUrl is not null && (Environment is not null || Directory is not null || OutputsFile is not null))
        {
            problems.Add("Pass either --base-url (with --model) or a model directory (--env or --directory, with --model), not both.");
        }
        else if (BaseUrl is null && Environment is null && Directory is null)
        {
            problems.Add("Which endpoint? Pass --env <environment> --model <name> (a model of the environment's directory), --directory <file> --model <name>, or --base-url <url> --model <served model name>.");
        }

        if (Model is null)
        {
            problems.Add(BaseUrl is null
                ? "Which model? Pass --model <name>; `llmhost models` lists the names of the directory."
                : "--base-url needs --model: the model name the server serves (e.g. gpt-oss-20b; vLLM's default for weights from S3 is /opt/ml/model).");
        }

        if (Region is not null && BaseUrl is null)
        {
            problems.Add("--region applies only with --base-url: with a model directory, each model's region comes from the directory.");
        }

        var levels = ParseConcurrency(problems);
        if (Requests is { } requests && levels is not null)
        {
            if (requests is < 1 or > MaxRequests)
            {
                problems.Add($"--requests {requests} is out of range: from 1 to {MaxRequests.ToString("N0", CultureInfo.InvariantCulture)} per level.");
            }
            else if (requests < levels[^1])
            {
                problems.Add($"--requests {requests} is fewer than concurrency {levels[^1]}: each level needs at least as many requests as it keeps in flight.");
            }
        }

        var prompt = TokenRange.Parse("--prompt-tokens", PromptTokens, MaxPromptTokens, problems);
        var output = TokenRange.Parse("--output-tokens", OutputTokens, MaxOutputTokens, problems);
        Range("--warmup", Warmup, 0, MaxWarmup, "requests", problems);
        Range("--timeout", TimeoutSeconds, 1, MaxTimeoutSeconds, "seconds", problems);
        Range("--max-duration", MaxDuration, 1, MaxDurationSeconds, "seconds", problems);
        if (PricePerHour is { } price && (!double.IsFinite(price) || price <= 0))
        {
            problems.Add($"--price-per-hour {price.ToString(CultureInfo.InvariantCulture)} must be a positive amount (e.g. 10.18 for an instance at $10.18 per hour).");
        }

        if (problems.Count > 0)
        {
            return (null, problems);
        }

        return (new BenchSettings
        {
            Levels = levels!,
            Requests = Requests,
            PromptTokens = prompt!.Value,
            OutputTokens = output!.Value,
            IgnoreEos = IgnoreEos,
            ReasoningEffort = ReasoningEffort,
            Warmup = Warmup,
            Timeout = TimeSpan.FromSeconds(TimeoutSeconds),
            MaxDuration = TimeSpan.FromSeconds(MaxDuration),
            PricePerHour = PricePerHour,
            Seed = Seed,
            JsonFile = Json,
            SvgFile = Svg,
        }, problems);
    }

    private int[]? ParseConcurrency(List<string> problems)
    {
        var parts = Concurrency.Split(',', StringSplitOptions.TrimEntries);
        var levels = new List<int>();
        foreach (var part in parts)
        {
            if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var level))
            {
                problems.Add($"--concurrency '{Concurrency}' is not a comma-separated list of numbers (e.g. 1,4,16): '{part}' is not a number.");
                return null;
            }

            levels.Add(level);
        }

        var outside = levels.Where(l => l is < 1 or > MaxConcurrency).ToList();
        if (outside.Count > 0)
        {
            problems.Add($"--concurrency {string.Join(", ", outside)} is out of range: each level must be from 1 to {MaxConcurrency} requests in flight.");
            return null;
        }

        if (levels.Zip(levels.Skip(1)).Any(pair => pair.First >= pair.Second))
        {
            problems.Add($"--concurrency '{Concurrency}': list each level once, in increasing order (e.g. {string.Join(',', levels.Distinct().Order())}).");
            return null;
        }

        return [.. levels];
    }

    private static void Range(string option, int value, int min, int max, string unit, List<string> problems)
    {
        if (value < min || value > max)
        {
            problems.Add($"{option} {value} is out of range: from {min} to {max.ToString("N0", CultureInfo.InvariantCulture)} {unit}.");
        }
    }
}

/// <summary>The checked settings of a benchmark run.</summary>
internal sealed class BenchSettings
{
    public required int[] Levels { get; init; }

    /// <summary>Requests per level; null: <see cref="RequestsAt"/>'s default.</summary>
    public int? Requests { get; init; }

    public required TokenRange PromptTokens { get; init; }
    public required TokenRange OutputTokens { get; init; }

    /// <summary>Whether to send vLLM's <c>ignore_eos</c>; null: only to SageMaker endpoints and --base-url servers (vLLM).</summary>
    public bool? IgnoreEos { get; init; }

    public string? ReasoningEffort { get; init; }
    public int Warmup { get; init; }
    public TimeSpan Timeout { get; init; }
    public TimeSpan MaxDuration { get; init; }
    public double? PricePerHour { get; init; }
    public int Seed { get; init; }
    public string? JsonFile { get; init; }
    public string? SvgFile { get; init; }

    /// <summary>The requests of a level: --requests, else 4 times its concurrency and at least 16, enough for a p90 and a steady state.</summary>
    public int RequestsAt(int concurrency) => Requests ?? Math.Max(16, 4 * concurrency);
}
