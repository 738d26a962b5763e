using LlmHosting.Constructs.Bedrock;
using LlmHosting.Constructs.Rules;
using LlmHosting.Constructs.Storage;
using LlmHosting.Constructs.Weights;

namespace LlmHosting.App.Configuration;

/// <summary>
/// One model imported into Amazon Bedrock Custom Model Import from the environment's model bucket
/// (an entry of <c>modelImports</c>).
/// </summary>
public sealed record ModelImportConfig
{
    /// <summary>
    /// Short model name, for example <c>gpt-oss-20b</c>. The imported model is named
    /// <c>&lt;namePrefix&gt;-&lt;name&gt;-&lt;8-character import suffix&gt;</c>.
    /// </summary>
    public string Name { get; init; } = "";

    /// <summary>Key prefix of the model folder in the model bucket, for example <c>models/gpt-oss-20b/</c>.</summary>
    public string BucketPrefix { get; init; } = "";

    /// <summary>Keep the imported model when it leaves the stack. Default: false.</summary>
    public bool RetainOnDelete { get; init; }

    /// <summary>
    /// Path, relative to the configuration folder, of the manifest of the upload (<c>llmhost upload-model --manifest-out</c>).
    /// Default: none.
    /// </summary>
    public string? WeightsManifest { get; init; }

    /// <summary>The objects of <see cref="WeightsManifest"/>, once read by the catalog.</summary>
    internal IReadOnlyList<ExpectedWeightsFile>? ExpectedFiles { get; private set; }

    /// <summary>The construct id derived from <see cref="Name"/>: <c>gpt-oss-20b</c> becomes <c>GptOss20b</c>.</summary>
    internal string ConstructId => ConfigNames.ConstructId(Name);

    /// <summary>The imported model's name before the import suffix: <c>&lt;namePrefix&gt;-&lt;name&gt;</c>.</summary>
    internal string ModelNameIn(string namePrefix) => $"{namePrefix}-{Name}";

    /// <summary>Reads <see cref="WeightsManifest"/>, when set.</summary>
    internal void ReadManifest(string? configDirectory, string path, ICollection<string> problems)
    {
        if (WeightsManifest is { } manifest)
        {
            ExpectedFiles = WeightsManifestFile.Read(configDirectory, manifest, BucketPrefix, $"{path}.weightsManifest", problems);
        }
    }

    /// <summary>Adds a description of every problem of this entry to <paramref name="problems"/>.</summary>
    /// <param name="problems">Where problems are added.</param>
    /// <param name="path">JSON path of the entry, for example <c>modelImports[0]</c>.</param>
    /// <param name="namePrefix">The environment's name prefix, the start of the imported model's name.</param>
    internal void Validate(ICollection<string> problems, string path, string namePrefix)
    {
        var fullName = ModelNameIn(namePrefix);
        if (Name.Length == 0)
        {
            problems.Add($"{path}.name is missing");
        }
        else if (!AwsNames.IsImportedModelName(fullName))
        {
            problems.Add($"{path}.name '{Name}' makes the imported model name '{fullName}', which must be {AwsNames.ImportedModelNameRule}");
        }

        if (BucketPrefix.Length == 0)
        {
            problems.Add($"{path}.bucketPrefix is missing (the model's folder, for example models/{Name}/)");
        }
        else
        {
            ConfigNames.Check(problems, $"{path}.bucketPrefix", () => ModelPrefix.Normalize(BucketPrefix));
        }
    }

    /// <summary>The props of the import's construct, from this validated entry.</summary>
    /// <param name="namePrefix">The environment's name prefix.</param>
    /// <param name="bucket">The environment's model bucket.</param>
    internal BedrockModelImportProps ToProps(string namePrefix, IModelBucket bucket) => new()
    {
        ModelBucket = bucket,
        ModelPrefix = BucketPrefix,
        ModelName = ModelNameIn(namePrefix),
        RetainOnDelete = RetainOnDelete,
        WeightsCheck = new WeightsCheckOptions { ExpectedFiles = ExpectedFiles },
    };

    /// <summary>Where the import's props come from, for messages.</summary>
    /// <param name="path">JSON path of this entry, for example <c>modelImports[0]</c>.</param>
    internal static PropsKeys KeysAt(string path) => new(path,
    [
        new(nameof(BedrockModelImportProps.ModelPrefix), $"{path}.bucketPrefix"),
        new(nameof(BedrockModelImportProps.ModelName), $"{path}.name"),
        new(nameof(BedrockModelImportProps.RetainOnDelete), $"{path}.retainOnDelete"),
        new(nameof(BedrockModelImportProps.WeightsCheck), $"{path}.weightsManifest"),
    ]);
}
