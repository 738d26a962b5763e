using System.Text.Json;

namespace LlmHosting.ModelValidation;

/// <summary>The safetensors shards and their index.</summary>
public static partial class ModelFolderValidator
{
    /// <summary>
    /// Bytes read from the start of a shard in one request: the 8-byte length and, for every shard seen so far, the whole
    /// header (a gpt-oss-120b shard's header is a few tens of kB). A larger header costs one more ranged read.
    /// </summary>
    internal const int HeaderProbeBytes = 256 * 1024;

    /// <summary>What the index says: the shards it names and the shard of each tensor.</summary>
    private sealed record IndexContent(IReadOnlyList<string> Shards, IReadOnlyDictionary<string, string> TensorShards, IReadOnlySet<string> Duplicates);

    private static async Task CheckWeightsAsync(
        IModelFolder folder, Dictionary<string, ModelFile> byKey, ModelFolderCheck check, string who, List<ModelProblem> problems, CancellationToken cancellationToken)
    {
        IndexContent? index = null;
        if (byKey.TryGetValue(IndexFile, out var indexFile))
        {
            index = await CheckIndexAsync(folder, indexFile, byKey, check.Rules, problems, cancellationToken).ConfigureAwait(false);
        }
        else if (!byKey.ContainsKey(SingleWeightsFile))
        {
            problems.Add(new ModelProblem(IndexFile, $"missing, and there is no single {SingleWeightsFile} either; {who} loads safetensors weights"));
        }

        var shards = byKey.Values
            .Where(f => (!f.Key.Contains('/') && f.Key.EndsWith(".safetensors", StringComparison.Ordinal)) || (index?.Shards.Contains(f.Key) ?? false))
            .OrderBy(f => f.Key, StringComparer.Ordinal)
            .ToList();
        var headers = await ReadHeadersAsync(folder, shards, check.MaxConcurrentReads, problems, cancellationToken).ConfigureAwait(false);
        if (index is null)
        {
            return;
        }

        foreach (var stray in shards.Where(s => !index.Shards.Contains(s.Key)))
        {
            problems.Add(new ModelProblem(stray.Key, $"is not named by {IndexFile}: vLLM loads only the shards the index names, yet every instance would copy it; remove it (llmhost prepare-model --fix moves it out)"));
        }

        // Each tensor the index maps to a shard is in that shard's header, and each tensor of a header is mapped to its shard:
        // a folder mixing the shards or the index of two downloads passes every other check.
        foreach (var (shard, header) in headers.OrderBy(h => h.Key, StringComparer.Ordinal))
        {
            if (!index.Shards.Contains(shard))
            {
                continue;
            }

            var mapped = index.TensorShards.Where(t => t.Value == shard && !index.Duplicates.Contains(t.Key)).Select(t => t.Key).ToHashSet(StringComparer.Ordinal);
            var held = header.TensorNames.Where(t => !index.Duplicates.Contains(t)).ToHashSet(StringComparer.Ordinal);
            if (mapped.Except(held).Order(StringComparer.Ordinal).ToList() is { Count: > 0 } absent)
            {
                problems.Add(new ModelProblem(IndexFile, $"maps {absent.Count} tensor(s) to {shard} that its header does not hold (for example '{absent[0]}'): the index and the shards come from different downloads"));
            }

            if (held.Except(mapped).Order(StringComparer.Ordinal).ToList() is { Count: > 0 } unmapped)
            {
                problems.Add(new ModelProblem(shard, $"holds {unmapped.Count} tensor(s) that {IndexFile} does not map to it (for example '{unmapped[0]}'): the index and the shards come from different downloads"));
            }
        }
    }

    private static async Task<IndexContent?> CheckIndexAsync(
        IModelFolder folder, ModelFile index, Dictionary<string, ModelFile> byKey, ModelFolderRules rules, List<ModelProblem> problems, CancellationToken cancellationToken)
    {
        using var document = await ReadJsonAsync(folder, index, problems, cancellationToken).ConfigureAwait(false);
        if (document is null)
        {
            return null;
        }

        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            problems.Add(new ModelProblem(IndexFile, $"root is a JSON {Kind(root)}, not an object"));
            return null;
        }

        if (rules == ModelFolderRules.Bedrock)
        {
            CheckBedrockIndexRoot(root, problems);
        }

        if (!root.TryGetProperty("weight_map", out var weightMap) || weightMap.ValueKind != JsonValueKind.Object)
        {
            problems.Add(new ModelProblem(IndexFile, "has no 'weight_map' object naming the shard of each tensor"));
            return null;
        }

        var tensorShards = new Dictionary<string, string>(StringComparer.Ordinal);
        var duplicates = new HashSet<string>(StringComparer.Ordinal);
        var shards = new SortedSet<string>(StringComparer.Ordinal);
        var notNames = false;
        foreach (var entry in weightMap.EnumerateObject())
        {
            if (entry.Value.ValueKind != JsonValueKind.String || entry.Value.GetString() is not { Length: > 0 } shard)
            {
                notNames = true;
                continue;
            }

            shards.Add(shard);
            if (tensorShards.TryGetValue(entry.Name, out var first))
            {
                // JSON readers keep one of the two entries (Python's json keeps the last): which shard loads the tensor is a guess.
                problems.Add(new ModelProblem(IndexFile, $"names tensor '{entry.Name}' twice in 'weight_map' (in {first} and {shard}): the index is damaged; download it again"));
                duplicates.Add(entry.Name);
                continue;
            }

            tensorShards[entry.Name] = shard;
        }

        if (notNames)
        {
            problems.Add(new ModelProblem(IndexFile, "'weight_map' has values that are not shard file names"));
        }

        foreach (var shard in shards.Where(s => !byKey.ContainsKey(s)))
        {
            problems.Add(new ModelProblem(shard, $"missing; {IndexFile} maps tensors to this shard"));
        }

        return new IndexContent(shards.ToList(), tensorShards, duplicates);
    }

    private static void CheckBedrockIndexRoot(JsonElement root, List<ModelProblem> problems)
    {
        if (!root.TryGetProperty("metadata", out var metadata))
        {
            problems.Add(new ModelProblem(IndexFile, "has no root 'metadata' object; Bedrock requires one (it may be empty: \"metadata\": {})"));
        }
        else if (metadata.ValueKind != JsonValueKind.Object)
        {
            problems.Add(new ModelProblem(IndexFile, $"root 'metadata' is a JSON {Kind(metadata)}, not an object"));
        }

        var unsupported = root.EnumerateObject().Select(p => p.Name).Where(n => !AllowedIndexFields.Contains(n)).ToList();
        if (unsupported.Count > 0)
        {
            problems.Add(new ModelProblem(
                IndexFile,
                $"has unsupported root field(s) {string.Join(", ", unsupported.Select(n => $"'{n}'"))}; Bedrock accepts only {string.Join(" and ", AllowedIndexFields)}"));
        }
    }

    /// <summary>Reads the header of every shard, a few at a time; a shard whose header cannot be read gets one problem and no entry.</summary>
    private static async Task<IReadOnlyDictionary<string, SafetensorsHeader>> ReadHeadersAsync(
        IModelFolder folder, IReadOnlyList<ModelFile> shards, int concurrency, List<ModelProblem> problems, CancellationToken cancellationToken)
    {
        var results = new (SafetensorsHeader? Header, ModelProblem? Problem)[shards.Count];
        await Parallel.ForEachAsync(
            Enumerable.Range(0, shards.Count),
            new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, concurrency), CancellationToken = cancellationToken },
            async (i, token) => results[i] = await ReadHeaderAsync(folder, shards[i], token).ConfigureAwait(false)).ConfigureAwait(false);
        problems.AddRange(results.Select(r => r.Problem).OfType<ModelProblem>());
        return shards.Zip(results).Where(p => p.Second.Header is not null).ToDictionary(p => p.First.Key, p => p.Second.Header!, StringComparer.Ordinal);
    }

    private static async Task<(SafetensorsHeader? Header, ModelProblem? Problem)> ReadHeaderAsync(IModelFolder folder, ModelFile shard, CancellationToken cancellationToken)
    {
        try
        {
            var probe = shard.SizeInBytes == 0 ? [] : await folder.ReadBytesAsync(shard.Key, 0, (int)Math.Min(shard.SizeInBytes, HeaderProbeBytes), cancellationToken).ConfigureAwait(false);
            var length = SafetensorsHeader.ReadHeaderLength(probe, shard.SizeInBytes);
            var header = 8 + length <= probe.Length
                ? probe.AsMemory(8, (int)length)
                : probe.AsMemory(8).ToArray().Concat(await folder.ReadBytesAsync(shard.Key, probe.Length, (int)(8 + length - probe.Length), cancellationToken).ConfigureAwait(false)).ToArray();
            var parsed = SafetensorsHeader.Parse(header.Span);
            var expected = parsed.ExpectedFileSize;
            if (shard.SizeInBytes == expected)
            {
                return (parsed, null);
            }

            var declared = $"8 + {parsed.HeaderLength} + {parsed.DataLength} = {expected} bytes";
            return (parsed, new ModelProblem(shard.Key, shard.SizeInBytes < expected
                ? $"is {shard.SizeInBytes} bytes, but its header declares {declared}: the file is truncated ({expected - shard.SizeInBytes} bytes missing); download it again"
                : $"is {shard.SizeInBytes} bytes, {shard.SizeInBytes - expected} more than the {declared} its header declares: the file is damaged; download it again"));
        }
        catch (SafetensorsFormatException e)
        {
            return (null, new ModelProblem(shard.Key, $"{e.Message}; download it again"));
        }
    }
}
