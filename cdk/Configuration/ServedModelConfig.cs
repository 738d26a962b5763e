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
    /// <summary>Short name: lower-case letters and digits, words joined by single hyphens, for example <c>gpt-oss-20b</c>.</summary>
    public string Name { get; init; } = "";

    /// <summary>
    /// A model of the catalog, spelt as there (<c>gpt-oss-20b</c>, <c>gpt-oss-120b</c>, <c>Qwen3-4B</c>), or another model
    /// name together with <see cref="WeightMemoryGiB"/>.
    /// </summary>
    public string Model { get; init; } = "";

    /// <summary>GPU memory of the weights in GiB, for models outside the catalog. Default: the catalog's figure.</summary>
    public double? WeightMemoryGiB { get; init; }

    /// <summary>Folder of the environment's model bucket holding the uncompressed weights. Set this or <see cref="HuggingFaceId"/>.</summary>
    public string? BucketPrefix { get; init; }

    /// <summary>Hugging Face model id to download at start-up (turns network isolation off). Set this or <see cref="BucketPrefix"/>.</summary>
    public string? HuggingFaceId { get; init; }

    /// <summary>
    /// The commit of <see cref="HuggingFaceId"/> to serve (40 hexadecimal characters): without it every start downloads
    /// whatever the repository holds then. Required in a production-like environment. Default: none (a warning).
    /// </summary>
    public string? HuggingFaceRevision { get; init; }

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
            if (BucketPrefix is null)
            {
                problems.Add($"{path}.weightsManifest is set without bucketPrefix");
                return;
            }

            ExpectedFiles = WeightsManifestFile.Read(configDirectory, manifest, BucketPrefix, $"{path}.weightsManifest", problems);
        }
    }

    /// <summary>The construct id derived from <see cref="Name"/>: <c>gpt-oss-20b</c> becomes <c>GptOss20b</c>.</summary>
    internal string ConstructId => ConfigNames.ConstructId(Name);

    /// <summary>Where the weights come from, once validated.</summary>
    internal ModelSource SourceIn(IModelBucket bucket)
        => BucketPrefix is { } prefix
            ? ModelSource.FromBucket(bucket, prefix, new WeightsCheckOptions { ExpectedFiles = ExpectedFiles })
            : ModelSource.FromHuggingFace(HuggingFaceId!, revision: HuggingFaceRevision);

    /// <summary>The model, once validated; models outside the catalog take the given parsers (an empty one means none).</summary>
    private protected KnownModel ResolveModel(string? toolCallParser = null, string? reasoningParser = null)
        => WeightMemoryGiB is { } memory
            ? KnownModel.Of(Model, memory, NoneIfEmpty(toolCallParser), NoneIfEmpty(reasoningParser), HuggingFaceId)
            : KnownModel.TryFromName(Model)!;

    /// <summary>The JSON paths of the served model's own props (model and source), for <see cref="PropsKeys"/>.</summary>
    private protected IEnumerable<KeyValuePair<string, string>> ServedModelKeys(string path) =>
    [
        new(nameof(VllmServingOptions.Model), $"{path}.model"),
        new(nameof(VllmServingOptions.Source), BucketPrefix is null ? $"{path}.huggingFaceId" : $"{path}.bucketPrefix"),
        new($"{nameof(VllmServingOptions.Source)}.Revision", $"{path}.huggingFaceRevision"),
        new(nameof(VllmServingOptions.RequirePinnedRevision), "productionLike"),
    ];

    /// <summary>Checks the name, which becomes <c>&lt;parentName&gt;-&lt;name&gt;</c>, the model and its source.</summary>
    /// <param name="problems">Where each problem is added.</param>
    /// <param name="path">JSON path of this entry, for messages.</param>
    /// <param name="parentName">What the physical name starts with.</param>
    /// <param name="kind">What the physical name names, for messages: <c>endpoint</c> or <c>component</c>.</param>
    /// <param name="parsers">The tool-call and reasoning parsers a model outside the catalog is described with, and their JSON paths.</param>
    private protected void ValidateServedModel(ICollection<string> problems, string path, string parentName, string kind, (string? Tool, string? Reasoning, string? VllmPath) parsers = default)
    {
        ConfigNames.ValidateName(problems, path, Name, parentName, kind);
        ValidateModel(problems, path, parsers);

        if ((BucketPrefix is null) == (HuggingFaceId is null))
        {
            problems.Add($"{path}: set exactly one of bucketPrefix and huggingFaceId");
        }
        else if (BucketPrefix is not null)
        {
            ConfigNames.Check(problems, $"{path}.bucketPrefix", () => ModelPrefix.Normalize(BucketPrefix));
        }
        else
        {
            ConfigNames.Check(problems, $"{path}.huggingFaceId", () => ModelSource.FromHuggingFace(HuggingFaceId!));
            if (HuggingFaceRevision is not null)
            {
                ConfigNames.Check(problems, $"{path}.huggingFaceRevision", () => ModelSource.FromHuggingFace(HuggingFaceId!, revision: HuggingFaceRevision));
            }
        }

        if (HuggingFaceRevision is not null && HuggingFaceId is null)
        {
            problems.Add($"{path}.huggingFaceRevision is set without huggingFaceId");
        }
    }

    private void ValidateModel(ICollection<string> problems, string path, (string? Tool, string? Reasoning, string? VllmPath) parsers)
    {
        if (Model.Length == 0)
        {
            problems.Add($"{path}.model is missing");
            return;
        }

        if (WeightMemoryGiB is not null)
        {
            try
            {
                ResolveModel(parsers.Tool, parsers.Reasoning);
            }
            catch (ArgumentException e)
            {
                var paths = new Dictionary<string, string> { ["name"] = $"{path}.model", ["weightMemoryGiB"] = $"{path}.weightMemoryGiB" };
                if (parsers.VllmPath is { } vllm)
                {
                    paths["toolCallParser"] = $"{vllm}.toolCallParser";
                    paths["reasoningParser"] = $"{vllm}.reasoningParser";
                }

                foreach (var problem in LibraryMessages.KnownModelProblems(e, paths, path))
                {
                    problems.Add(problem);
                }
            }

            return;
        }

        // The catalog finds names in any letter case; the served model name is the catalog's, so the file must say it.
        if (KnownModel.TryFromName(Model) is not { } known)
        {
            problems.Add($"{path}.model '{Model}' is not in the catalog ({string.Join(", ", KnownModel.All.Select(m => m.Name))}); set {path}.weightMemoryGiB for other models");
        }
        else if (known.Name != Model)
        {
            problems.Add($"{path}.model '{Model}' is spelt {known.Name} in the catalog");
        }
    }

    private static string? NoneIfEmpty(string? parser) => string.IsNullOrEmpty(parser) ? null : parser;
}
