using System.Text;
using System.Text.Json.Nodes;

namespace LlmHosting.TestSupport;

/// <summary>
/// Small LoRA adapter folders as PEFT saves them: <c>adapter_config.json</c> and an <c>adapter_model.safetensors</c>
/// written to the safetensors format (an 8-byte little-endian header length, the JSON header, zero-filled tensor data).
/// </summary>
internal static class AdapterFolderBuilder
{
    public const string ConfigFile = "adapter_config.json";
    public const string WeightsFile = "adapter_model.safetensors";

    /// <summary>A PEFT LoRA configuration.</summary>
    public static JsonObject Config(int rank = 16, string baseModel = "Qwen/Qwen3-4B") => new()
    {
        ["peft_type"] = "LORA",
        ["base_model_name_or_path"] = baseModel,
        ["r"] = rank,
        ["lora_alpha"] = 32,
        ["lora_dropout"] = 0.05,
        ["target_modules"] = new JsonArray("q_proj", "v_proj"),
        ["bias"] = "none",
        ["modules_to_save"] = null,
        ["use_dora"] = false,
        ["task_type"] = "CAUSAL_LM",
    };

    /// <summary>A safetensors file with one lora_A/lora_B pair of <paramref name="rank"/>, or <paramref name="tensorNames"/> when given.</summary>
    public static byte[] Weights(int rank = 16, int hidden = 8, string[]? tensorNames = null)
    {
        var names = tensorNames ?? [
            "base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight",
            "base_model.model.model.layers.0.self_attn.q_proj.lora_B.weight",
        ];
        var header = new JsonObject { ["__metadata__"] = new JsonObject { ["format"] = "pt" } };
        long offset = 0;
        foreach (var name in names)
        {
            int[] shape = name.Contains("lora_B", StringComparison.Ordinal) ? [hidden, rank] : [rank, hidden];
            var bytes = (long)shape[0] * shape[1] * 4;
            header[name] = new JsonObject
            {
                ["dtype"] = "F32",
                ["shape"] = new JsonArray(shape[0], shape[1]),
                ["data_offsets"] = new JsonArray(offset, offset + bytes),
            };
            offset += bytes;
        }

        var json = Encoding.UTF8.GetBytes(header.ToJsonString());
        var file = new byte[8 + json.Length + offset];
        BitConverter.TryWriteBytes(file.AsSpan(0, 8), (ulong)json.Length);
        json.CopyTo(file, 8);
        return file;
    }

    /// <summary>Writes a valid adapter folder (or the given config and weights) to a new temporary folder.</summary>
    public static string NewTempFolder(JsonObject? config = null, byte[]? weights = null, IReadOnlyDictionary<string, string>? extra = null)
        => WriteTo(LlmHosting.Tests.Shared.TempFolders.New("llmhost-adapter-"), config, weights, extra);

    /// <summary>Writes a valid adapter folder (or the given config and weights) to <paramref name="directory"/>.</summary>
    public static string WriteTo(string directory, JsonObject? config = null, byte[]? weights = null, IReadOnlyDictionary<string, string>? extra = null)
    {
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, ConfigFile), (config ?? Config()).ToJsonString());
        File.WriteAllBytes(Path.Combine(directory, WeightsFile), weights ?? Weights());
        foreach (var (key, content) in extra ?? new Dictionary<string, string>())
        {
            var path = Path.Combine(directory, key);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, content);
        }

        return directory;
    }
}
