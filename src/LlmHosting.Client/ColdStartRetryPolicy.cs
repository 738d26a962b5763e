using System.ClientModel.Primitives;

namespace LlmHosting.Client;

/// <summary>
/// The OpenAI SDK's retry policy, plus patient retries of "not ready" answers for a model that may be cold
/// (<see cref="ColdStartRetryOptions"/>). When those run out the call fails with <see cref="ModelStartingException"/>
/// instead of the bare HTTP error. Other failures keep the SDK's rules, up to <see cref="ColdStartRetryOptions.TransientRetries"/>.
/// </summary>
internal sealed class ColdStartRetryPolicy : ClientRetryPolicy
{
    private readonly ModelEntry _model;
    private readonly ColdStartRetryOptions _options;
    private readonly TimeProvider _clock;

    public ColdStartRetryPolicy(ModelEntry model, ColdStartRetryOptions options, TimeProvider clock)
        : base(options.TransientRetries)
    {
        _model = model;
        _options = options;
        _clock = clock;
    }

    protected override void OnSendingRequest(PipelineMessage message)
    {
        StartClock(message);
        base.OnSendingRequest(message);
    }

    protected override ValueTask OnSendingRequestAsync(PipelineMessage message)
    {
        StartClock(message);
        return base.OnSendingRequestAsync(message);
    }

    protected override bool ShouldRetry(PipelineMessage message, Exception? exception) =>
        Decide(message, exception) ?? base.ShouldRetry(message, exception);

    protected override ValueTask<bool> ShouldRetryAsync(PipelineMessage message, Exception? exception) =>
        Decide(message, exception) is { } decision ? ValueTask.FromResult(decision) : base.ShouldRetryAsync(message, exception);

    protected override TimeSpan GetNextDelay(PipelineMessage message, int tryCount)
    {
        var state = GetState(message);
        if (!state.NotReady)
        {
            return base.GetNextDelay(message, tryCount);
        }

        state.Retries++;
        return ColdDelay(state.Retries);
    }

    private void StartClock(PipelineMessage message)
    {
        // The first attempt of a call starts its clock; retries of the same message keep it.
        if (!message.TryGetProperty(typeof(ColdStartRetryPolicy), out _))
        {
            message.SetProperty(typeof(ColdStartRetryPolicy), new State { StartedAt = _clock.GetUtcNow() });
        }
    }

    private static State GetState(PipelineMessage message) =>
        message.TryGetProperty(typeof(ColdStartRetryPolicy), out var value) && value is State state
            ? state
            : throw new InvalidOperationException("The cold-start retry policy saw a message it did not start.");

    /// <summary>
    /// True to retry a "not ready" answer; null to let the SDK's rules decide any other outcome. Throws
    /// <see cref="ModelStartingException"/> when a "not ready" answer may not be retried any more, so that the caller
    /// learns why rather than seeing the bare HTTP error.
    /// </summary>
    private bool? Decide(PipelineMessage message, Exception? exception)
    {
        var state = GetState(message);
        state.NotReady = exception is null && message.Response is { } response && IsNotReady(response);
        if (!state.NotReady)
        {
            return null;
        }

        var elapsed = _clock.GetUtcNow() - state.StartedAt;
        if (state.Retries < _options.MaxRetries && elapsed + ColdDelay(state.Retries + 1) <= _options.MaxElapsed)
        {
            return true;
        }

        throw new ModelStartingException(_model, state.Retries, elapsed, message.Response!);
    }

    private bool IsNotReady(PipelineResponse response)
    {
        var candidates = _options.NotReadyAnswers.Where(answer => answer.Status == response.Status).ToList();
        if (candidates.Count == 0)
        {
            return false;
        }

        // AWS JSON protocols name the error in x-amzn-ErrorType ("ModelNotReadyException:http://...") and not always in the body.
        response.Headers.TryGetValue("x-amzn-ErrorType", out var errorType);
        var body = response.BufferContent().ToString();
        return candidates.Any(answer =>
            (errorType?.Contains(answer.ErrorText, StringComparison.OrdinalIgnoreCase) ?? false)
            || body.Contains(answer.ErrorText, StringComparison.OrdinalIgnoreCase));
    }

    private TimeSpan ColdDelay(int retry)
    {
        var delay = _options.InitialDelay * Math.Pow(2, Math.Min(retry - 1, 30));
        return delay < _options.MaxDelay ? delay : _options.MaxDelay;
    }

    private sealed class State
    {
        public DateTimeOffset StartedAt { get; init; }

        public bool NotReady { get; set; }

        public int Retries { get; set; }
    }
}
