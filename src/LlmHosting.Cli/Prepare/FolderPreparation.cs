using System.Text.Json;
using System.Text.Json.Nodes;
using LlmHosting.ModelValidation;

namespace LlmHosting.Cli.Prepare;

/// <summary>One thing prepare-model found, and how <c>--fix</c> repairs it (null when it cannot).</summary>
/// <param name="Key">The file or folder, relative to the model folder.</param>
/// <param name="Problem">What is wrong.</param>
/// <param name="Fix">What <c>--fix</c> does about it, or null.</param>
/// <param name="MovePath">For a fix that moves a file or folder out: its path relative to the model folder.</param>
/// <param name="Start">For a start file of the model's contract that is missing or has another hash: that file.</param>
internal sealed record Finding(string Key, string Problem, string? Fix, string? MovePath = null, StartFile? Start = null);

/// <summary>
/// What prepare-model checks and repairs in a local model folder: the index's root fields (Bedrock rules), shards
/// named by the index but missing (reported only: they must be downloaded again), safetensors files the index does
/// not name (vLLM would not load them), files that must not be uploaded (<see cref="UploadExclusions"/>), and the files of
/// the model's start contract (<see cref="StartContract"/>) that are missing or have another hash.
/// Repairs never delete: a changed file's original goes to <c>&lt;folder&gt;.backup/</c>, moved files and folders to
/// <c>&lt;folder&gt;.excluded/</c>, both beside the folder so that an upload of the folder never includes them.
/// </summary>
internal sealed class FolderPreparation
{
    private readonly string _root;
    private readonly ModelFolderRules _rules;
    private readonly StartContract? _contract;
    private readonly IReadOnlyList<StartContract> _contracts;
    private readonly StartFileSource _startFiles;

    /// <param name="root">The model folder.</param>
    /// <param name="rules">Whose rules.</param>
    /// <param name="contract">The model's start contract; null: the one config.json's model_type calls for among <paramref name="contracts"/>.</param>
    /// <param name="contracts">The contracts a folder is recognised by.</param>
    /// <param name="startFiles">Where missing start files come from.</param>
    public FolderPreparation(string root, ModelFolderRules rules, StartContract? contract, IReadOnlyList<StartContract> contracts, StartFileSource startFiles)
    {
        _root = Path.GetFullPath(root).TrimEnd(Path.DirectorySeparatorChar);
        _rules = rules;
        _contract = contract;
        _contracts = contracts;
        _startFiles = startFiles;
    }

    public string BackupDirectory => _root + ".backup";

    public string ExcludedDirectory => _root + ".excluded";

    public async Task<IReadOnlyList<Finding>> AnalyzeAsync(CancellationToken cancellationToken)
    {
        var files = await new LocalModelFolder(_root).ListAsync(cancellationToken).ConfigureAwait(false);
        var findings = new List<Finding>();
        foreach (var group in files.Where(f => UploadExclusions.Match(f.Key) is not null).GroupBy(f => UploadExclusions.ExcludedPath(f.Key, UploadExclusions.Match(f.Key)!)))
        {
            var exclusion = UploadExclusions.Match(group.First().Key)!;
            var what = exclusion.IsFolder ? $"{group.Key}/ ({group.Count()} file(s))" : group.Key;
            findings.Add(new Finding(what, $"must not be uploaded: {exclusion.Reason}", $"moved to {Path.Combine(ExcludedDirectory, group.Key)}", group.Key));
        }

        var uploaded = files.Where(f => UploadExclusions.Match(f.Key) is null).Select(f => f.Key).ToHashSet(StringComparer.Ordinal);
        findings.AddRange(StartFileFindings(uploaded));
        if (!uploaded.Contains(ModelFolderValidator.IndexFile) || ReadJson(ModelFolderValidator.IndexFile) is not { } index)
        {
            return findings;
        }

        if (_rules == ModelFolderRules.Bedrock)
        {
            if (index["metadata"] is not JsonObject)
            {
                findings.Add(new Finding(ModelFolderValidator.IndexFile, "has no root 'metadata' object, which Bedrock requires", "added \"metadata\": {}"));
            }

            var extra = index.Select(p => p.Key).Where(k => !ModelFolderValidator.AllowedIndexFields.Contains(k)).ToList();
            if (extra.Count > 0)
            {
                findings.Add(new Finding(ModelFolderValidator.IndexFile, $"has root field(s) Bedrock does not accept: {string.Join(", ", extra.Select(k => $"'{k}'"))}", $"removed {string.Join(", ", extra.Select(k => $"'{k}'"))}"));
            }
        }

        var named = (index["weight_map"] as JsonObject)?.Select(p => p.Value?.GetValueKind() == JsonValueKind.String ? p.Value.GetValue<string>() : null).OfType<string>().ToHashSet(StringComparer.Ordinal) ?? [];
        foreach (var shard in named.Where(s => !uploaded.Contains(s)).Order(StringComparer.Ordinal))
        {
            findings.Add(new Finding(shard, $"named by {ModelFolderValidator.IndexFile} but missing: download it again (hf download <repo> {shard} --local-dir <folder>)", null));
        }

        foreach (var stray in uploaded.Where(k => k.EndsWith(".safetensors", StringComparison.Ordinal) && !named.Contains(k)).Order(StringComparer.Ordinal))
        {
            findings.Add(new Finding(stray, $"not named by {ModelFolderValidator.IndexFile}: vLLM would not load it, yet every instance would download it", $"moved to {Path.Combine(ExcludedDirectory, stray)}", stray));
        }

        return findings;
    }

    /// <summary>Applies every fix of <see cref="AnalyzeAsync"/>; returns the findings with what was done.</summary>
    public async Task<IReadOnlyList<Finding>> FixAsync(CancellationToken cancellationToken)
    {
        var findings = await AnalyzeAsync(cancellationToken).ConfigureAwait(false);
        // Every start file is had and checked before anything changes: a refused one leaves the folder as it was.
        var starts = findings.Select(f => f.Start).OfType<StartFile>().ToList();
        var contents = new List<(StartFile File, byte[] Content)>();
        foreach (var start in starts)
        {
            contents.Add((start, await _startFiles.GetAsync(start, starts.Count, cancellationToken).ConfigureAwait(false)));
        }

        foreach (var (start, content) in contents)
        {
            await PutStartFileAsync(start, content, cancellationToken).ConfigureAwait(false);
        }

        if (findings.Any(f => f.Key == ModelFolderValidator.IndexFile && f.Fix is not null))
        {
            await RewriteIndexAsync(cancellationToken).ConfigureAwait(false);
        }

        foreach (var relative in findings.Select(f => f.MovePath).OfType<string>())
        {
            MoveOut(relative);
        }

        return findings;
    }

    private JsonObject? ReadJson(string key)
    {
        try
        {
            return JsonNode.Parse(File.ReadAllText(Path.Combine(_root, key))) as JsonObject;
        }
        catch (JsonException)
        {
            // The validator reports a file that does not parse; there is nothing safe to repair.
            return null;
        }
    }

    /// <summary>The contract's files that are missing or have another hash.</summary>
    private IEnumerable<Finding> StartFileFindings(IReadOnlySet<string> uploaded)
    {
        var modelType = uploaded.Contains(ModelFolderValidator.ConfigFile) && ReadJson(ModelFolderValidator.ConfigFile)?["model_type"] is JsonValue type
            && type.TryGetValue<string>(out var value) ? value : null;
        var contract = _contract ?? StartContract.ForModelType(modelType, _contracts);
        foreach (var file in contract.Files)
        {
            var path = Path.Combine(_root, file.Key);
            if (!uploaded.Contains(file.Key))
            {
                yield return new Finding(file.Key, $"missing: the {contract.Name} serving container reads it at start and cannot download it under network isolation", _startFiles.Describe(file), Start: file);
                continue;
            }

            using var stream = File.OpenRead(path);
            var actual = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(stream));
            if (actual != file.Sha256)
            {
                yield return new Finding(file.Key, $"has SHA-256 {actual}, not {file.Sha256} (the published hash the {contract.Name} serving container checks)", $"{_startFiles.Describe(file)}, the original kept in {BackupDirectory}", Start: file);
            }
        }
    }

    private async Task PutStartFileAsync(StartFile file, byte[] content, CancellationToken cancellationToken)
    {
        var path = Path.Combine(_root, file.Key);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        if (File.Exists(path))
        {
            var backup = FreePath(Path.Combine(BackupDirectory, file.Key));
            Directory.CreateDirectory(Path.GetDirectoryName(backup)!);
            File.Copy(path, backup);
        }

        var temporary = path + ".llmhost-tmp";
        await File.WriteAllBytesAsync(temporary, content, cancellationToken).ConfigureAwait(false);
        File.Move(temporary, path, overwrite: true);
    }

    private async Task RewriteIndexAsync(CancellationToken cancellationToken)
    {
        var path = Path.Combine(_root, ModelFolderValidator.IndexFile);
        var original = await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false);
        var index = (JsonNode.Parse(original) as JsonObject)!;
        var repaired = new JsonObject { ["metadata"] = index["metadata"] is JsonObject metadata ? metadata.DeepClone() : new JsonObject() };
        if (index["weight_map"] is { } weightMap)
        {
            repaired["weight_map"] = weightMap.DeepClone();
        }

        var backup = FreePath(Path.Combine(BackupDirectory, ModelFolderValidator.IndexFile));
        Directory.CreateDirectory(Path.GetDirectoryName(backup)!);
        await File.WriteAllTextAsync(backup, original, cancellationToken).ConfigureAwait(false);
        var temporary = path + ".llmhost-tmp";
        await File.WriteAllTextAsync(temporary, repaired.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n", cancellationToken).ConfigureAwait(false);
        File.Move(temporary, path, overwrite: true);
    }

    private void MoveOut(string relative)
    {
        var source = Path.Combine(_root, relative);
        var target = FreePath(Path.Combine(ExcludedDirectory, relative));
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        if (Directory.Exists(source))
        {
            Directory.Move(source, target);
        }
        else
        {
            File.Move(source, target);
        }
    }

    /// <summary>The path, or the path with .1, .2... appended when something is already there: a second --fix never overwrites a backup.</summary>
    private static string FreePath(string path)
    {
        var candidate = path;
        for (var i = 1; File.Exists(candidate) || Directory.Exists(candidate); i++)
        {
            candidate = $"{path}.{i}";
        }

        return candidate;
    }
}
