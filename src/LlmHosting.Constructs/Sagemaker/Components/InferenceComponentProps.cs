using Amazon.CDK;
using Amazon.CDK.AWS.CloudWatch;
using LlmHosting.Constructs.Sagemaker.Deployment;

namespace LlmHosting.Constructs.Sagemaker.Components;

/// <summary>
/// A model to host as an inference component, for <see cref="InferenceComponentEndpoint.AddComponent"/>.
/// <see cref="InferenceComponentProps"/> adds the endpoint, for creating an <see cref="InferenceComponent"/> directly.
/// </summary>
public class InferenceComponentOptions
{
    /// <summary>The model: its GPU memory need and recommended parsers. Use <see cref="KnownModel.Of"/> for others.</summary>
    public required KnownModel Model { get; init; }

    /// <summary>Where the weights come from: <see cref="ModelSource.FromBucket"/> or <see cref="ModelSource.FromHuggingFace"/>.</summary>
    public required ModelSource Source { get; init; }

    /// <summary>
    /// Physical name of the component: 1-63 letters, digits or hyphens. It appears in the invocation URL, the
    /// autoscaling resource id, the metrics' dimension and the alarm names. Default: a name derived from the construct path.
    /// </summary>
    public string? InferenceComponentName { get; init; }

    /// <summary>Container image. Default: <see cref="VllmImage.Default"/> (the vLLM DLC with a pinned tag).</summary>
    public VllmImage? Image { get; init; }

    /// <summary>
    /// vLLM settings. Default: every <see cref="VllmSettings"/> default (tensor parallel over the component's GPUs).
    /// </summary>
    public VllmSettings? Vllm { get; init; }

    /// <summary>
    /// Whole GPUs each copy gets (<c>NumberOfAcceleratorDevicesRequired</c>), at most the instance's GPU count.
    /// Default: <see cref="VllmSettings.TensorParallelSize"/> when set, otherwise the smallest of 1, 2, 4 or 8 GPUs whose
    /// memory, at the GPU memory utilisation, holds the weights plus a KV cache.
    /// </summary>
    public int? Gpus { get; init; }

    /// <summary>
    /// CPU cores each copy reserves (<c>NumberOfCpuCoresRequired</c>, at least 0.25). Default: half the vCPUs that go
    /// with the copy's GPUs (the instance's vCPUs x GPUs / GPU count / 2), at least 1; SageMaker keeps some of the host
    /// for itself and does not document how much.
    /// </summary>
    public double? CpuCores { get; init; }

    /// <summary>
    /// Host memory each copy reserves in MB (<c>MinMemoryRequiredInMb</c>, at least 128). Default: half the host memory
    /// that goes with the copy's GPUs, for the same reason as <see cref="CpuCores"/>.
    /// </summary>
    public int? MemoryInMb { get; init; }

    /// <summary>
    /// Copies created with the component, at least 1 (SageMaker cannot create a component with none; autoscaling
    /// brings it down to <see cref="MinCopyCount"/> when idle). Default: the larger of 1 and <see cref="MinCopyCount"/>.
    /// </summary>
    public int? InitialCopyCount { get; init; }

    /// <summary>
    /// Fewest copies autoscaling keeps. 0 lets the component scale to zero when idle: the first request after that
    /// fails with a no-capacity error, which an alarm turns into one new copy. Default: 0.
    /// </summary>
    public int? MinCopyCount { get; init; }

    /// <summary>Most copies autoscaling adds. Default: the larger of 1 and <see cref="MinCopyCount"/>.</summary>
    public int? MaxCopyCount { get; init; }

    /// <summary>
    /// Target of the target-tracking policy: invocations per copy per minute
    /// (<c>SageMakerInferenceComponentInvocationsPerCopy</c>). Default: 10, suited to LLM requests that take seconds.
    /// </summary>
    public double? TargetInvocationsPerCopy { get; init; }

    /// <summary>
    /// How long target tracking waits after removing a copy before removing another; an idle component reaches
    /// zero copies after about this long plus the 15 minutes of low traffic target tracking needs. Default: 15 minutes.
    /// </summary>
    public Duration? ScaleInCooldown { get; init; }

    /// <summary>
    /// How long a scale-out waits before the next one, for target tracking and for the scale-out-from-zero action. It
    /// should cover a cold start (instance launch, weights download, vLLM start-up) so that retries during start-up do
    /// not add copies. Default: 10 minutes.
    /// </summary>
    public Duration? ScaleOutCooldown { get; init; }

    /// <summary>
    /// How long SageMaker waits for a copy's health check to pass after start-up, 60-3600 s. Default: 30 minutes.
    /// </summary>
    public Duration? ContainerStartupHealthCheckTimeout { get; init; }

    /// <summary>How long SageMaker may take to copy the weights to an instance, 60-3600 s. Default: 60 minutes.</summary>
    public Duration? ModelDataDownloadTimeout { get; init; }

    /// <summary>
    /// Run the container without network access. Must be false for Hugging Face sources.
    /// Default: true for bucket sources, false for Hugging Face sources.
    /// </summary>
    public bool? EnableNetworkIsolation { get; init; }

    /// <summary>
    /// How SageMaker rolls out a new specification of the component. Default: <see cref="ComponentDeploymentPolicy.Default"/>,
    /// rolling in batches of 50% of the copies, each baked 10 minutes and rolled back when a rollback alarm fires.
    /// </summary>
    public ComponentDeploymentPolicy? DeploymentPolicy { get; init; }

    /// <summary>
    /// Alarms that roll an update back, in addition to the component's 5XX and latency alarms (at most 10 in all).
    /// Default: none.
    /// </summary>
    public IAlarm[]? RollbackAlarms { get; init; }

    /// <summary>
    /// Create the default alerting alarms (5XX errors, model latency, lasting no-capacity failures); the first two also roll
    /// updates back. Default: true.
    /// </summary>
    public bool? DefaultAlarms { get; init; }

    /// <summary>
    /// p90 model latency above which the latency alarm fires (three 5-minute periods in a row). Default: 60 seconds.
    /// </summary>
    public Duration? ModelLatencyAlarmThreshold { get; init; }
}

/// <summary>Properties of an <see cref="InferenceComponent"/>: the options and the endpoint it belongs to.</summary>
public sealed class InferenceComponentProps : InferenceComponentOptions
{
    /// <summary>The endpoint that hosts the component.</summary>
    public required InferenceComponentEndpoint Endpoint { get; init; }
}
