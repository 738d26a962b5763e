using LlmHosting.Constructs.Sagemaker.Scaling;

namespace LlmHosting.Constructs.Sagemaker.Components;

/// <summary>The scaling and start-up options of an inference component.</summary>
public partial class InferenceComponentOptions
{
    /// <summary>
    /// What target tracking scales the copies on. Default: <see cref="ScalingSignal.Invocations"/> with
    /// <see cref="TargetInvocationsPerCopy"/>.
    /// </summary>
    public ScalingSignal? Scaling { get; init; }

    /// <summary>
    /// Hours during which at least a number of copies runs, so that the first request of the day finds the model loaded,
    /// while outside them the component scales down to <see cref="MinCopyCount"/> (to zero, when that is 0). Default: none.
    /// </summary>
    public WarmWindow[]? WarmWindows { get; init; }

    /// <summary>
    /// Cache the model artifacts and the container image on each instance SageMaker provisions for the component, so that
    /// copies added by autoscaling start without downloading them again (<c>DataCacheConfig.EnableCaching</c>, botocore
    /// <c>InferenceComponentDataCacheConfig</c>). It shortens the start of a copy on an instance that already ran one; a
    /// cold start on a new instance still downloads. Default: SageMaker's (no caching).
    /// </summary>
    public bool? CacheModelData { get; init; }

    /// <summary>How SageMaker places the copies on the instances (<c>SchedulingConfig</c>). Default: SageMaker's placement.</summary>
    public CopyPlacement? Placement { get; init; }
}
