using Amazon.CDK;
using LlmHosting.Constructs.Sagemaker;
using LlmHosting.Constructs.Sagemaker.Capacity;
using LlmHosting.Constructs.Sagemaker.Scaling;

namespace LlmHosting.App.Configuration;

/// <summary>A fallback instance type of an endpoint (<c>fallbackInstanceTypes[i]</c>), tried in list order when the primary type has no capacity.</summary>
public sealed record FallbackInstanceTypeConfig
{
    /// <summary>SageMaker GPU instance type of the catalog, for example <c>ml.p5e.48xlarge</c>.</summary>
    public string InstanceType { get; init; } = "";

    /// <summary>Tensor parallel size on this type (single-model endpoints only). Default: the model's, else every GPU of the type.</summary>
    public int? TensorParallelSize { get; init; }

    internal FallbackInstanceType ToFallback() => FallbackInstanceType.Of(GpuInstanceType.FromName(InstanceType), TensorParallelSize);
}

/// <summary>Reserved capacity (<c>capacityReservation</c>): an ML capacity reservation or training plan the instances launch into.</summary>
public sealed record CapacityReservationConfig
{
    /// <summary>ARN of the reservation: <c>arn:aws:sagemaker:&lt;region&gt;:&lt;account&gt;:ml-reservation/...</c> or <c>.../training-plan/...</c>.</summary>
    public string Arn { get; init; } = "";

    /// <summary>The reserved instance type, checked against the endpoint's. Default: not checked.</summary>
    public string? InstanceType { get; init; }

    /// <summary>Instances reserved, checked against the endpoint's maximum and its updates. Default: not checked.</summary>
    public int? InstanceCount { get; init; }

    internal CapacityReservation ToReservation() => new()
    {
        MlReservationArn = Arn,
        InstanceType = InstanceType is { } type ? GpuInstanceType.FromName(type) : null,
        InstanceCount = InstanceCount,
    };
}

/// <summary>What autoscaling tracks (<c>scaling</c>) and how fast it reacts.</summary>
public sealed record ScalingConfig
{
    /// <summary>The signals and their names in the file.</summary>
    internal static readonly string[] Signals = ["invocations", "concurrency"];

    /// <summary>
    /// <c>invocations</c> (requests per instance or copy per minute) or <c>concurrency</c> (requests in flight per model
    /// container or copy, high resolution). Default: <c>invocations</c>.
    /// </summary>
    public string Signal { get; init; } = "invocations";

    /// <summary>The target value. Default: 10 invocations per minute, or half of vLLM's maximum of concurrent sequences.</summary>
    public double? Target { get; init; }

    /// <summary>Seconds after a scale-in before the next one. Default: 900.</summary>
    public int? ScaleInCooldownSeconds { get; init; }

    /// <summary>Seconds after a scale-out before the next one. Default: 300 for an endpoint, 600 for a component.</summary>
    public int? ScaleOutCooldownSeconds { get; init; }

    internal void Validate(ICollection<string> problems, string path)
    {
        if (!Signals.Contains(Signal))
        {
            problems.Add($"{path}.signal '{Signal}' is not a scaling signal ({string.Join(" or ", Signals)})");
        }

        foreach (var (key, seconds) in new[] { ("scaleInCooldownSeconds", ScaleInCooldownSeconds), ("scaleOutCooldownSeconds", ScaleOutCooldownSeconds) })
        {
            if (seconds is < 0)
            {
                problems.Add($"{path}.{key} {seconds} must be at least 0");
            }
        }
    }

    internal ScalingSignal ToSignal() => Signal == "concurrency" ? ScalingSignal.ConcurrentRequests(Target) : ScalingSignal.Invocations(Target);

    internal Duration? ScaleInCooldown => ScaleInCooldownSeconds is { } s ? Duration.Seconds(s) : null;

    internal Duration? ScaleOutCooldown => ScaleOutCooldownSeconds is { } s ? Duration.Seconds(s) : null;

    /// <summary>Where the scaling props come from, for messages.</summary>
    internal static IEnumerable<KeyValuePair<string, string>> KeysAt(string path) =>
    [
        new("Scaling", path),
        new("Scaling.Target", $"{path}.target"),
        new("ScaleInCooldown", $"{path}.scaleInCooldownSeconds"),
        new("ScaleOutCooldown", $"{path}.scaleOutCooldownSeconds"),
    ];
}

/// <summary>The capacity settings an endpoint and the component endpoint share, and their messages' keys.</summary>
internal static class CapacitySettings
{
    /// <summary>Adds the problems of fallback types and a reserved type that are not in the catalog.</summary>
    internal static void Validate(ICollection<string> problems, string path, IReadOnlyList<FallbackInstanceTypeConfig>? fallbacks, CapacityReservationConfig? reservation)
    {
        for (var i = 0; i < (fallbacks?.Count ?? 0); i++)
        {
            ConfigNames.ValidateInstanceType(problems, $"{path}.fallbackInstanceTypes[{i}].instanceType", fallbacks![i].InstanceType, "ml.p5e.48xlarge");
        }

        if (reservation?.InstanceType is { } reserved)
        {
            ConfigNames.ValidateInstanceType(problems, $"{path}.capacityReservation.instanceType", reserved, "ml.p5.48xlarge");
        }
    }

    /// <summary>Where the capacity props come from, with the props paths under <paramref name="propsPrefix"/>.</summary>
    internal static IEnumerable<KeyValuePair<string, string>> KeysAt(string path, int fallbackCount, string propsPrefix = "")
    {
        yield return new(propsPrefix + "FallbackInstanceTypes", $"{path}.fallbackInstanceTypes");
        for (var i = 0; i < fallbackCount; i++)
        {
            yield return new($"{propsPrefix}FallbackInstanceTypes[{i}]", $"{path}.fallbackInstanceTypes[{i}].instanceType");
            yield return new($"{propsPrefix}FallbackInstanceTypes[{i}].TensorParallelSize", $"{path}.fallbackInstanceTypes[{i}].tensorParallelSize");
        }

        yield return new(propsPrefix + "InstanceProvisionTimeout", $"{path}.instanceProvisionTimeoutSeconds");
        yield return new(propsPrefix + "CapacityReservation", $"{path}.capacityReservation");
        yield return new(propsPrefix + "CapacityReservation.MlReservationArn", $"{path}.capacityReservation.arn");
        yield return new(propsPrefix + "CapacityReservation.InstanceType", $"{path}.capacityReservation.instanceType");
        yield return new(propsPrefix + "CapacityReservation.InstanceCount", $"{path}.capacityReservation.instanceCount");
    }
}
