using LlmHosting.Rules;

namespace LlmHosting.ModelValidation.Adapters;

/// <summary>
/// Checks <c>adapter_model.safetensors</c> from its header, without reading the tensors: the format itself (length,
/// JSON, offsets and file size) as <see cref="SafetensorsHeader"/> checks every weights file, then what makes it a LoRA
/// adapter: <c>lora_A</c>/<c>lora_B</c> pairs, where <c>lora_A</c>'s first dimension is the rank (PEFT
/// <c>tuners/lora/layer.py</c>).
/// </summary>
public static class AdapterWeights
{
    /// <summary>Reads the header from <paramref name="stream"/> (positioned at the file's start) and adds every problem.</summary>
    /// <param name="stream">The file's bytes; only the header is read.</param>
    /// <param name="size">The file's size, or null when unknown (the header is then not checked against it).</param>
    /// <param name="config">The adapter's configuration, for the rank, or null.</param>
    /// <param name="problems">Where problems are added, under the key <c>adapter_model.safetensors</c>.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    public static async Task CheckAsync(Stream stream, long? size, AdapterConfig? config, ICollection<ModelProblem> problems, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(problems);
        void Add(string message) => problems.Add(new ModelProblem(AdapterRules.WeightsFile, message));

        var lengthBytes = new byte[8];
        var read = await ReadFullyAsync(stream, lengthBytes, cancellationToken).ConfigureAwait(false);
        SafetensorsHeader header;
        try
        {
            var length = SafetensorsHeader.ReadHeaderLength(lengthBytes, size ?? (read < 8 ? read : long.MaxValue));
            var bytes = new byte[length];
            if (await ReadFullyAsync(stream, bytes, cancellationToken).ConfigureAwait(false) < bytes.Length)
            {
                Add("ends inside its safetensors header: the file is truncated");
                return;
            }

            header = SafetensorsHeader.Parse(bytes);
        }
        catch (SafetensorsFormatException e)
        {
            Add($"does not start with a safetensors header: it {e.Message}");
            return;
        }

        if (size is { } total && total != header.ExpectedFileSize)
        {
            Add($"is {total} bytes but its header declares {header.ExpectedFileSize}: the file is {(total < header.ExpectedFileSize ? "truncated" : "padded or damaged")}");
            return;
        }

        CheckTensors(header, config, Add);
    }

    private static void CheckTensors(SafetensorsHeader header, AdapterConfig? config, Action<string> add)
    {
        var lora = header.TensorNames.Where(t => t.Contains("lora_A", StringComparison.Ordinal) || t.Contains("lora_B", StringComparison.Ordinal)).ToList();
        if (lora.Count == 0)
        {
            add(header.TensorNames.Count == 0 ? "holds no tensors" : $"holds {header.TensorNames.Count} tensors but none of a LoRA adapter (lora_A, lora_B): is it a model instead of an adapter?");
            return;
        }

        if (config?.Rank is not { } rank)
        {
            return;
        }

        // lora_A is (r, in_features): its first dimension is the rank the adapter was trained with.
        var ranks = lora.Where(t => t.Contains("lora_A", StringComparison.Ordinal))
            .Select(t => header.Shapes[t])
            .Where(shape => shape.Count == 2)
            .Select(shape => shape[0])
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
