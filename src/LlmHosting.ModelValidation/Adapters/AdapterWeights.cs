using System.Buffers.Binary;
using System.Text.Json;
using LlmHosting.Rules;

namespace LlmHosting.ModelValidation.Adapters;

/// <summary>
/// Checks the header of <c>adapter_model.safetensors</c> without reading the tensors: the safetensors format starts with an
/// 8-byte little-endian length and a JSON object of that length naming each tensor with its <c>dtype</c>, <c>shape</c> and
/// <c>data_offsets</c> (huggingface/safetensors, <c>docs/source/index.mdx</c>, "Format"). A LoRA adapter's tensors are
/// <c>lora_A</c>/<c>lora_B</c> pairs, and <c>lora_A</c>'s first dimension is the rank (PEFT <c>tuners/lora/layer.py</c>).
/// </summary>
public static class AdapterWeights
{
    /// <summary>Headers longer than this are not read (an adapter's header is a few hundred kB at most).</summary>
    public const long MaxHeaderBytes = 100L * 1024 * 1024;

    /// <summary>Reads the header from <paramref name="stream"/> (positioned at the file's start) and adds every problem.</summary>
    /// <param name="stream">The file's bytes; only the header is read.</param>
    /// <param name="size">The file's size, or null when unknown.</param>
    /// <param name="config">The adapter's configuration, for the rank, or null.</param>
    /// <param name="problems">Where problems are added, under the key <c>adapter_model.safetensors</c>.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    public static async Task CheckAsync(Stream stream, long? size, AdapterConfig? config, ICollection<ModelProblem> problems, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(problems);
        void Add(string message) => problems.Add(new ModelProblem(AdapterRules.WeightsFile, message));

        var lengthBytes = new byte[8];
        if (await ReadFullyAsync(stream, lengthBytes, cancellationToken).ConfigureAwait(false) < 8)
        {
            Add("is shorter than a safetensors header (8 bytes)");
            return;
        }

        var length = BinaryPrimitives.ReadUInt64LittleEndian(lengthBytes);
        if (length == 0 || length > MaxHeaderBytes || (size is { } total && (long)length > total - 8))
        {
            Add($"does not start with a safetensors header (header length {length}{(size is { } s ? $" in a file of {s} bytes" : "")})");
            return;
        }

        var header = new byte[length];
        if (await ReadFullyAsync(stream, header, cancellationToken).ConfigureAwait(false) < header.Length)
        {
            Add("ends inside its safetensors header");
            return;
        }

        try
        {
            using var document = JsonDocument.Parse(header);
            CheckTensors(document.RootElement, config, Add);
        }
        catch (JsonException e)
        {
            Add($"has a safetensors header that is not valid JSON ({e.Message.Split(" Path:", 2)[0].TrimEnd('.')})");
        }
    }

    private static void CheckTensors(JsonElement root, AdapterConfig? config, Action<string> add)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            add("has a safetensors header that is not a JSON object");
            return;
        }

        var tensors = root.EnumerateObject().Where(p => p.Name != "__metadata__").ToList();
        var lora = tensors.Where(t => t.Name.Contains("lora_A", StringComparison.Ordinal) || t.Name.Contains("lora_B", StringComparison.Ordinal)).ToList();
        if (lora.Count == 0)
        {
            add(tensors.Count == 0 ? "holds no tensors" : $"holds {tensors.Count} tensors but none of a LoRA adapter (lora_A, lora_B): is it a model instead of an adapter?");
            return;
        }

        if (config?.Rank is not { } rank)
        {
            return;
        }

        // lora_A is (r, in_features): its first dimension is the rank the adapter was trained with.
        var ranks = lora.Where(t => t.Name.Contains("lora_A", StringComparison.Ordinal))
            .Select(t => t.Value.TryGetProperty("shape", out var shape) && shape.ValueKind == JsonValueKind.Array && shape.GetArrayLength() == 2 && shape[0].TryGetInt64(out var r) ? r : (long?)null)
            .OfType<long>()
            .Distinct()
            .ToList();
        if (ranks.Count > 0 && ranks.Max() > rank)
        {
            add($"has lora_A tensors of rank {ranks.Max()}, above the rank {rank} of {AdapterRules.ConfigFile}; the configuration does not match the weights");
        }
    }

    private static async Task<int> ReadFullyAsync(Stream stream, byte[] buffer, CancellationToken cancellationToken)
    {
        var read = 0;
        while (read < buffer.Length)
        {
            var n = await stream.ReadAsync(buffer.AsMemory(read), cancellationToken).ConfigureAwait(false);
            if (n == 0)
            {
                break;
            }

            read += n;
        }

        return read;
    }
}
