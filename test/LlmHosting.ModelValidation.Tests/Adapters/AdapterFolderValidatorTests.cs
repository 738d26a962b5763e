using System.Diagnostics;
using System.Text.Json.Nodes;
using Amazon.S3.Model;
using LlmHosting.ModelValidation.Adapters;
using LlmHosting.TestSupport;

namespace LlmHosting.ModelValidation.Tests.Adapters;

/// <summary>
/// LoRA adapters as vLLM loads them (vllm/lora/peft_helper.py): a PEFT folder on disk, its adapter.tar.gz (checked against
/// Python's tarfile, an independent reader and writer), and a bucket prefix (moto_server).
/// </summary>
[Collection(MotoCollection.Name)]
public sealed class AdapterFolderValidatorTests(MotoServer moto)
{
    private static readonly AdapterExpectations Qwen16 = new("Qwen/Qwen3-4B", 16);

    [Fact]
    public async Task Validate_PeftFolderOfTheBase_HasNoProblems()
    {
        var folder = new LocalModelFolder(AdapterFolderBuilder.NewTempFolder());

        var report = await AdapterFolderValidator.ValidateAsync(folder, Qwen16, requireArchive: false);

        Assert.True(report.IsValid, string.Join("; ", report.Problems));
        Assert.True(AdapterFolderValidator.IsAdapter(await folder.ListAsync()));
    }

    [Theory]
    [InlineData("unsloth/Qwen3-4B")]
    [InlineData("/home/me/models/qwen3-4b/")]
    [InlineData("qwen/qwen3-4b")]
    public async Task Validate_BaseNamedByAMirrorOrALocalCopy_Matches(string baseModel)
    {
        var folder = new LocalModelFolder(AdapterFolderBuilder.NewTempFolder(AdapterFolderBuilder.Config(baseModel: baseModel)));

        var report = await AdapterFolderValidator.ValidateAsync(folder, Qwen16, requireArchive: false);

        Assert.True(report.IsValid, string.Join("; ", report.Problems));
    }

    [Fact]
    public async Task Validate_EveryReasonVllmRefusesAnAdapter_IsReportedAtOnce()
    {
        var config = AdapterFolderBuilder.Config(rank: 64, baseModel: "meta-llama/Llama-3.1-8B-Instruct");
        config["modules_to_save"] = new JsonArray("lm_head");
        config["use_dora"] = true;
        config.Remove("target_modules");
        var folder = new LocalModelFolder(AdapterFolderBuilder.NewTempFolder(config, AdapterFolderBuilder.Weights(rank: 64)));

        var report = await AdapterFolderValidator.ValidateAsync(folder, Qwen16, requireArchive: false);

        Assert.All(report.Problems, p => Assert.Equal("adapter_config.json", p.Key));
        var messages = string.Join("\n", report.Problems.Select(p => p.Message));
        Assert.Contains("rank r 64 is above the base's maximum LoRA rank 16 (--max-lora-rank)", messages, StringComparison.Ordinal);
        Assert.Contains("base_model_name_or_path is 'meta-llama/Llama-3.1-8B-Instruct', but the base component serves Qwen/Qwen3-4B", messages, StringComparison.Ordinal);
        Assert.Contains("modules_to_save lists lm_head", messages, StringComparison.Ordinal);
        Assert.Contains("use_dora is true", messages, StringComparison.Ordinal);
        Assert.Contains("has no 'target_modules'", messages, StringComparison.Ordinal);
        Assert.Equal(5, report.Problems.Count);
    }

    [Fact]
    public async Task Validate_RankPatternAboveTheMaximum_IsRefused()
    {
        var config = AdapterFolderBuilder.Config(rank: 8);
        config["rank_pattern"] = new JsonObject { ["q_proj"] = 32 };
        var folder = new LocalModelFolder(AdapterFolderBuilder.NewTempFolder(config, AdapterFolderBuilder.Weights(rank: 32)));

        var report = await AdapterFolderValidator.ValidateAsync(folder, Qwen16, requireArchive: false);

        Assert.Contains(report.Problems, p => p.Message.StartsWith("rank 32 (rank_pattern) is above the base's maximum LoRA rank 16", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Validate_WeightsThatAreNotALoraAdapter_OrOfAnotherRank_AreReported()
    {
        var notLora = new LocalModelFolder(AdapterFolderBuilder.NewTempFolder(weights: AdapterFolderBuilder.Weights(tensorNames: ["model.embed_tokens.weight"])));
        var otherRank = new LocalModelFolder(AdapterFolderBuilder.NewTempFolder(AdapterFolderBuilder.Config(rank: 8), AdapterFolderBuilder.Weights(rank: 16)));
        var garbage = new LocalModelFolder(AdapterFolderBuilder.NewTempFolder(weights: "not a safetensors file"u8.ToArray()));

        var notLoraReport = await AdapterFolderValidator.ValidateAsync(notLora, Qwen16, requireArchive: false);
        var otherRankReport = await AdapterFolderValidator.ValidateAsync(otherRank, Qwen16, requireArchive: false);
        var garbageReport = await AdapterFolderValidator.ValidateAsync(garbage, Qwen16, requireArchive: false);

        Assert.Equal("adapter_model.safetensors: holds 1 tensors but none of a LoRA adapter (lora_A, lora_B): is it a model instead of an adapter?", Assert.Single(notLoraReport.Problems).ToString());
        Assert.Equal("adapter_model.safetensors: has lora_A tensors of rank 16, above the rank 8 of adapter_config.json; the configuration does not match the weights", Assert.Single(otherRankReport.Problems).ToString());
        Assert.StartsWith("adapter_model.safetensors: does not start with a safetensors header", Assert.Single(garbageReport.Problems).ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_TruncatedWeights_AreReportedWithTheSizeTheHeaderDeclares()
    {
        // The adapter's weights go through the same safetensors format check as a model's shards (SafetensorsHeader).
        var whole = AdapterFolderBuilder.Weights(rank: 8);
        var truncated = new LocalModelFolder(AdapterFolderBuilder.NewTempFolder(AdapterFolderBuilder.Config(rank: 8), whole[..^4]));

        var report = await AdapterFolderValidator.ValidateAsync(truncated, Qwen16, requireArchive: false);

        Assert.Equal($"adapter_model.safetensors: is {whole.Length - 4} bytes but its header declares {whole.Length}: the file is truncated", Assert.Single(report.Problems).ToString());
    }

    [Fact]
    public async Task Validate_WeightsOnlyAsBin_SaysHowToConvert()
    {
        var directory = AdapterFolderBuilder.NewTempFolder(extra: new Dictionary<string, string> { ["adapter_model.bin"] = "pickle" });
        File.Delete(Path.Combine(directory, AdapterFolderBuilder.WeightsFile));

        var report = await AdapterFolderValidator.ValidateAsync(new LocalModelFolder(directory), Qwen16, requireArchive: false);

        Assert.Equal(
            "adapter_model.safetensors: missing; an adapter needs its weights in safetensors format (adapter_model.bin is there: convert it to safetensors, for example with PEFT's save_pretrained(safe_serialization=True))",
            Assert.Single(report.Problems).ToString());
    }

    [Fact]
    public async Task ModelValidator_OnAnAdapterFolder_SaysItIsAnAdapter()
    {
        var report = await ModelFolderValidator.ValidateAsync(new LocalModelFolder(AdapterFolderBuilder.NewTempFolder()), ModelFolderRules.SageMaker);

        Assert.StartsWith("config.json: missing: the folder holds a LoRA adapter (adapter_config.json or adapter.tar.gz), not a model; vLLM on SageMaker serves it as an adapter inference component", Assert.Single(report.Problems).ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pack_TheSameFilesTwice_MakesTheSameBytes_WhichPythonsTarfileReadsAtTheRoot()
    {
        var folder = AdapterFolderBuilder.NewTempFolder(extra: new Dictionary<string, string> { ["README.md"] = "# support adapter" });
        var keys = new[] { "README.md", AdapterFolderBuilder.ConfigFile, AdapterFolderBuilder.WeightsFile };
        var first = Path.Combine(folder + ".out", "first.tar.gz");
        Directory.CreateDirectory(Path.GetDirectoryName(first)!);
        await using (var output = File.Create(first))
        {
            await AdapterArchive.PackAsync(folder, keys, output);
        }

        File.SetLastWriteTimeUtc(Path.Combine(folder, AdapterFolderBuilder.ConfigFile), DateTime.UtcNow.AddDays(-3));
        using var second = new MemoryStream();
        await AdapterArchive.PackAsync(folder, keys.Reverse(), second);

        Assert.Equal(await File.ReadAllBytesAsync(first), second.ToArray());
        var listing = Python("""
            import sys, tarfile, hashlib
            with tarfile.open(sys.argv[1], "r:gz") as t:
                for m in t.getmembers():
                    print(m.name, m.isfile(), hashlib.sha256(t.extractfile(m).read()).hexdigest())
            """, first);
        var expected = keys.Order(StringComparer.Ordinal).Select(k => $"{k} True {Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(Path.Combine(folder, k))))}");
        Assert.Equal(expected, listing.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task Check_AnArchiveMadeLikeAwssNotebook_PassesOrNamesTheRank()
    {
        // aws/model-hosting-container-standards' LoRA notebook: tarfile.open("adapter.tar.gz", "w:gz"), arcname = file name.
        var folder = AdapterFolderBuilder.NewTempFolder(AdapterFolderBuilder.Config(rank: 32), AdapterFolderBuilder.Weights(rank: 32));
        var archive = folder + ".tar.gz";
        Python("""
            import os, sys, tarfile
            with tarfile.open(sys.argv[2], "w:gz") as tar:
                for name in os.listdir(sys.argv[1]):
                    tar.add(os.path.join(sys.argv[1], name), arcname=name)
            """, folder, archive);

        var fits = new List<ModelProblem>();
        var tooHigh = new List<ModelProblem>();
        await using (var stream = File.OpenRead(archive))
        {
            await AdapterArchive.CheckAsync(stream, new AdapterExpectations("Qwen/Qwen3-4B", 32), fits);
        }

        await using (var stream = File.OpenRead(archive))
        {
            await AdapterArchive.CheckAsync(stream, Qwen16, tooHigh);
        }

        Assert.Empty(fits);
        Assert.StartsWith("adapter_config.json: rank r 32 is above the base's maximum LoRA rank 16", Assert.Single(tooHigh).ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_NotAnArchive_OrWithoutItsFilesAtTheRoot_IsReported()
    {
        var folder = AdapterFolderBuilder.NewTempFolder();
        var nested = folder + ".nested.tar.gz";
        Python("""
            import sys, tarfile
            with tarfile.open(sys.argv[2], "w:gz") as tar:
                tar.add(sys.argv[1], arcname="adapter")
            """, folder, nested);
        var notGzip = new List<ModelProblem>();
        var wrongLayout = new List<ModelProblem>();

        await AdapterArchive.CheckAsync(new MemoryStream("plain text"u8.ToArray()), Qwen16, notGzip);
        await using (var stream = File.OpenRead(nested))
        {
            await AdapterArchive.CheckAsync(stream, Qwen16, wrongLayout);
        }

        Assert.StartsWith("adapter.tar.gz: is not a readable .tar.gz archive", Assert.Single(notGzip).ToString(), StringComparison.Ordinal);
        Assert.Equal(
            ["adapter_config.json: missing at the root of adapter.tar.gz; an adapter needs its PEFT configuration",
             "adapter_model.safetensors: missing at the root of adapter.tar.gz; an adapter needs its weights in safetensors format"],
            wrongLayout.Select(p => p.ToString()));
    }

    [Fact]
    public async Task Validate_BucketPrefix_ReadsTheArchive_AndRefusesLooseFiles()
    {
        using var s3 = moto.S3();
        var bucket = "adapters-" + Guid.NewGuid().ToString("N")[..12];
        await s3.PutBucketAsync(bucket);
        var folder = AdapterFolderBuilder.NewTempFolder(AdapterFolderBuilder.Config(baseModel: "meta-llama/Llama-3.1-8B"));
        using var archive = new MemoryStream();
        await AdapterArchive.PackAsync(folder, [AdapterFolderBuilder.ConfigFile, AdapterFolderBuilder.WeightsFile], archive);
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "models/support/adapter.tar.gz", InputStream = new MemoryStream(archive.ToArray()) });
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "models/loose/adapter_config.json", ContentBody = AdapterFolderBuilder.Config().ToJsonString() });

        var packed = await AdapterFolderValidator.ValidateAsync(new S3ModelFolder(s3, bucket, "models/support/"), Qwen16, requireArchive: true);
        var loose = await AdapterFolderValidator.ValidateAsync(new S3ModelFolder(s3, bucket, "models/loose/"), Qwen16, requireArchive: true);

        Assert.Equal("adapter_config.json: base_model_name_or_path is 'meta-llama/Llama-3.1-8B', but the base component serves Qwen/Qwen3-4B: the adapter was trained for another model", Assert.Single(packed.Problems).ToString());
        Assert.StartsWith("adapter.tar.gz: missing; SageMaker reads an adapter from this single archive", Assert.Single(loose.Problems).ToString(), StringComparison.Ordinal);
    }

    private static string Python(string script, params string[] arguments)
    {
        var start = new ProcessStartInfo("python3", ["-c", script, .. arguments]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(TimeSpan.FromSeconds(30)), "python3 did not finish within 30 s");
        Assert.True(process.ExitCode == 0, process.StandardError.ReadToEnd());
        return output;
    }
}
