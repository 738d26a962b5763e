using LlmHosting.Rules;

namespace LlmHosting.ModelValidation.Adapters;

/// <summary>
/// Checks a LoRA adapter for an adapter inference component, as vLLM will load it on its base: a local folder as PEFT
/// saves it (<c>adapter_config.json</c>, <c>adapter_model.safetensors</c>), or a bucket prefix holding the
/// <c>adapter.tar.gz</c> that <c>llmhost upload-model</c> made of such a folder (what SageMaker reads).
/// </summary>
public static class AdapterFolderValidator
{
    /// <summary>The archive SageMaker reads from the adapter's prefix.</summary>
    public const string ArchiveFileName = AdapterRules.ArchiveFileName;

    /// <summary>PEFT's adapter configuration.</summary>
    public const string ConfigFile = AdapterRules.ConfigFile;

    /// <summary>PEFT's adapter weights.</summary>
    public const string WeightsFile = AdapterRules.WeightsFile;

    /// <summary>True when a listing is an adapter's: its configuration or its archive at the root, and no model configuration.</summary>
    /// <param name="files">The folder's files.</param>
    public static bool IsAdapter(IReadOnlyList<ModelFile> files)
    {
        ArgumentNullException.ThrowIfNull(files);
        return !files.Any(f => f.Key == ModelFolderValidator.ConfigFile)
            && files.Any(f => f.Key is AdapterRules.ConfigFile or AdapterRules.ArchiveFileName);
    }

    /// <summary>
    /// Checks the adapter and returns every problem: from its archive when the folder holds one (required when
    /// <paramref name="requireArchive"/>, as in a bucket), otherwise from its files.
    /// </summary>
    /// <param name="folder">The folder, local or in S3.</param>
    /// <param name="expected">What the base allows (its model and its maximum rank).</param>
    /// <param name="requireArchive">True for a bucket prefix, which SageMaker reads only through <see cref="ArchiveFileName"/>.</param>
    /// <param name="cancellationToken">Cancels the listing and reads.</param>
    public static async Task<ModelFolderReport> ValidateAsync(IReadableModelFolder folder, AdapterExpectations expected, bool requireArchive, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(folder);
        ArgumentNullException.ThrowIfNull(expected);
        var files = await folder.ListAsync(cancellationToken).ConfigureAwait(false);
        var problems = new List<ModelProblem>();
        var total = files.Sum(f => f.SizeInBytes);
        if (files.Count == 0)
        {
            problems.Add(new ModelProblem("", "the folder is empty or does not exist"));
        }
        else if (files.Any(f => f.Key == AdapterRules.ArchiveFileName))
        {
            var archive = await folder.OpenReadAsync(AdapterRules.ArchiveFileName, cancellationToken).ConfigureAwait(false);
            await using (archive.ConfigureAwait(false))
            {
                await AdapterArchive.CheckAsync(archive, expected, problems, cancellationToken).ConfigureAwait(false);
            }
        }
        else if (requireArchive)
        {
            problems.Add(new ModelProblem(AdapterRules.ArchiveFileName,
                "missing; SageMaker reads an adapter from this single archive (Container.ArtifactUrl): upload the adapter's folder with llmhost upload-model, which makes it"));
        }
        else
        {
            await CheckFilesAsync(folder, files, expected, problems, cancellationToken).ConfigureAwait(false);
        }

        return new ModelFolderReport(folder.Location, files.Count, total, problems);
    }

    private static async Task CheckFilesAsync(IReadableModelFolder folder, IReadOnlyList<ModelFile> files, AdapterExpectations expected, List<ModelProblem> problems, CancellationToken cancellationToken)
    {
        var byKey = files.ToDictionary(f => f.Key, StringComparer.Ordinal);
        AdapterConfig? config = null;
        if (byKey.TryGetValue(AdapterRules.ConfigFile, out var configFile))
        {
            var stream = await folder.OpenReadAsync(configFile.Key, cancellationToken).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                config = await AdapterArchive.ReadConfigAsync(stream, configFile.SizeInBytes, expected, problems, cancellationToken).ConfigureAwait(false);
            }
        }

        if (byKey.TryGetValue(AdapterRules.WeightsFile, out var weights))
        {
            var stream = await folder.OpenReadAsync(weights.Key, cancellationToken).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                await AdapterWeights.CheckAsync(stream, weights.SizeInBytes, config, problems, cancellationToken).ConfigureAwait(false);
            }
        }

        AdapterArchive.AddMissing(configFile is not null, weights is not null, files, problems, "");
    }
}
