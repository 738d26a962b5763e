using System.Text.Json.Nodes;
using Amazon.S3;
using Amazon.S3.Model;
using LlmHosting.ModelValidation.Adapters;
using LlmHosting.TestSupport;

namespace LlmHosting.Lambda.WeightsGate.Tests;

/// <summary>
/// The gate on folders that are not whole models, over HTTP against moto_server: a LoRA adapter checked against its base
/// component (the properties WeightsGate.RequireAdapter writes: FolderKind LoraAdapter, Adapter {BaseModel, MaxLoraRank}), and
/// a speculative draft model's folder.
/// </summary>
public sealed class FolderKindGateTests(GateMoto moto) : IClassFixture<GateMoto>, IDisposable
{
    private readonly string _bucket = "adapters-" + Guid.NewGuid().ToString("N")[..12];
    private readonly AmazonS3Client _s3 = moto.Server.S3();
    private readonly StringWriter _log = new();

    public void Dispose() => _s3.Dispose();

    [Fact]
    public async Task Create_AdapterOfTheBaseModel_Passes()
    {
        var uri = await UploadAdapterAsync("models/qwen3-4b-support-lora/", AdapterFolderBuilder.Config(baseModel: "Qwen/Qwen3-4B"));

        var result = await Check().OnEventAsync(AdapterRequest(uri, "Qwen/Qwen3-4B", 16), CancellationToken.None);

        Assert.Equal("1", (string)result["Data"]!["FileCount"]!);
        Assert.Contains("fit for a LoRA adapter of Qwen/Qwen3-4B (maximum rank 16)", _log.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_AdapterOfAnotherBaseModel_IsRefusedNamingBoth()
    {
        var uri = await UploadAdapterAsync("models/llama-lora/", AdapterFolderBuilder.Config(baseModel: "meta-llama/Llama-3.1-8B-Instruct"));

        var error = await Assert.ThrowsAsync<WeightsNotReadyException>(() => Check().OnEventAsync(AdapterRequest(uri, "Qwen/Qwen3-4B", 16), CancellationToken.None));

        Assert.Equal(
            $"Model weights at {uri} are not ready for a LoRA adapter of Qwen/Qwen3-4B (maximum rank 16) (1 problem(s)): adapter_config.json: base_model_name_or_path is "
            + "'meta-llama/Llama-3.1-8B-Instruct', but the base component serves Qwen/Qwen3-4B: the adapter was trained for another model. Upload them (llmhost upload-model), "
            + $"check them with `llmhost validate-model {uri} --base-model Qwen/Qwen3-4B --max-lora-rank 16`, then deploy again.",
            error.Message);
    }

    [Fact]
    public async Task Create_AdapterAboveTheBasesRank_OrWithoutItsArchive_IsRefused()
    {
        var tooHigh = await UploadAdapterAsync("models/rank-64/", AdapterFolderBuilder.Config(rank: 64), AdapterFolderBuilder.Weights(rank: 64));
        await _s3.PutObjectAsync(new PutObjectRequest { BucketName = _bucket, Key = "models/loose/adapter_config.json", ContentBody = AdapterFolderBuilder.Config().ToJsonString() });

        var rank = await Assert.ThrowsAsync<WeightsNotReadyException>(() => Check().OnEventAsync(AdapterRequest(tooHigh, "Qwen/Qwen3-4B", 16), CancellationToken.None));
        var loose = await Assert.ThrowsAsync<WeightsNotReadyException>(() => Check().OnEventAsync(AdapterRequest($"s3://{_bucket}/models/loose/", "Qwen/Qwen3-4B", 16), CancellationToken.None));

        Assert.Contains("adapter_config.json: rank r 64 is above the base's maximum LoRA rank 16 (--max-lora-rank)", rank.Message, StringComparison.Ordinal);
        Assert.Contains("adapter.tar.gz: missing; SageMaker reads an adapter from this single archive", loose.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_MissingDraftModelFolder_IsRefused_AndAPresentOnePasses()
    {
        await _s3.PutBucketAsync(_bucket);
        await _s3.PutObjectAsync(new PutObjectRequest { BucketName = _bucket, Key = "models/gpt-oss-20b/eagle3/config.json", ContentBody = "{}" });
        await _s3.PutObjectAsync(new PutObjectRequest { BucketName = _bucket, Key = "models/gpt-oss-20b/eagle3/model.safetensors", ContentBody = "weights" });
        var missing = $"s3://{_bucket}/models/gpt-oss-20b/draft/";

        var error = await Assert.ThrowsAsync<WeightsNotReadyException>(() => Check().OnEventAsync(DraftRequest(missing), CancellationToken.None));
        await Check().OnEventAsync(DraftRequest($"s3://{_bucket}/models/gpt-oss-20b/eagle3/"), CancellationToken.None);

        Assert.StartsWith(
            $"Model weights at {missing} are not ready for a speculative decoding draft model (1 problem(s)): (folder): the folder is empty or does not exist: upload the draft model there.",
            error.Message, StringComparison.Ordinal);
        Assert.Contains("--draft`", error.Message, StringComparison.Ordinal);
    }

    private WeightsGateCheck Check() => new(WeightsGateCheckTests.FolderFor(_s3), _log);

    private static JsonObject AdapterRequest(string uri, string baseModel, int maxRank)
    {
        var request = WeightsGateCheckTests.Request(uri, "SageMaker");
        var properties = request["ResourceProperties"]!.AsObject();
        properties["FolderKind"] = "LoraAdapter";
        properties["Adapter"] = new JsonObject { ["BaseModel"] = baseModel, ["MaxLoraRank"] = maxRank.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        return request;
    }

    private static JsonObject DraftRequest(string uri)
    {
        var request = WeightsGateCheckTests.Request(uri, "SageMaker");
        request["ResourceProperties"]!["FolderKind"] = "SpeculativeDraft";
        return request;
    }

    private async Task<string> UploadAdapterAsync(string prefix, JsonObject config, byte[]? weights = null)
    {
        try
        {
            await _s3.PutBucketAsync(_bucket);
        }
        catch (AmazonS3Exception e) when (e.ErrorCode is "BucketAlreadyOwnedByYou" or "BucketAlreadyExists")
        {
        }

        var folder = AdapterFolderBuilder.NewTempFolder(config, weights);
        using var archive = new MemoryStream();
        await AdapterArchive.PackAsync(folder, [AdapterFolderBuilder.ConfigFile, AdapterFolderBuilder.WeightsFile], archive);
        await _s3.PutObjectAsync(new PutObjectRequest { BucketName = _bucket, Key = prefix + AdapterFolderValidator.ArchiveFileName, InputStream = new MemoryStream(archive.ToArray()) });
        return $"s3://{_bucket}/{prefix}";
    }
}
