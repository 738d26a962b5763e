using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace LlmHosting.TestSupport;

/// <summary>
/// Small fake model folders for validation tests: a valid Qwen3-like folder whose shards are real (tiny) safetensors
/// files, and one variant per kind of problem. Every file is ASCII, so that a string's length is its size in bytes
/// whichever way a test writes or uploads it.
/// </summary>
internal static class ModelFolderBuilder
{
    public static readonly string[] Shards = ["model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors"];

    /// <summary>The tensors of each shard of <see cref="Valid"/>: name and size in bytes (dtype U8).</summary>
    public static readonly (string Name, int Bytes)[][] ShardTensors =
    [
        [("model.embed_tokens.weight", 24), ("model.layers.0.mlp.weight", 16)],
        [("lm_head.weight", 24)],
    ];

    /// <summary>The key of the gpt-oss vocabulary in a folder.</summary>
    public const string VocabularyKey = "tiktoken/o200k_base.tiktoken";

    /// <summary>A stand-in for the vocabulary: tests pass a contract whose hash is this text's (<see cref="VocabularySha256"/>).</summary>
    public const string FakeVocabulary = "IQ== 0\nIg== 1\nIw== 2\n";

    public static string VocabularySha256 => Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(FakeVocabulary)));

    /// <summary>The files of a valid folder: relative key to content.</summary>
    public static Dictionary<string, string> Valid() => new()
    {
        ["config.json"] = """{"architectures":["Qwen3ForCausalLM"],"model_type":"qwen3"}""",
        ["tokenizer.json"] = """{"version":"1.0"}""",
        ["tokenizer_config.json"] = """{"model_max_length":40960}""",
        ["model.safetensors.index.json"] = Index(new JsonObject { ["metadata"] = new JsonObject() }),
        [Shards[0]] = Safetensors(ShardTensors[0]),
        [Shards[1]] = Safetensors(ShardTensors[1]),
    };

    /// <summary>A valid gpt-oss-like folder: gpt-oss's config.json, with (or without) the fake vocabulary.</summary>
    public static Dictionary<string, string> GptOss(bool withVocabulary = true)
    {
        var files = Valid();
        files["config.json"] = """{"architectures":["GptOssForCausalLM"],"model_type":"gpt_oss"}""";
        if (withVocabulary)
        {
            files[VocabularyKey] = FakeVocabulary;
        }

        return files;
    }

    /// <summary>An index naming both shards, with the given extra root fields.</summary>
    public static string Index(JsonObject root)
    {
        var weightMap = new JsonObject();
        for (var shard = 0; shard < Shards.Length; shard++)
        {
            foreach (var (name, _) in ShardTensors[shard])
            {
                weightMap[name] = Shards[shard];
            }
        }

        root["weight_map"] = weightMap;
        return root.ToJsonString();
    }

    /// <summary>
    /// A safetensors file (huggingface/safetensors README, "Format") of U8 tensors filled with 'x'. The JSON header is
    /// padded with spaces, as the format allows, to a length whose 8 little-endian bytes are all ASCII.
    /// </summary>
    public static string Safetensors((string Name, int Bytes)[] tensors, string? metadata = "pt")
    {
        var header = new JsonObject();
        if (metadata is not null)
        {
            header["__metadata__"] = new JsonObject { ["format"] = metadata };
        }

        var offset = 0;
        foreach (var (name, bytes) in tensors)
        {
            header[name] = new JsonObject { ["dtype"] = "U8", ["shape"] = new JsonArray(bytes), ["data_offsets"] = new JsonArray(offset, offset + bytes) };
            offset += bytes;
        }

        var json = header.ToJsonString();
        var length = json.Length;
        while (BitConverter.GetBytes((ulong)length).Any(b => b >= 0x80))
        {
            length++;
        }

        var prefix = new string(BitConverter.GetBytes((ulong)length).Select(b => (char)b).ToArray());
        return prefix + json.PadRight(length) + new string('x', offset);
    }

    /// <summary>
    /// The first shard of <see cref="Valid"/> as a valid safetensors file of about <paramref name="totalBytes"/> bytes (exactly,
    /// when that leaves room for the header) whose data is random: an upload of it needs several parts.
    /// </summary>
    public static byte[] LargeFirstShard(int totalBytes, Random random)
    {
        var (first, second) = (ShardTensors[0][0].Name, ShardTensors[0][1]);
        // The header's length depends on the digits of the data size: settle it in a few rounds.
        var data = Math.Max(1, totalBytes - second.Bytes - 8);
        var header = "";
        for (var round = 0; round < 4; round++)
        {
            header = Safetensors([(first, data), second])[..^(data + second.Bytes)];
            data = Math.Max(1, totalBytes - second.Bytes - header.Length);
        }

        header = Safetensors([(first, data), second])[..^(data + second.Bytes)];
        var bytes = new byte[header.Length + data + second.Bytes];
        Bytes(header).CopyTo(bytes, 0);
        random.NextBytes(bytes.AsSpan(header.Length));
        return bytes;
    }

    /// <summary>Every invalid variant: a name, the files, and the (key, message fragment) of the one problem the report must hold.</summary>
    public static IEnumerable<(string Name, Dictionary<string, string> Files, string Key, string Fragment)> InvalidVariants()
    {
        yield return ("missing-config", Without("config.json"), "config.json", "missing");
        yield return ("config-not-json", With("config.json", """{"architectures": ["Qwen3ForCausalLM"],"""), "config.json", "not valid JSON");
        yield return ("config-without-model", With("config.json", """{"hidden_size": 2560}"""), "config.json", "neither 'architectures'");
        yield return ("missing-tokenizer", Without("tokenizer.json"), "tokenizer.json", "tokenizer vocabulary");
        yield return ("missing-tokenizer-config", Without("tokenizer_config.json"), "tokenizer_config.json", "tokenizer files");
        yield return ("unparsable-index", With("model.safetensors.index.json", "{\"metadata\": {"), "model.safetensors.index.json", "not valid JSON");
        yield return ("index-without-metadata", With("model.safetensors.index.json", Index(new JsonObject())), "model.safetensors.index.json", "no root 'metadata' object");
        yield return ("index-with-total-parameters",
            With("model.safetensors.index.json", Index(new JsonObject { ["metadata"] = new JsonObject(), ["total_parameters"] = 20914757184L })),
            "model.safetensors.index.json", "'total_parameters'");
        yield return ("index-names-a-tensor-twice",
            With("model.safetensors.index.json", Index(new JsonObject { ["metadata"] = new JsonObject() }).Replace("\"lm_head.weight\"", $"\"model.layers.0.mlp.weight\":\"{Shards[1]}\",\"lm_head.weight\"")),
            "model.safetensors.index.json", "names tensor 'model.layers.0.mlp.weight' twice");
        yield return ("missing-shard", Without(Shards[1]), Shards[1], "missing");
        yield return ("shard-one-byte-short", With(Shards[1], Valid()[Shards[1]][..^1]), Shards[1], "truncated (1 bytes missing)");
        yield return ("shard-with-extra-bytes", With(Shards[1], Valid()[Shards[1]] + "x"), Shards[1], "1 more than the 8 +");
        yield return ("shard-with-corrupt-header", With(Shards[0], Valid()[Shards[0]].Replace("\"dtype\":", "\"dtype\";")), Shards[0], "header that is not valid JSON");
        yield return ("stray-shard", With("model-00003-of-00003.safetensors", Safetensors([("extra.weight", 8)])), "model-00003-of-00003.safetensors", "not named by");
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
        var directory = LlmHosting.Tests.Shared.TempFolders.New("llmhost-model-");
        WriteTo(directory, files);
        return directory;
    }

    /// <summary>The bytes of a test file: every file here is ASCII.</summary>
    public static byte[] Bytes(string content) => Encoding.Latin1.GetBytes(content);

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
