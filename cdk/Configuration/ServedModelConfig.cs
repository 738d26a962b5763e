using System.Globalization;
using System.Text.RegularExpressions;
using LlmHosting.Constructs.Sagemaker;
using LlmHosting.Constructs.Storage;
using LlmHosting.Constructs.Weights;

namespace LlmHosting.App.Configuration;

/// <summary>
/// What every model served on SageMaker is configured with, whether on its own endpoint
/// (<see cref="EndpointConfig"/>) or as an inference component (<see cref="ComponentConfig"/>): a name, the
/// model and where its weights come from.
/// </summary>
public abstract record ServedModelConfig
{
    private static readonly Regex ModelNamePattern = new(@"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$", RegexOptions.CultureInvariant);

    /// <summary>Short name: lower-case letters and digits, words joined by single hyphens, for example <c>gpt-oss-20b</c>.</summary>
    public string Name { get; init; } = "";

    /// <summary>
    /// A model of the catalog (<c>gpt-oss-20b</c>, <c>gpt-oss-120b</c>, <c>Qwen3-4B</c>), or another model name
    /// together with <see cref="WeightMemoryGiB"/>.
    /// </summary>
    public string Model { get; init; } = "";

    /// <summary>GPU memory of the weights in GiB, for models outside the catalog. Default: the catalog's figure.</summary>
    public double? WeightMemoryGiB { get; init; }

    /// <summary>Folder of the environment's model bucket holding the uncompressed weights. Set this or <see cref="HuggingFaceId"/>.</summary>
    public string? BucketPrefix { get; init; }

    /// <summary>Hugging Face model id to download at start-up (turns network isolation off). Set this or <see cref="BucketPrefix"/>.</summary>
    public string? HuggingFaceId { get; init; }

    /// <summary>
    /// Path, relative to the configuration folder, of the manifest of the upload (<c>llmhost upload-model --manifest-out</c>):
    /// the deployment then checks that the bucket holds exactly these objects. Only with <see cref="BucketPrefix"/>.
    /// Default: none; any folder that meets the rules passes.
    /// </summary>
    public string? WeightsManifest { get; init; }

    /// <summary>The objects of <see cref="WeightsManifest"/>, once read by the catalog.</summary>
    internal IReadOnlyList<ExpectedWeightsFile>? ExpectedFiles { get; private set; }

    /// <summary>Reads <see cref="WeightsManifest"/>, when set.</summary>
    internal void ReadManifest(string? configDirectory, string path, ICollection<string> problems)
    {
        if (WeightsManifest is { } manifest)
        {
            ExpectedFiles = BucketPrefix is null
                ? Problem(problems, $"{path}.weightsManifest is set without bucketPrefix")
                : WeightsManifestFile.Read(configDirectory, manifest, BucketPrefix, $"{path}.weightsManifest", problems);
        }
    }

    private static IReadOnlyList<ExpectedWeightsFile>? Problem(ICollection<string> problems, string problem)
    {
        problems.Add(problem);
        return null;
    }

    /// <summary>The construct id derived from <see cref="Name"/>: <c>gpt-oss-20b</c> becomes <c>GptOss20b</c>.</summary>
    internal string ConstructId => ConfigNames.ConstructId(Name);

    /// <summary>Where the weights come from, once validated.</summary>
    internal ModelSource SourceIn(IModelBucket bucket)
        => BucketPrefix is { } prefix
            ? ModelSource.FromBucket(bucket, prefix, new WeightsCheckOptions { ExpectedFiles = ExpectedFiles })
            : ModelSource.FromHuggingFace(HuggingFaceId!);

    /// <summary>The model, once validated; models outside the catalog take the given parsers.</summary>
    private protected KnownModel ResolveModel(string? toolCallParser = null, string? reasoningParser = null)
        => WeightMemoryGiB is { } memory
            ? KnownModel.Of(Model, memory, toolCallParser, reasoningParser, HuggingFaceId)
            : KnownModel.TryFromName(Model)!;

    /// <summary>Checks the name, which becomes <c>&lt;parentName&gt;-&lt;name&gt;</c>, the model and its source.</summary>
    /// <param name="problems">Where each problem is added.</param>
    /// <param name="path">JSON path of this entry, for messages.</param>
    /// <param name="parentName">What the physical name starts with.</param>
    /// <param name="kind">What the physical name names, for messages: <c>endpoint</c> or <c>component</c>.</param>
    private protected void ValidateServedModel(ICollection<string> problems, string path, string parentName, string kind)
    {
        if (!ConfigNames.ShortName.IsMatch(Name))
        {
            problems.Add(Name.Length == 0 ? $"{path}.name is missing" : $"{path}.name '{Name}' must be lower-case letters and digits, words joined by single hyphens");
        }
        else if (parentName.Length + 1 + Name.Length > 63)
        {
            problems.Add($"{path}.name '{Name}' makes the {kind} name '{parentName}-{Name}' longer than 63 characters");
        }

        if (Model.Length == 0)
        {
            problems.Add($"{path}.model is missing");
        }
        else if (WeightMemoryGiB is null && KnownModel.TryFromName(Model) is null)
        {
            problems.Add($"{path}.model '{Model}' is not in the catalog ({string.Join(", ", KnownModel.All.Select(m => m.Name))}); set {path}.weightMemoryGiB for other models");
        }
        else if (WeightMemoryGiB is { } memory)
        {
            if (!(memory > 0))
            {
                problems.Add($"{path}.weightMemoryGiB {memory.ToString(CultureInfo.InvariantCulture)} must be above 0");
            }
            else if (!ModelNamePattern.IsMatch(Model))
            {
                problems.Add($"{path}.model '{Model}' must be 1-64 letters, digits, '.', '_' or '-'");
            }
        }

        if ((BucketPrefix is null) == (HuggingFaceId is null))
        {
            problems.Add($"{path}: set exactly one of bucketPrefix and huggingFaceId");
        }
        else if (BucketPrefix is not null)
        {
            try
            {
                ModelPrefix.Normalize(BucketPrefix);
            }
            catch (ArgumentException e)
            {
                problems.Add($"{path}.bucketPrefix: {e.Message.TrimEnd('.')}");
            }
        }
    }
}
