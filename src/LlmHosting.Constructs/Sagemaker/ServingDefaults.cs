using Amazon.CDK;

namespace LlmHosting.Constructs.Sagemaker;

/// <summary>
/// The defaults shared by every vLLM serving construct (a whole-instance <see cref="VllmEndpoint"/> and an inference
/// component), in one place.
/// </summary>
public static class ServingDefaults
{
    /// <summary>
    /// How long SageMaker waits for the container's health check after start-up: 30 minutes, for large models that take
    /// many minutes to load (SageMaker accepts 60-3600 s).
    /// </summary>
    public static readonly Duration ContainerStartupHealthCheckTimeout = Duration.Minutes(30);

    /// <summary>How long SageMaker may take to copy the weights to an instance: 60 minutes (60-3600 s).</summary>
    public static readonly Duration ModelDataDownloadTimeout = Duration.Minutes(60);

    /// <summary>
    /// Share of requests answered with a 5XX error at which the error-rate alarms fire: 5 (percent). SageMaker records
    /// <c>Invocation5XXErrors</c> as 1 for each 5XX answer and 0 for every other, so its average is the error rate
    /// (SageMaker developer guide, endpoint invocation metrics).
    /// </summary>
    public const double ErrorRateAlarmThreshold = 5;

    /// <summary>Fewest requests in 5 minutes for the alerting error-rate alarm to judge the rate at all: 10.</summary>
    public const int ErrorRateAlarmMinimumInvocations = 10;

    /// <summary>
    /// The slowest a healthy vLLM server generates a token for one request under full load: 50 ms (20 tokens per second).
    /// With the model's context length it bounds the time of the longest request the model allows.
    /// </summary>
    public static readonly Duration SlowestTokenInterval = Duration.Millis(50);

    /// <summary>The lowest latency alarm threshold: 60 seconds, the time SageMaker gives a request that is not streamed.</summary>
    public static readonly Duration MinimumModelLatencyAlarmThreshold = Duration.Seconds(60);

    /// <summary>The latency alarm threshold of a model whose context length is unknown: 1 hour.</summary>
    public static readonly Duration UnknownLengthModelLatencyAlarmThreshold = Duration.Hours(1);

    /// <summary>
    /// Target of the autoscaling policies: invocations per instance (endpoint) or per copy (component) per minute, 10, suited
    /// to LLM requests that take seconds.
    /// </summary>
    public const double TargetInvocations = 10;

    /// <summary>Time after scaling in before the next scale-in: 15 minutes, since an instance or copy takes minutes to come back.</summary>
    public static readonly Duration ScaleInCooldown = Duration.Minutes(15);

    /// <summary>Time after scaling out of an endpoint before the next scale-out: 5 minutes, a GPU instance's start-up.</summary>
    public static readonly Duration EndpointScaleOutCooldown = Duration.Minutes(5);

    /// <summary>Time after scaling out a component before the next scale-out: 10 minutes, an instance start-up plus a model load.</summary>
    public static readonly Duration ComponentScaleOutCooldown = Duration.Minutes(10);
}
