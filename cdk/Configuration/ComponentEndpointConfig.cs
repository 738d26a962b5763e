using LlmHosting.Constructs.Sagemaker;
using LlmHosting.Constructs.Sagemaker.Components;
using LlmHosting.Constructs.Storage;

namespace LlmHosting.App.Configuration;

/// <summary>
/// An endpoint that hosts several models as inference components (<c>componentEndpoint</c>), each scaling its copies
/// on its own. Its physical name is <c>&lt;namePrefix&gt;-&lt;name&gt;</c>; a component's is
/// <c>&lt;namePrefix&gt;-&lt;name&gt;-&lt;component name&gt;</c>. The constructs check the instance and copy counts and
/// whether the copies fit; their problems are reported with the keys of this section.
/// </summary>
public sealed partial record ComponentEndpointConfig
{
    internal const string Path = "componentEndpoint";

    /// <summary>Short name: lower-case letters and digits, words joined by single hyphens, for example <c>shared</c>.</summary>
    public string Name { get; init; } = "";

    /// <summary>SageMaker GPU instance type of the catalog, for example <c>ml.g6e.12xlarge</c> (4 GPUs).</summary>
    public string InstanceType { get; init; } = "";

    /// <summary>Fewest instances; 0 lets the endpoint scale to zero (no GPU cost when idle). Default: 0.</summary>
    public int MinInstances { get; init; }

    /// <summary>Most instances, which the minimum copies of every component must fit. Default: the larger of 1 and <see cref="MinInstances"/>.</summary>
    public int? MaxInstances { get; init; }

    /// <summary>
    /// Host AMI of the instances (<c>al2023-ami-sagemaker-inference-gpu-4-1</c>...). Default: the oldest AMI whose NVIDIA
    /// driver runs the components' images.
    /// </summary>
    public string? InferenceAmiVersion { get; init; }

    /// <summary>The models, one inference component each.</summary>
    public List<ComponentConfig> Components { get; init; } = [];

    /// <summary>LoRA adapters, each an adapter inference component on one of <see cref="Components"/>. Default: none.</summary>
    public List<AdapterComponentConfig> Adapters { get; init; } = [];

    /// <summary>The endpoint's physical name: <c>&lt;namePrefix&gt;-&lt;name&gt;</c>.</summary>
    internal string EndpointNameIn(string namePrefix) => $"{namePrefix}-{Name}";

    internal void Validate(ICollection<string> problems, string namePrefix)
    {
        ConfigNames.ValidateName(problems, Path, Name, namePrefix, "endpoint");
        ConfigNames.ValidateInstanceType(problems, $"{Path}.instanceType", InstanceType, "ml.g6e.12xlarge");
        ConfigNames.ValidateInferenceAmiVersion(problems, $"{Path}.inferenceAmiVersion", InferenceAmiVersion);
        CapacitySettings.Validate(problems, Path, FallbackInstanceTypes, CapacityReservation);

        if (Components.Count == 0)
        {
            problems.Add($"{Path}.components is empty: add at least one model");
        }

        for (var i = 0; i < Components.Count; i++)
        {
            Components[i].Validate(problems, $"{Path}.components[{i}]", EndpointNameIn(namePrefix));
        }

        for (var i = 0; i < Adapters.Count; i++)
        {
            Adapters[i].Validate(problems, $"{AdapterComponentConfig.Path}[{i}]", this, EndpointNameIn(namePrefix));
        }
    }

    /// <summary>The props of the endpoint's construct, from this validated section.</summary>
    /// <param name="namePrefix">The environment's name prefix.</param>
    /// <param name="network">The environment's VPC and subnets, or null.</param>
    internal InferenceComponentEndpointProps ToProps(string namePrefix, ServingNetworkPlacement? network = null) => new()
    {
        EndpointName = EndpointNameIn(namePrefix),
        InstanceType = GpuInstanceType.FromName(InstanceType),
        InferenceAmiVersion = ConfigNames.InferenceAmiVersionOf(InferenceAmiVersion),
        MinInstanceCount = MinInstances,
        MaxInstanceCount = MaxInstances,
        FallbackInstanceTypes = FallbackInstanceTypes?.Select(f => f.ToFallback()).ToArray(),
        InstanceProvisionTimeout = InstanceProvisionTimeoutSeconds is { } seconds ? Amazon.CDK.Duration.Seconds(seconds) : null,
        CapacityReservation = CapacityReservation?.ToReservation(),
        Vpc = network?.Vpc,
        VpcSubnets = network?.Subnets,
    };

    /// <summary>Where the endpoint's props come from, for messages.</summary>
    internal static PropsKeys Keys { get; } = new(Path, EndpointKeys(""));

    /// <summary>The JSON paths of the endpoint's props, with the props paths under <paramref name="propsPrefix"/>.</summary>
    internal static IEnumerable<KeyValuePair<string, string>> EndpointKeys(string propsPrefix) =>
    [
        new(propsPrefix + nameof(InferenceComponentEndpointProps.EndpointName), $"{Path}.name"),
        new(propsPrefix + nameof(InferenceComponentEndpointProps.InstanceType), $"{Path}.instanceType"),
        new(propsPrefix + nameof(InferenceComponentEndpointProps.InferenceAmiVersion), $"{Path}.inferenceAmiVersion"),
        new(propsPrefix + nameof(InferenceComponentEndpointProps.MinInstanceCount), $"{Path}.minInstances"),
        new(propsPrefix + nameof(InferenceComponentEndpointProps.MaxInstanceCount), $"{Path}.maxInstances"),
        .. CapacityKeys(propsPrefix),
    ];
}

/// <summary>One model of a <see cref="ComponentEndpointConfig"/> (<c>componentEndpoint.components[i]</c>).</summary>
public sealed partial record ComponentConfig : ServedModelConfig
{
    /// <summary>GPUs per copy. Default: the fewest that hold the weights.</summary>
    public int? Gpus { get; init; }

    /// <summary>CPU cores per copy. Default: half the vCPUs that go with the copy's GPUs.</summary>
    public double? CpuCores { get; init; }

    /// <summary>Host memory per copy in MB. Default: half the host memory that goes with the copy's GPUs.</summary>
    public int? MemoryInMb { get; init; }

    /// <summary>Fewest copies; 0 lets the model scale to zero when idle. Default: 0.</summary>
    public int MinCopies { get; init; }

    /// <summary>Most copies. Default: the larger of 1 and <see cref="MinCopies"/>.</summary>
    public int? MaxCopies { get; init; }

    /// <summary>Longest context in tokens (vLLM <c>--max-model-len</c>), at most the model's. Default: the model's maximum.</summary>
    public int? MaxModelLength { get; init; }

    /// <summary>Serve LoRA adapters (<c>componentEndpoint.adapters</c> naming this component need it). Default: none.</summary>
    public LoraConfig? Lora { get; init; }

    /// <summary>Speculative decoding. Default: none.</summary>
    public SpeculativeDecodingConfig? SpeculativeDecoding { get; init; }

    /// <summary>The component's physical name: <c>&lt;endpoint name&gt;-&lt;name&gt;</c>.</summary>
    internal string ComponentNameIn(string endpointName) => $"{endpointName}-{Name}";

    /// <summary>The model, once validated.</summary>
    internal KnownModel KnownModel => ResolveModel();

    internal void Validate(ICollection<string> problems, string path, string endpointName)
    {
        ValidateServedModel(problems, path, endpointName, "component");
        ValidateScaling(problems, path);
        SpeculativeDecoding?.Validate(problems, $"{path}.speculativeDecoding");
    }

    /// <summary>The options of the component's construct, from this validated entry.</summary>
    /// <param name="endpointName">The physical name of the component endpoint.</param>
    /// <param name="bucket">The environment's model bucket.</param>
    /// <param name="productionLike">Whether the environment is production-like: Hugging Face sources must be pinned.</param>
    /// <param name="rollbackAlarms">Alarms of the app that roll the component's updates back, or null.</param>
    internal InferenceComponentOptions ToOptions(string endpointName, IModelBucket bucket, bool productionLike, Amazon.CDK.AWS.CloudWatch.IAlarm[]? rollbackAlarms = null) => new()
    {
        RollbackAlarms = rollbackAlarms,
        RequirePinnedRevision = productionLike,
        InferenceComponentName = ComponentNameIn(endpointName),
        Model = KnownModel,
        Source = SourceIn(bucket),
        Vllm = new VllmSettings { MaxModelLength = MaxModelLength, Lora = Lora?.ToSettings(), SpeculativeDecoding = SpeculativeDecoding?.ToSettings() },
        Gpus = Gpus,
        CpuCores = CpuCores,
        MemoryInMb = MemoryInMb,
        MinCopyCount = MinCopies,
        MaxCopyCount = MaxCopies,
        Scaling = Scaling?.ToSignal(),
        ScaleInCooldown = Scaling?.ScaleInCooldown,
        ScaleOutCooldown = Scaling?.ScaleOutCooldown,
        WarmWindows = WarmWindows?.Select(w => w.ToWindow()).ToArray(),
        CacheModelData = CacheModelData,
        Placement = Placement?.ToPlacement(),
    };

    /// <summary>Where the component's options come from, for messages; the endpoint's settings are named by their full path.</summary>
    /// <param name="path">JSON path of this entry, for example <c>componentEndpoint.components[1]</c>.</param>
    internal PropsKeys KeysAt(string path) => new(
        path,
        [
            .. ServedModelKeys(path),
            .. ComponentEndpointConfig.EndpointKeys("Endpoint."),
            new(nameof(InferenceComponentOptions.InferenceComponentName), $"{path}.name"),
            new($"{nameof(InferenceComponentOptions.Vllm)}.{nameof(VllmSettings.MaxModelLength)}", $"{path}.maxModelLength"),
            .. LoraConfig.KeysAt($"{path}.lora"),
            .. SpeculativeDecodingConfig.KeysAt($"{path}.speculativeDecoding"),
            new(nameof(InferenceComponentOptions.Gpus), $"{path}.gpus"),
            new(nameof(InferenceComponentOptions.CpuCores), $"{path}.cpuCores"),
            new(nameof(InferenceComponentOptions.MemoryInMb), $"{path}.memoryInMb"),
            new(nameof(InferenceComponentOptions.MinCopyCount), $"{path}.minCopies"),
            new(nameof(InferenceComponentOptions.MaxCopyCount), $"{path}.maxCopies"),
            .. ScalingKeysAt(path),
        ],
        // Stand-in: the packing check still names the endpoint's props in plain text (see LibraryMessages).
        plainWords: new Dictionary<string, string>
        {
            [nameof(InferenceComponentEndpointProps.MaxInstanceCount)] = $"{ComponentEndpointConfig.Path}.maxInstances",
            ["larger instance type"] = $"larger {ComponentEndpointConfig.Path}.instanceType",
            ["minimum or initial copy counts"] = "minCopies",
        });
}
