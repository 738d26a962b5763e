using System.Text.RegularExpressions;
using Amazon.CDK;
using Amazon.CDK.AWS.Sagemaker;
using Constructs;
using LlmHosting.Constructs.Sagemaker.Deployment;
using LlmHosting.Constructs.Validation;

namespace LlmHosting.Constructs.Sagemaker.Capacity;

/// <summary>
/// The capacity settings of a production variant, shared by the single-model and the inference component endpoint:
/// fallback instance types (<c>InstancePools</c>), the provisioning timeout and reserved capacity. It checks them, and writes
/// them into the endpoint configuration by property override (CDK 2.160's L1 has none of them). The property names and
/// shapes are those of CloudFormation's <c>AWS::SageMaker::EndpointConfig</c> schema as cfn-lint's schema update of
/// 2026-05-27 ships it (<c>InstancePools[]{InstanceType, Priority, ModelNameOverride}</c>,
/// <c>VariantInstanceProvisionTimeoutInSeconds</c>, <c>CapacityReservationConfig{CapacityReservationPreference,
/// MlReservationArn}</c>), which match botocore's <c>ProductionVariant</c>.
/// </summary>
internal sealed partial class VariantCapacity
{
    /// <summary>Most instance pools of a variant, the primary type included (botocore <c>InstancePoolList</c>, max 5).</summary>
    internal const int MaxPools = 5;

    /// <summary>Provisioning timeout range (botocore <c>VariantInstanceProvisionTimeoutInSeconds</c>, 300-3600).</summary>
    internal const int MinProvisionSeconds = 300;

    /// <summary>Provisioning timeout range (botocore <c>VariantInstanceProvisionTimeoutInSeconds</c>, 300-3600).</summary>
    internal const int MaxProvisionSeconds = 3600;

    /// <summary>Why cfn-lint's E3002 is silenced on an endpoint configuration that carries these properties.</summary>
    internal const string LintReason =
        "E3002 ignored: InstancePools and VariantInstanceProvisionTimeoutInSeconds are in CloudFormation's AWS::SageMaker::EndpointConfig schema (cfn-lint's schema update of 2026-05-27, CDK 2.268's L1), newer than the installed cfn-lint's; the library's tests check the shapes against that schema and botocore";

    internal VariantCapacity(GpuInstanceType primary, IReadOnlyList<FallbackInstanceType>? fallbacks, Duration? provisionTimeout, CapacityReservation? reservation)
    {
        Primary = primary;
        Fallbacks = fallbacks ?? [];
        ProvisionTimeout = provisionTimeout;
        Reservation = reservation;
    }

    internal GpuInstanceType Primary { get; }

    internal IReadOnlyList<FallbackInstanceType> Fallbacks { get; }

    internal Duration? ProvisionTimeout { get; }

    internal CapacityReservation? Reservation { get; }

    /// <summary>Every instance type the variant may run on, in priority order: the primary type first.</summary>
    internal IReadOnlyList<GpuInstanceType> InstanceTypes => [Primary, .. Fallbacks.Select(f => f.InstanceType)];

    /// <summary>
    /// What the variant runs on, as one string: the instance type, or the types of the pools in priority order joined by
    /// commas (the form the endpoint scaling handler reads from DescribeEndpointConfig).
    /// </summary>
    internal string Key => string.Join(",", InstanceTypes.Select(t => t.Name));

    /// <summary>
    /// The problems of the pools, the timeout and the reservation, for a variant that runs up to
    /// <paramref name="maxInstances"/> instances and rolls out updates with <paramref name="policy"/>.
    /// </summary>
    internal void AddProblems(PropsProblems problems, Construct scope, int maxInstances, EndpointDeploymentPolicy policy, int? volumeSizeInGb, string volumeProperty)
    {
        const string fallbacks = "FallbackInstanceTypes";
        if (Fallbacks.Count + 1 > MaxPools)
        {
            problems.Add(fallbacks, $"{Property.Ref(fallbacks)} lists {Fallbacks.Count} instance types; with the primary instance type that makes {Fallbacks.Count + 1} instance pools, and SageMaker accepts at most {MaxPools}");
        }

        var seen = new HashSet<string>(StringComparer.Ordinal) { Primary.Name };
        for (var i = 0; i < Fallbacks.Count; i++)
        {
            var name = Fallbacks[i].InstanceType.Name;
            if (!seen.Add(name))
            {
                problems.Add($"{fallbacks}[{i}]", $"{Property.Ref($"{fallbacks}[{i}]")} {name} is listed twice (the primary instance type included); each instance pool needs its own type");
            }

            if (volumeSizeInGb is not null && Fallbacks[i].InstanceType.HasLocalNvme)
            {
                problems.Add(volumeProperty, $"{Property.Ref(volumeProperty)} is set but fallback {name} keeps the model on local NVMe storage, where SageMaker does not accept a volume size; leave it unset or drop that fallback");
            }
        }

        if (ProvisionTimeout is { } timeout && !Tokens.IsUnresolved(timeout.ToString()))
        {
            var seconds = timeout.ToSeconds(new TimeConversionOptions { Integral = false });
            if (seconds < MinProvisionSeconds || seconds > MaxProvisionSeconds || seconds % 1 != 0)
            {
                problems.Add("InstanceProvisionTimeout", $"{Property.Ref("InstanceProvisionTimeout")} is {timeout.ToHumanString()}; SageMaker accepts whole seconds from {MinProvisionSeconds} to {MaxProvisionSeconds}");
            }
        }

        Reservation?.AddProblems(problems, "CapacityReservation", scope, Primary, Fallbacks.Count > 0, maxInstances, UpdateInstances(policy, maxInstances));
    }

    /// <summary>
    /// The problems of the model on the fallback at <paramref name="index"/>, as the model definition finds them for that
    /// type (GPU memory, tensor parallel size), named after the fallback.
    /// </summary>
    /// <param name="problems">Where to add them.</param>
    /// <param name="index">The fallback's index.</param>
    /// <param name="found">The model definition's problems on the fallback's type.</param>
    /// <param name="prefix">Where the fallbacks are, seen from the props that <paramref name="problems"/> collects (<c>Endpoint.</c> for a component).</param>
    internal void AddModelFitProblems(PropsProblems problems, int index, IEnumerable<PropsProblem> found, string prefix = "")
    {
        var entry = $"{prefix}FallbackInstanceTypes[{index}]";
        var fallback = Fallbacks[index];
        foreach (var problem in found.Where(p => p.Property is "InstanceType" or "Vllm.TensorParallelSize" or "Gpus"))
        {
            var message = problem.Message
                .Replace($"choose an {Property.Ref("InstanceType")} with more GPU memory", $"remove {Property.Ref(entry)} or choose a type with more GPU memory", StringComparison.Ordinal)
                .Replace(Property.Ref("InstanceType"), Property.Ref(entry), StringComparison.Ordinal);
            if (fallback.TensorParallelSize is not null)
            {
                message = message.Replace(Property.Ref("Vllm.TensorParallelSize"), Property.Ref($"{entry}.TensorParallelSize"), StringComparison.Ordinal);
            }

            problems.Add(entry, $"fallback {fallback.InstanceType.Name}: {message}");
        }
    }

    /// <summary>
    /// Writes the pools, the timeout and the reservation into variant 0 of <paramref name="config"/>; the pool of fallback
    /// <c>i</c> runs <paramref name="modelNameOverride"/>(i) when that is not null.
    /// </summary>
    internal void Write(CfnEndpointConfig config, Func<int, string?> modelNameOverride)
    {
        const string variant = "ProductionVariants.0.";
        if (Fallbacks.Count > 0)
        {
            // Instance pools replace InstanceType (SageMaker guide, "Deploy to multiple instance types with instance pools").
            config.AddPropertyDeletionOverride(variant + "InstanceType");
            var pools = new List<object> { Pool(Primary, 1, null) };
            pools.AddRange(Fallbacks.Select((f, i) => (object)Pool(f.InstanceType, i + 2, modelNameOverride(i))));
            config.AddPropertyOverride(variant + "InstancePools", pools.ToArray());
        }

        if (ProvisionTimeout is { } timeout)
        {
            config.AddPropertyOverride(variant + "VariantInstanceProvisionTimeoutInSeconds", timeout.ToSeconds());
        }

        if (Fallbacks.Count > 0 || ProvisionTimeout is not null)
        {
            CfnLint.Ignore(config, LintReason, "E3002");
        }

        if (Reservation is { } reservation)
        {
            config.AddPropertyOverride(variant + "CapacityReservationConfig", reservation.Render());
        }
    }

    /// <summary>
    /// The most instances an update runs at once: a blue/green deployment builds a whole second fleet, a rolling one adds
    /// one batch (SageMaker guide, "Deployment guardrails").
    /// </summary>
    internal static int UpdateInstances(EndpointDeploymentPolicy policy, int instances)
    {
        if (policy.IsBlueGreen)
        {
            return 2 * instances;
        }

        var batch = policy.Step is { IsPercent: true } percent ? (int)Math.Ceiling(instances * percent.Value / 100.0) : policy.Step?.Value ?? instances;
        return instances + Math.Max(1, batch);
    }

    /// <summary>A construct id from an instance type name: <c>ml.g6e.xlarge</c> becomes <c>MlG6eXlarge</c>.</summary>
    internal static string IdOf(string name)
        => string.Concat(NonAlphanumeric().Split(name).Where(p => p.Length > 0).Select(p => char.ToUpperInvariant(p[0]) + p[1..]));

    private static Dictionary<string, object> Pool(GpuInstanceType type, int priority, string? modelName)
    {
        var pool = new Dictionary<string, object> { ["InstanceType"] = type.Name, ["Priority"] = priority };
        if (modelName is not null)
        {
            pool["ModelNameOverride"] = modelName;
        }

        return pool;
    }

    [GeneratedRegex("[^A-Za-z0-9]+")]
    private static partial Regex NonAlphanumeric();
}
