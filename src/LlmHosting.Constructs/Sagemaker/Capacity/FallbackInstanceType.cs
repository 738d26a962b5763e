namespace LlmHosting.Constructs.Sagemaker.Capacity;

/// <summary>
/// An instance type SageMaker may use when the preferred one has no capacity: one entry of the production variant's
/// <c>InstancePools</c>, tried in the order given after the primary instance type (SageMaker developer guide, "Deploy to
/// multiple instance types with instance pools": priority 1 first, then the next pool on an insufficient-capacity error,
/// at creation, scale-out and scale-in; at most 5 pools in all, botocore <c>InstancePoolList</c> max 5). The model must
/// fit every type: the same checks as the primary type run on each.
/// </summary>
public sealed class FallbackInstanceType
{
    private FallbackInstanceType(GpuInstanceType instanceType, int? tensorParallelSize)
    {
        InstanceType = instanceType;
        TensorParallelSize = tensorParallelSize;
    }

    /// <summary>The instance type.</summary>
    public GpuInstanceType InstanceType { get; }

    /// <summary>
    /// Tensor parallel size on this type, for a single-model endpoint whose model needs another value here than on the
    /// primary type. SageMaker then runs a model of its own on this type's instances (<c>InstancePool.ModelNameOverride</c>).
    /// Default: the model's <see cref="VllmSettings.TensorParallelSize"/> when set, otherwise every GPU of this type.
    /// </summary>
    public int? TensorParallelSize { get; }

    /// <summary>A fallback of <paramref name="instanceType"/>.</summary>
    /// <param name="instanceType">The instance type.</param>
    /// <param name="tensorParallelSize">Tensor parallel size on this type; see <see cref="TensorParallelSize"/>.</param>
    public static FallbackInstanceType Of(GpuInstanceType instanceType, int? tensorParallelSize = null)
        => new(instanceType ?? throw new ArgumentNullException(nameof(instanceType)), tensorParallelSize);

    /// <inheritdoc />
    public override string ToString() => InstanceType.Name;
}
