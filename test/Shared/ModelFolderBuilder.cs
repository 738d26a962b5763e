using System.Text.Json.Nodes;

namespace LlmHosting.TestSupport;

/// <summary>
/// Small fake model folders (tiny "safetensors" shards) for validation tests: a valid gpt-oss-like folder and
/// one variant per kind of problem.
/// </summary>
internal static class ModelFolderBuilder
{
    public static readonly string[] Shards = ["model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors"];

    /// <summary>The files of a valid folder: relative key to content.</summary>
    public static Dictionary<string, string> Valid() => new()
    {
        ["config.json"] = """{"architectures":["GptOssForCausalLM"],"model_type":"gpt_oss"}""",
        ["tokenizer.json"] = """{"version":"1.0"}""",
        ["tokenizer_config.json"] = """{"model_max_length":131072}""",
        ["model.safetensors.index.json"] = Index(new JsonObject { ["metadata"] = new JsonObject() }),
        [Shards[0]] = "fake-shard-1",
        [Shards[1]] = "fake-shard-2",
    };

    /// <summary>An index naming both shards, with the given extra root fields.</summary>
    public static string Index(JsonObject root)
    {
        root["weight_map"] = new JsonObject
        {
            ["model.embed_tokens.weight"] = Shards[0],
            ["model.layers.0.mlp.weight"] = Shards[0],
            ["lm_head.weight"] = Shards[1],
        };
        return root.ToJsonString();
    }

    /// <summary>Every invalid variant: a name, the files, and the (key, message fragment) the report must hold.</summary>
    public static IEnumerable<(string Name, Dictionary<string, string> Files, string Key, string Fragment)> InvalidVariants()
    {
        yield return ("missing-config", Without("config.json"), "config.json", "missing");
        yield return ("missing-tokenizer", Without("tokenizer.json"), "tokenizer.json", "tokenizer vocabulary");
        yield return ("missing-tokenizer-config", Without("tokenizer_config.json"), "tokenizer_config.json", "tokenizer files");
        yield return ("unparsable-index", With("model.safetensors.index.json", "{\"metadata\": {"), "model.safetensors.index.json", "not valid JSON");
        yield return ("index-without-metadata", With("model.safetensors.index.json", Index(new JsonObject())), "model.safetensors.index.json", "no root 'metadata' object");
        yield return ("index-with-total-parameters",
            With("model.safetensors.index.json", Index(new JsonObject { ["metadata"] = new JsonObject(), ["total_parameters"] = 20914757184L })),
            "model.safetensors.index.json", "'total_parameters'");
        yield return ("missing-shard", Without(Shards[1]), Shards[1], "missing");
        yield return ("metal-folder", With("metal/model.bin", "fake-metal-weights"), "metal/", "metal/");
    }

    public static void WriteTo(string directory, IReadOnlyDictionary<string, string> files)
    {
        foreach (var (key, content) in files)
        {
            var path = Path.Combine(directory, key);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, content);
        }
    }

    public static string NewTempFolder(IReadOnlyDictionary<string, string> files)
    {
        var directory = Path.Combine(Path.GetTempPath(), "llmhost-model-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        WriteTo(directory, files);
        return directory;
    }

    private static Dictionary<string, string> Without(string key)
    {
        var files = Valid();
        files.Remove(key);
        return files;
    }

    private static Dictionary<string, string> With(string key, string content)
    {
        var files = Valid();
        files[key] = content;
        return files;
    }
}
