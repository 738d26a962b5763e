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

    /// <summary>p90 model latency above which the latency alarm fires: 60 seconds.</summary>
    public static readonly Duration ModelLatencyAlarmThreshold = Duration.Seconds(60);

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
