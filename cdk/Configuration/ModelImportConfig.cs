using System.Text.RegularExpressions;

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
    internal IReadOnlyList<LlmHosting.Constructs.Weights.ExpectedWeightsFile>? ExpectedFiles { get; private set; }

    /// <summary>Reads <see cref="WeightsManifest"/>, when set.</summary>
    internal void ReadManifest(string? configDirectory, string path, ICollection<string> problems)
    {
        if (WeightsManifest is { } manifest)
        {
            ExpectedFiles = WeightsManifestFile.Read(configDirectory, manifest, BucketPrefix, $"{path}.weightsManifest", problems);
        }
    }

    // Bedrock imported model names, less the import suffix (see BedrockModelImport.MaxModelNameLength).
    private static readonly Regex ModelName = new("^([0-9a-zA-Z][_-]?)+$", RegexOptions.CultureInvariant);
    private const int MaxModelNameLength = 54;

    /// <summary>Adds a description of every problem of the <c>modelImports</c> list to <paramref name="problems"/>.</summary>
    internal static void Validate(IReadOnlyList<ModelImportConfig> imports, string namePrefix, ICollection<string> problems)
    {
        for (var i = 0; i < imports.Count; i++)
        {
            var import = imports[i];
            var path = $"modelImports[{i}]";
            var fullName = $"{namePrefix}-{import.Name}";
            if (import.Name.Length == 0)
            {
                problems.Add($"{path}.name is missing");
            }
            else if (!ModelName.IsMatch(import.Name) || fullName.Length > MaxModelNameLength)
            {
                problems.Add($"{path}.name '{import.Name}' must be letters and digits, each optionally followed by one '-' or '_', and '{fullName}' at most {MaxModelNameLength} characters");
            }

            var prefix = import.BucketPrefix;
            if (prefix.Length == 0)
            {
                problems.Add($"{path}.bucketPrefix is missing (the model's folder, for example models/{import.Name}/)");
            }
            else if (prefix.StartsWith('/') || prefix.IndexOfAny(['*', '?']) >= 0 || prefix.Trim('/').Split('/').Any(s => s is "" or "." or ".."))
            {
                problems.Add($"{path}.bucketPrefix '{prefix}' must be a folder like models/{import.Name}/: no leading '/', wildcards or empty, '.' or '..' segments");
            }

            if (imports.Take(i).Any(other => other.Name == import.Name))
            {
                problems.Add($"{path}.name '{import.Name}' is used by an earlier entry");
            }
        }
    }
}
