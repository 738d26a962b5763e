using LlmHosting.Constructs.Sagemaker;
using LlmHosting.Constructs.Storage;

namespace LlmHosting.App.Configuration;

/// <summary>
/// One SageMaker vLLM endpoint of an environment (<c>endpoints[i]</c>). Its physical name is
/// <c>&lt;namePrefix&gt;-&lt;name&gt;</c>. The construct checks the instance counts and the vLLM settings; its problems are
/// reported with the keys of this entry (<see cref="KeysAt"/>).
/// </summary>
public sealed partial record EndpointConfig : ServedModelConfig
{
    /// <summary>SageMaker GPU instance type of the catalog, for example <c>ml.g6e.xlarge</c>.</summary>
    public string InstanceType { get; init; } = "";

    /// <summary>Instances at creation and the floor of autoscaling, at least 1. Default: 1.</summary>
    public int MinInstances { get; init; } = 1;

    /// <summary>Ceiling of autoscaling on invocations per instance. Default: <see cref="MinInstances"/>.</summary>
    public int? MaxInstances { get; init; }

    /// <summary>
    /// Host AMI of the instances (<c>al2023-ami-sagemaker-inference-gpu-4-1</c>...). Default: the oldest AMI whose NVIDIA
    /// driver runs the image's CUDA version.
    /// </summary>
    public string? InferenceAmiVersion { get; init; }

    /// <summary>vLLM settings. Default: the construct's defaults for the model and instance.</summary>
    public VllmConfig Vllm { get; init; } = new();

    /// <summary>The endpoint's physical name: <c>&lt;namePrefix&gt;-&lt;name&gt;</c>.</summary>
    internal string EndpointNameIn(string namePrefix) => $"{namePrefix}-{Name}";

    /// <summary>The model, once validated.</summary>
    internal KnownModel KnownModel => ResolveModel(Vllm.ToolCallParser, Vllm.ReasoningParser);

    internal void Validate(ICollection<string> problems, string path, string namePrefix)
    {
        ValidateServedModel(problems, path, namePrefix, "endpoint", (Vllm.ToolCallParser, Vllm.ReasoningParser, $"{path}.vllm"));
        ConfigNames.ValidateInstanceType(problems, $"{path}.instanceType", InstanceType, "ml.g6e.xlarge");
        ConfigNames.ValidateInferenceAmiVersion(problems, $"{path}.inferenceAmiVersion", InferenceAmiVersion);
        if (Vllm.ImageTag is { } tag)
        {
            ConfigNames.Check(problems, $"{path}.vllm.imageTag", () => VllmImage.FromDlcTag(tag));
        }

        ValidateCapacity(problems, path);
        Vllm.SpeculativeDecoding?.Validate(problems, $"{path}.vllm.speculativeDecoding");
    }

    /// <summary>The props of the endpoint's construct, from this validated entry.</summary>
    /// <param name="namePrefix">The environment's name prefix.</param>
    /// <param name="bucket">The environment's model bucket.</param>
    /// <param name="productionLike">Whether the environment is production-like: Hugging Face sources must be pinned.</param>
    /// <param name="network">The environment's VPC and subnets, or null.</param>
    /// <param name="rollbackAlarms">Alarms of the app that roll the endpoint's updates back, or null.</param>
    internal VllmEndpointProps ToProps(string namePrefix, IModelBucket bucket, bool productionLike, ServingNetworkPlacement? network = null, Amazon.CDK.AWS.CloudWatch.IAlarm[]? rollbackAlarms = null) => new()
    {
        RollbackAlarms = rollbackAlarms,
        RequirePinnedRevision = productionLike,
        EndpointName = EndpointNameIn(namePrefix),
        Model = KnownModel,
        Source = SourceIn(bucket),
        InstanceType = GpuInstanceType.FromName(InstanceType),
        Image = Vllm.ImageTag is { } tag ? VllmImage.FromDlcTag(tag) : null,
        InferenceAmiVersion = ConfigNames.InferenceAmiVersionOf(InferenceAmiVersion),
        Vllm = Vllm.ToSettings(),
        MinInstanceCount = MinInstances,
        MaxInstanceCount = MaxInstances,
        FallbackInstanceTypes = FallbackInstanceTypes?.Select(f => f.ToFallback()).ToArray(),
        InstanceProvisionTimeout = InstanceProvisionTimeoutSeconds is { } seconds ? Amazon.CDK.Duration.Seconds(seconds) : null,
        CapacityReservation = CapacityReservation?.ToReservation(),
        Scaling = Scaling?.ToSignal(),
        ScaleInCooldown = Scaling?.ScaleInCooldown,
        ScaleOutCooldown = Scaling?.ScaleOutCooldown,
        Vpc = network?.Vpc,
        VpcSubnets = network?.Subnets,
    };

    /// <summary>Where each of <see cref="ToProps"/>'s props comes from, for messages.</summary>
    /// <param name="path">JSON path of this entry, for example <c>endpoints[0]</c>.</param>
    internal PropsKeys KeysAt(string path) => new(path,
    [
        .. ServedModelKeys(path),
        .. VllmConfig.KeysAt($"{path}.vllm"),
        new(nameof(VllmEndpointProps.EndpointName), $"{path}.name"),
        new(nameof(VllmEndpointProps.InstanceType), $"{path}.instanceType"),
        new(nameof(VllmEndpointProps.InferenceAmiVersion), $"{path}.inferenceAmiVersion"),
        new(nameof(VllmEndpointProps.MinInstanceCount), $"{path}.minInstances"),
        new(nameof(VllmEndpointProps.MaxInstanceCount), $"{path}.maxInstances"),
        .. CapacityKeysAt(path),
    ]);
}

/// <summary>vLLM settings of an endpoint (<c>endpoints[i].vllm</c>); each maps onto a <see cref="VllmSettings"/> member.</summary>
public sealed record VllmConfig
{
    /// <inheritdoc cref="VllmSettings.TensorParallelSize"/>
    public int? TensorParallelSize { get; init; }

    /// <inheritdoc cref="VllmSettings.MaxModelLength"/>
    public int? MaxModelLength { get; init; }

    /// <inheritdoc cref="VllmSettings.MaxNumSeqs"/>
    public int? MaxNumSeqs { get; init; }

    /// <inheritdoc cref="VllmSettings.GpuMemoryUtilization"/>
    public double? GpuMemoryUtilization { get; init; }

    /// <inheritdoc cref="VllmSettings.EnableToolCalling"/>
    public bool? EnableToolCalling { get; init; }

    /// <inheritdoc cref="VllmSettings.ToolCallParser"/>
    public string? ToolCallParser { get; init; }

    /// <inheritdoc cref="VllmSettings.ReasoningParser"/>
    public string? ReasoningParser { get; init; }

    /// <summary>Tag of the vLLM DLC image. Default: the construct's pinned tag (<see cref="VllmImage.DefaultDlcTag"/>).</summary>
    public string? ImageTag { get; init; }

    /// <inheritdoc cref="VllmSettings.ExtraFlags"/>
    public Dictionary<string, string?>? ExtraFlags { get; init; }

    /// <summary>Speculative decoding (vLLM <c>--speculative-config</c>). Default: none.</summary>
    public SpeculativeDecodingConfig? SpeculativeDecoding { get; init; }

    /// <summary>The construct settings.</summary>
    internal VllmSettings ToSettings() => new()
    {
        TensorParallelSize = TensorParallelSize,
        MaxModelLength = MaxModelLength,
        MaxNumSeqs = MaxNumSeqs,
        GpuMemoryUtilization = GpuMemoryUtilization,
        EnableToolCalling = EnableToolCalling,
        ToolCallParser = ToolCallParser,
        ReasoningParser = ReasoningParser,
        ExtraFlags = ExtraFlags,
        SpeculativeDecoding = SpeculativeDecoding?.ToSettings(),
    };

    /// <summary>Where each setting of <see cref="ToSettings"/> comes from: props paths <c>Vllm.X</c> and, for the image, <c>Image</c>.</summary>
    /// <param name="path">JSON path of this section, for example <c>endpoints[0].vllm</c>.</param>
    internal static IEnumerable<KeyValuePair<string, string>> KeysAt(string path) =>
    [
        new(nameof(VllmServingOptions.Image), $"{path}.imageTag"),
        Setting(path, nameof(VllmSettings.TensorParallelSize)),
        Setting(path, nameof(VllmSettings.MaxModelLength)),
        Setting(path, nameof(VllmSettings.MaxNumSeqs)),
        Setting(path, nameof(VllmSettings.GpuMemoryUtilization)),
        Setting(path, nameof(VllmSettings.EnableToolCalling)),
        Setting(path, nameof(VllmSettings.ToolCallParser)),
        Setting(path, nameof(VllmSettings.ReasoningParser)),
        Setting(path, nameof(VllmSettings.ExtraFlags)),
        .. SpeculativeDecodingConfig.KeysAt($"{path}.speculativeDecoding"),
    ];

    private static KeyValuePair<string, string> Setting(string path, string member)
        => new($"{nameof(VllmServingOptions.Vllm)}.{member}", $"{path}.{char.ToLowerInvariant(member[0])}{member[1..]}");
}
