namespace LlmHosting.Constructs.Sagemaker.Components;

/// <summary>
/// The default share of an instance a component's copy reserves: whole GPUs that hold the model, and the part of the
/// host's vCPUs and memory that goes with them. The packing check (<see cref="ComponentPacking"/>) then verifies that
/// the copies fit the endpoint's instances.
/// </summary>
internal static class ComponentSizing
{
    /// <summary>Share of the host's vCPUs and memory (per GPU) that a copy reserves by default.</summary>
    internal const double DefaultHostShare = 0.5;

    private static readonly int[] GpuSteps = [1, 2, 4, 8];

    /// <summary>
    /// The smallest of 1, 2, 4 or 8 GPUs (up to the instance's count) that holds the weights plus a minimal KV cache, or
    /// the tensor parallel size when it is set. When none does, the instance's GPU count, so that validation names the gap.
    /// </summary>
    internal static int DefaultGpus(KnownModel model, GpuInstanceType instance, VllmSettings? settings)
    {
        if (settings?.TensorParallelSize is { } tp)
        {
            return tp;
        }

        var utilization = settings?.GpuMemoryUtilization ?? VllmSettings.DefaultGpuMemoryUtilization;
        foreach (var gpus in GpuSteps.Where(g => g <= instance.GpuCount))
        {
            if (gpus * instance.GpuMemoryGiB * utilization - model.WeightMemoryGiB >= VllmModelDefinition.MinimumKvCacheGiB)
            {
                return gpus;
            }
        }

        return instance.GpuCount;
    }

    /// <summary><see cref="DefaultHostShare"/> of the vCPUs that go with <paramref name="gpus"/> GPUs, in quarter cores, at least 1.</summary>
    internal static double DefaultCpuCores(GpuInstanceType instance, int gpus)
        => Math.Max(1, Math.Floor(instance.VCpus * (double)Math.Clamp(gpus, 1, instance.GpuCount) / instance.GpuCount * DefaultHostShare * 4) / 4);

    /// <summary><see cref="DefaultHostShare"/> of the host memory that goes with <paramref name="gpus"/> GPUs, in MB.</summary>
    internal static int DefaultMemoryInMb(GpuInstanceType instance, int gpus)
        => Math.Max(1024, (int)Math.Floor(ComponentPacking.HostMemoryInMb(instance) * (double)Math.Clamp(gpus, 1, instance.GpuCount) / instance.GpuCount * DefaultHostShare));
}
