namespace LlmHosting.Lambda.BedrockModelImport;

/// <summary>
/// Bounded exponential back-off with jitter for throttled (429, ThrottlingException) and failed (5XX, network)
/// calls. The delay function is injectable so that tests do not sleep.
/// </summary>
internal sealed class RetryPolicy
{
    /// <summary>Total attempts, the first included.</summary>
    public int MaxAttempts { get; init; } = 6;

    /// <summary>Delay before the first retry; doubled at each further retry.</summary>
    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Upper bound of a single delay.</summary>
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>Waits between attempts; <see cref="Task.Delay(TimeSpan, CancellationToken)"/> by default.</summary>
    public Func<TimeSpan, CancellationToken, Task> Delay { get; init; } = Task.Delay;

    /// <summary>Source of jitter in [0, 1); random by default.</summary>
    public Func<double> Jitter { get; init; } = Random.Shared.NextDouble;

    /// <summary>The delay before retry number <paramref name="retry"/> (1 for the first retry).</summary>
    public TimeSpan DelayBefore(int retry)
    {
        var exponential = BaseDelay.TotalMilliseconds * Math.Pow(2, retry - 1);
        var capped = Math.Min(exponential, MaxDelay.TotalMilliseconds);
        // "Equal jitter": at least half the back-off, so that retries still spread out under contention.
        return TimeSpan.FromMilliseconds(capped / 2 + (capped / 2 * Jitter()));
    }

    /// <summary>True for the answers worth retrying: throttling and server-side failures.</summary>
    public static bool IsRetryable(int statusCode, string? errorType)
        => statusCode == 429 || statusCode >= 500
           || errorType is "ThrottlingException" or "TooManyRequestsException" or "ServiceUnavailableException" or "InternalServerException";
}
