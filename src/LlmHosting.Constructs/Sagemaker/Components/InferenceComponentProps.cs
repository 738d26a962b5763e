using Amazon.CDK;
using LlmHosting.Constructs.Sagemaker.Deployment;

namespace LlmHosting.Constructs.Sagemaker.Components;

/// <summary>
/// A model to host as an inference component, for <see cref="InferenceComponentEndpoint.AddComponent"/>: the serving
/// options, the share of an instance each copy takes, and how the copies scale and update.
/// <see cref="InferenceComponentProps"/> adds the endpoint, for creating an <see cref="InferenceComponent"/> directly.
/// </summary>
public partial class InferenceComponentOptions : VllmServingOptions
{
    /// <summary>
    /// Physical name of the component: 1-63 letters, digits or hyphens. It appears in the invocation URL, the
    /// autoscaling resource id, the metrics' dimension and the alarm names. Default: a name derived from the construct path.
    /// </summary>
    public string? InferenceComponentName { get; init; }

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
    /// Copies created with the component, and the copy count of the template: every update of the component sets the copy
    /// count back to it (the template's <c>RuntimeConfig.CopyCount</c>), after which autoscaling adds copies again on
    /// load. At least 1 (SageMaker cannot create a component with none). Default: the larger of 1 and
    /// <see cref="MinCopyCount"/>, the copies that must run anyway.
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
    /// (<c>SageMakerInferenceComponentInvocationsPerCopy</c>). Default: <see cref="ServingDefaults.TargetInvocations"/>.
    /// </summary>
    public double? TargetInvocationsPerCopy { get; init; }

    /// <summary>
    /// How long target tracking waits after removing a copy before removing another; an idle component reaches
    /// zero copies after about this long plus the 15 minutes of low traffic target tracking needs.
    /// Default: <see cref="ServingDefaults.ScaleInCooldown"/> (15 minutes).
    /// </summary>
    public Duration? ScaleInCooldown { get; init; }

    /// <summary>
    /// How long a scale-out waits before the next one, for target tracking and for the scale-out-from-zero action. It
    /// should cover a cold start (instance launch, weights download, vLLM start-up) so that retries during start-up do
    /// not add copies. Default: <see cref="ServingDefaults.ComponentScaleOutCooldown"/> (10 minutes).
    /// </summary>
    public Duration? ScaleOutCooldown { get; init; }

    /// <summary>
    /// How SageMaker rolls out a new specification of the component. Default: <see cref="ComponentDeploymentPolicy.Default"/>,
    /// rolling in batches of 50% of the copies, each baked 10 minutes and rolled back when a rollback alarm fires.
    /// </summary>
    public ComponentDeploymentPolicy? DeploymentPolicy { get; init; }
}

/// <summary>Properties of an <see cref="InferenceComponent"/>: the options and the endpoint it belongs to.</summary>
public sealed class InferenceComponentProps : InferenceComponentOptions
{
    /// <summary>The endpoint that hosts the component.</summary>
    public required InferenceComponentEndpoint Endpoint { get; init; }
}
