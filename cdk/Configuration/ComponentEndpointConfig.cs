using LlmHosting.Constructs.Sagemaker;

namespace LlmHosting.App.Configuration;

/// <summary>
/// An endpoint that hosts several models as inference components (<c>componentEndpoint</c>), each scaling its copies
/// on its own. Its physical name is <c>&lt;namePrefix&gt;-&lt;name&gt;</c>; a component's is
/// <c>&lt;namePrefix&gt;-&lt;name&gt;-&lt;component name&gt;</c>.
/// </summary>
public sealed record ComponentEndpointConfig
{
    private const string Path = "componentEndpoint";

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

    /// <summary>The catalog instance type, once validated.</summary>
    internal GpuInstanceType GpuInstanceType => GpuInstanceType.FromName(InstanceType);

    internal void Validate(ICollection<string> problems, string namePrefix)
    {
        if (!ConfigNames.ShortName.IsMatch(Name))
        {
            problems.Add(Name.Length == 0 ? $"{Path}.name is missing" : $"{Path}.name '{Name}' must be lower-case letters and digits, words joined by single hyphens");
        }

        ConfigNames.ValidateInstanceType(problems, $"{Path}.instanceType", InstanceType, "ml.g6e.12xlarge");
        ConfigNames.ValidateInferenceAmiVersion(problems, $"{Path}.inferenceAmiVersion", InferenceAmiVersion);

        if (MinInstances < 0)
        {
            problems.Add($"{Path}.minInstances {MinInstances} must be at least 0");
        }

        if (MaxInstances is { } max && (max < 1 || max < MinInstances))
        {
            problems.Add($"{Path}.maxInstances {max} must be at least 1 and at least minInstances {MinInstances}");
        }

        if (Components.Count == 0)
        {
            problems.Add($"{Path}.components is empty: add at least one model");
        }

        for (var i = 0; i < Components.Count; i++)
        {
            Components[i].Validate(problems, $"{Path}.components[{i}]", $"{namePrefix}-{Name}");
        }

        foreach (var duplicate in Components.GroupBy(c => c.Name).Where(g => g.Key.Length > 0 && g.Count() > 1))
        {
            problems.Add($"{Path}.components: the name '{duplicate.Key}' is used {duplicate.Count()} times");
        }
    }
}

/// <summary>One model of a <see cref="ComponentEndpointConfig"/> (<c>componentEndpoint.components[i]</c>).</summary>
public sealed record ComponentConfig : ServedModelConfig
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

    /// <summary>Longest context in tokens (vLLM <c>--max-model-len</c>). Default: the model's maximum.</summary>
    public int? MaxModelLength { get; init; }

    /// <summary>The model, once validated.</summary>
    internal KnownModel KnownModel => ResolveModel();

    internal void Validate(ICollection<string> problems, string path, string endpointName)
    {
        ValidateServedModel(problems, path, endpointName, "component");

        if (Gpus is < 1)
        {
            problems.Add($"{path}.gpus {Gpus} must be at least 1");
        }

        if (MinCopies < 0)
        {
            problems.Add($"{path}.minCopies {MinCopies} must be at least 0");
        }

        if (MaxCopies is { } max && (max < 1 || max < MinCopies))
        {
            problems.Add($"{path}.maxCopies {max} must be at least 1 and at least minCopies {MinCopies}");
        }

        if (MaxModelLength is < 1)
        {
            problems.Add($"{path}.maxModelLength {MaxModelLength} must be at least 1");
        }
    }
}
