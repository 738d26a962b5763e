using System.Globalization;
using System.Text.RegularExpressions;
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

    internal static readonly Regex NamePattern = new("^[a-z0-9]+(-[a-z0-9]+)*$", RegexOptions.CultureInvariant);

    /// <summary>Short name: lower-case letters and digits, words joined by single hyphens, for example <c>shared</c>.</summary>
    public string Name { get; init; } = "";

    /// <summary>SageMaker GPU instance type of the catalog, for example <c>ml.g6e.12xlarge</c> (4 GPUs).</summary>
    public string InstanceType { get; init; } = "";

    /// <summary>Fewest instances; 0 lets the endpoint scale to zero (no GPU cost when idle). Default: 0.</summary>
    public int MinInstances { get; init; }

    /// <summary>Most instances, which the minimum copies of every component must fit. Default: the larger of 1 and <see cref="MinInstances"/>.</summary>
    public int? MaxInstances { get; init; }

    /// <summary>The models, one inference component each.</summary>
    public List<ComponentConfig> Components { get; init; } = [];

    /// <summary>The catalog instance type, once validated.</summary>
    internal GpuInstanceType GpuInstanceType => GpuInstanceType.FromName(InstanceType);

    internal void Validate(ICollection<string> problems, string namePrefix)
    {
        if (!NamePattern.IsMatch(Name))
        {
            problems.Add(Name.Length == 0 ? $"{Path}.name is missing" : $"{Path}.name '{Name}' must be lower-case letters and digits, words joined by single hyphens");
        }

        if (GpuInstanceType.TryFromName(InstanceType) is null)
        {
            problems.Add(InstanceType.Length == 0
                ? $"{Path}.instanceType is missing (for example ml.g6e.12xlarge)"
                : $"{Path}.instanceType '{InstanceType}' is not a GPU instance type of the catalog ({string.Join(", ", GpuInstanceType.All.Select(t => t.Name))})");
        }

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
public sealed record ComponentConfig
{
    /// <summary>Short name: lower-case letters and digits, words joined by single hyphens, for example <c>qwen3-4b</c>.</summary>
    public string Name { get; init; } = "";

    /// <summary>A model of the catalog (<c>gpt-oss-20b</c>, <c>gpt-oss-120b</c>, <c>Qwen3-4B</c>), or another name with <see cref="WeightMemoryGiB"/>.</summary>
    public string Model { get; init; } = "";

    /// <summary>GPU memory of the weights in GiB, for models outside the catalog. Default: the catalog's figure.</summary>
    public double? WeightMemoryGiB { get; init; }

    /// <summary>Folder of the environment's model bucket holding the uncompressed weights. Set this or <see cref="HuggingFaceId"/>.</summary>
    public string? BucketPrefix { get; init; }

    /// <summary>Hugging Face model id to download at start-up (turns network isolation off). Set this or <see cref="BucketPrefix"/>.</summary>
    public string? HuggingFaceId { get; init; }

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
    internal KnownModel KnownModel
        => WeightMemoryGiB is { } memory ? KnownModel.Of(Model, memory, huggingFaceId: HuggingFaceId) : KnownModel.TryFromName(Model)!;

    internal void Validate(ICollection<string> problems, string path, string endpointName)
    {
        if (!ComponentEndpointConfig.NamePattern.IsMatch(Name))
        {
            problems.Add(Name.Length == 0 ? $"{path}.name is missing" : $"{path}.name '{Name}' must be lower-case letters and digits, words joined by single hyphens");
        }
        else if (endpointName.Length + 1 + Name.Length > 63)
        {
            problems.Add($"{path}.name '{Name}' makes the component name '{endpointName}-{Name}' longer than 63 characters");
        }

        if (Model.Length == 0)
        {
            problems.Add($"{path}.model is missing");
        }
        else if (WeightMemoryGiB is null && KnownModel.TryFromName(Model) is null)
        {
            problems.Add($"{path}.model '{Model}' is not in the catalog ({string.Join(", ", KnownModel.All.Select(m => m.Name))}); set {path}.weightMemoryGiB for other models");
        }
        else if (WeightMemoryGiB is { } memory && !(memory > 0))
        {
            problems.Add($"{path}.weightMemoryGiB {memory.ToString(CultureInfo.InvariantCulture)} must be above 0");
        }

        if ((BucketPrefix is null) == (HuggingFaceId is null))
        {
            problems.Add($"{path}: set exactly one of bucketPrefix and huggingFaceId");
        }

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
