using Amazon.Runtime;

namespace LlmHosting.Client;

/// <summary>Options of the clients that <see cref="ModelClients"/> makes. Every member is optional.</summary>
public sealed class ModelClientOptions
{
    /// <summary>
    /// The AWS credentials that sign tokens and requests.
    /// Default: the AWSSDK.Core default credential chain.
    /// </summary>
    public AWSCredentials? Credentials { get; init; }

    /// <summary>The clock that dates tokens and signatures and measures cold-start retries. Default: <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>
    /// The lifetime of each bearer token (SageMaker tokens, Bedrock API keys), 1 second to 12 hours; tokens are renewed
    /// before they expire. Default: 12 hours.
    /// </summary>
    public TimeSpan TokenExpiry { get; init; } = BearerTokenGenerator.MaximumExpiry;

    /// <summary>
    /// How models that may be cold (<see cref="ModelEntry.MayBeCold"/>) are retried while they start. For such
    /// models this policy replaces the <c>RetryPolicy</c> of the OpenAI client options.
    /// Default: <see cref="ColdStartRetryOptions"/>' defaults.
    /// </summary>
    public ColdStartRetryOptions ColdStart { get; init; } = new();
}

/// <summary>
/// Retries of a model that answers "not ready" while it starts: a SageMaker inference component scaled to zero
/// (5-15 minutes until a copy runs) or an imported Bedrock model that was evicted when idle. The delay doubles from
/// <see cref="InitialDelay"/> up to <see cref="MaxDelay"/>; retrying stops after <see cref="MaxRetries"/> retries or
/// when the next wait would pass <see cref="MaxElapsed"/>, and the call then fails with <see cref="ModelStartingException"/>.
/// </summary>
public sealed class ColdStartRetryOptions
{
    /// <summary>The most retries of "not ready" answers. Default: 60.</summary>
    public int MaxRetries { get; init; } = 60;

    /// <summary>The wait before the first retry; each next wait doubles. Default: 5 seconds.</summary>
    public TimeSpan InitialDelay { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The longest wait between two retries. Default: 30 seconds.</summary>
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The longest time from the first attempt to the last retry: enough for the 5-15 minutes of a cold start.
    /// Default: 20 minutes.
    /// </summary>
    public TimeSpan MaxElapsed { get; init; } = TimeSpan.FromMinutes(20);

    /// <summary>
    /// How often other transient failures (HTTP 408, 429 throttling, 500, 502, 503, 504, connection failures) are
    /// retried, with the OpenAI SDK's own back-off. Default: 3, the SDK's default.
    /// </summary>
    public int TransientRetries { get; init; } = 3;

    /// <summary>
    /// The answers that mean "the model is starting". Default: <see cref="NotReadyAnswer.Defaults"/>. The SageMaker
    /// answer is not confirmed for the <c>/openai/v1</c> path: add the status and text your endpoint gives, if it differs.
    /// </summary>
    public IReadOnlyList<NotReadyAnswer> NotReadyAnswers { get; init; } = NotReadyAnswer.Defaults;

    internal void Validate()
    {
        var problems = new List<string>();
        if (MaxRetries < 0)
        {
            problems.Add($"MaxRetries {MaxRetries} must be 0 or more");
        }

        if (TransientRetries < 0)
        {
            problems.Add($"TransientRetries {TransientRetries} must be 0 or more");
        }

        if (InitialDelay <= TimeSpan.Zero || MaxDelay < InitialDelay)
        {
            problems.Add($"InitialDelay {InitialDelay} must be positive and MaxDelay {MaxDelay} at least as long");
        }

        if (MaxElapsed <= TimeSpan.Zero)
        {
            problems.Add($"MaxElapsed {MaxElapsed} must be positive");
        }

        if (NotReadyAnswers is null)
        {
            problems.Add("NotReadyAnswers must be set");
        }

        if (problems.Count > 0)
        {
            throw new ArgumentException($"Invalid ColdStartRetryOptions: {string.Join("; ", problems)}.");
        }
    }
}

/// <summary>An answer that means "the model is starting": an HTTP status and a text in the error type header or the body.</summary>
/// <param name="Status">The HTTP status, e.g. 429.</param>
/// <param name="ErrorText">Text that the <c>x-amzn-ErrorType</c> header or the body contains (case-insensitive).</param>
public sealed record NotReadyAnswer(int Status, string ErrorText)
{
    /// <summary>
    /// Bedrock's <c>ModelNotReadyException</c> (HTTP 429 in botocore's bedrock-runtime model, and in its sagemaker-runtime
    /// model for SageMaker), and SageMaker's answer for an inference component without a copy: a <c>ValidationError</c>
    /// (HTTP 400) "Inference Component has no capacity to process this request" (AWS Machine Learning blog, "Unlock cost
    /// savings with the new scale down to zero feature in SageMaker Inference", 2024-12; seen on InvokeEndpoint).
    /// </summary>
    public static IReadOnlyList<NotReadyAnswer> Defaults { get; } =
    [
        new(429, "ModelNotReadyException"),
        new(400, "no capacity to process this request"),
    ];
}
