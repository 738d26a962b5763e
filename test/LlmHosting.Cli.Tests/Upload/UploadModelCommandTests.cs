using System.Security.Cryptography;
using Amazon.S3;
using Amazon.S3.Model;
using LlmHosting.Cli.Commands;
using LlmHosting.ModelValidation;
using LlmHosting.TestSupport;

namespace LlmHosting.Cli.Tests.Upload;

/// <summary><c>llmhost upload-model</c> against moto_server on 127.0.0.1: uploads, skips, resumes.</summary>
[Collection(MotoCollection.Name)]
public sealed class UploadModelCommandTests(MotoServer moto)
{
    private const int MiB = 1024 * 1024;

    [Fact]
    public async Task Upload_FreshFolder_EveryObjectAndItsChecksumReadBack()
    {
        using var run = new UploadHarness(moto);
        await run.CreateBucketAsync();
        var files = run.WriteModel(12 * MiB);
        var manifestOut = Path.Combine(run.Root, "manifest.json");

        var (code, output, error) = await run.RunAsync([run.Folder, $"s3://{run.Bucket}/models/m/", "--part-size", "5", "--manifest-out", manifestOut]);

        Assert.True(code == 0, error + output);
        Assert.Contains("Done: 6 uploaded, 0 resumed, 0 skipped", output);
        Assert.Equal([1, 2, 3], run.Counter.PartsSent);
        using var s3 = moto.S3();
        var checksums = new Dictionary<string, string>();
        foreach (var (key, content) in files)
        {
            using var get = await s3.GetObjectAsync(new GetObjectRequest { BucketName = run.Bucket, Key = "models/m/" + key, ChecksumMode = ChecksumMode.ENABLED });
            using var body = new MemoryStream();
            await get.ResponseStream.CopyToAsync(body);
            Assert.True(content.AsSpan().SequenceEqual(body.ToArray()), key);
            checksums[key] = get.ChecksumSHA256;
        }

        // Every part and every single-part object went with its SHA-256 for S3 to check (moto 5.2 does not check it, so the test does).
        var shard = files[ModelFolderBuilder.Shards[0]];
        var partDigests = Enumerable.Range(0, 3).Select(i => SHA256.HashData(shard.AsSpan(i * 5 * MiB, Math.Min(5 * MiB, shard.Length - (i * 5 * MiB))).ToArray())).ToList();
        Assert.Equal(partDigests.Select(Convert.ToBase64String), run.Counter.DataPuts.Where(c => c.Query.Contains("partNumber=")).OrderBy(c => c.Query).Select(c => c.ChecksumSha256));
        Assert.All(run.Counter.DataPuts.Where(c => !c.Query.Contains("partNumber=")), c => Assert.Equal(
            Convert.ToBase64String(SHA256.HashData(files[c.Path[$"/{run.Bucket}/models/m/".Length..]])), c.ChecksumSha256));

        // The manifest holds the checksum of every object as the store computed it: for the multipart object, moto's
        // composite of the parts it stored (S3 User Guide, "Checking object integrity": the checksum of the concatenated
        // part checksums, "-<parts>" appended), for the others the SHA-256 of the file.
        Assert.Equal(Convert.ToBase64String(SHA256.HashData(partDigests.SelectMany(d => d).ToArray())) + "-3", checksums[ModelFolderBuilder.Shards[0]]);
        Assert.Equal(Convert.ToBase64String(SHA256.HashData(files["config.json"])), checksums["config.json"]);
        using var manifestObject = await s3.GetObjectAsync(run.Bucket, "models/m.llmhost-manifest.json");
        var manifest = WeightsManifest.Parse(await new StreamReader(manifestObject.ResponseStream).ReadToEndAsync(), "s3");
        Assert.Equal(files.Keys.Order(StringComparer.Ordinal), manifest.Files.Select(f => f.Key));
        Assert.All(manifest.Files, f => Assert.Equal(checksums[f.Key], f.ChecksumSha256));
        Assert.Empty(manifest.Differences(await new S3ModelFolder(s3, run.Bucket, "models/m/").ListObjectsAsync()));
        Assert.Equal(manifest.ToJson(), await File.ReadAllTextAsync(manifestOut));
    }

    [Fact]
    public async Task Upload_SecondRun_SendsNoDataAndKeepsTheManifest()
    {
        using var run = new UploadHarness(moto);
        await run.CreateBucketAsync();
        run.WriteModel(6 * MiB);
        string[] args = [run.Folder, $"s3://{run.Bucket}/models/m/", "--part-size", "5"];
        var first = await run.RunAsync(args);
        Assert.True(first.ExitCode == 0, first.Error);
        var fingerprint = first.Output.Split("fingerprint ")[1][..16];

        var (code, output, error) = await run.RunAsync(args);

        Assert.True(code == 0, error);
        Assert.Contains("Done: 0 uploaded, 0 resumed, 6 skipped (unchanged); 0 bytes sent", output);
        Assert.Empty(run.Counter.DataPuts);
        Assert.Contains($"fingerprint {fingerprint}", output);
    }

    [Fact]
    public async Task Upload_ChangedFile_IsSentAgainAndChangesTheFingerprint()
    {
        using var run = new UploadHarness(moto);
        await run.CreateBucketAsync();
        run.WriteModel(1000);
        string[] args = [run.Folder, $"s3://{run.Bucket}/models/m/"];
        var first = await run.RunAsync(args);
        File.WriteAllText(Path.Combine(run.Folder, "config.json"), """{"architectures":["Qwen3ForCausalLM"],"model_type":"qwen3","changed":true}""");

        var (code, output, error) = await run.RunAsync(args);

        Assert.True(code == 0, error);
        Assert.Contains("Done: 1 uploaded, 0 resumed, 5 skipped", output);
        Assert.Single(run.Counter.DataPuts, c => c.Path.EndsWith("/config.json", StringComparison.Ordinal));
        Assert.NotEqual(first.Output.Split("fingerprint ")[1][..16], output.Split("fingerprint ")[1][..16]);
    }

    [Fact]
    public async Task Upload_InterruptedRun_ResumesWithoutResendingFinishedParts()
    {
        using var run = new UploadHarness(moto);
        await run.CreateBucketAsync();
        var files = run.WriteModel(20 * MiB);
        string[] args = [run.Folder, $"s3://{run.Bucket}/models/m/", "--part-size", "5", "--concurrency", "1"];
        using var interrupt = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var counter = new CountingHandler();
        counter.OnResponse = _ =>
        {
            if (counter.PartsSent.Count == 2)
            {
                interrupt.Cancel();
            }
        };

        var first = await run.RunAsync(args, interrupt.Token, counter);

        Assert.Equal(UploadModelCommand.ExitInterrupted, first.ExitCode);
        Assert.Contains("Run the same command again to resume", first.Error);
        Assert.Equal([1, 2], counter.PartsSent);

        var (code, output, error) = await run.RunAsync(args);

        Assert.True(code == 0, error);
        Assert.Equal([3, 4], run.Counter.PartsSent);
        Assert.Contains($"resumed   {ModelFolderBuilder.Shards[0]} (20.97 MB, 2 of 4 parts were already there)", output);
        using var s3 = moto.S3();
        using var get = await s3.GetObjectAsync(run.Bucket, "models/m/" + ModelFolderBuilder.Shards[0]);
        using var body = new MemoryStream();
        await get.ResponseStream.CopyToAsync(body);
        Assert.True(files[ModelFolderBuilder.Shards[0]].AsSpan().SequenceEqual(body.ToArray()));
        Assert.Empty((await s3.ListMultipartUploadsAsync(new ListMultipartUploadsRequest { BucketName = run.Bucket })).MultipartUploads ?? []);
    }

    [Fact]
    public async Task Upload_ResumedUploadWithAChangedPart_SendsThatPartAgain()
    {
        using var run = new UploadHarness(moto);
        await run.CreateBucketAsync();
        run.WriteModel(15 * MiB);
        string[] args = [run.Folder, $"s3://{run.Bucket}/models/m/", "--part-size", "5", "--concurrency", "1"];
        using var interrupt = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var counter = new CountingHandler();
        counter.OnResponse = _ =>
        {
            if (counter.PartsSent.Count == 2)
            {
                interrupt.Cancel();
            }
        };
        await run.RunAsync(args, interrupt.Token, counter);

        // Part 2 in S3 is replaced by other bytes of the same size: its ETag no longer matches the local part.
        using var s3 = moto.S3();
        var key = "models/m/" + ModelFolderBuilder.Shards[0];
        var upload = Assert.Single((await s3.ListMultipartUploadsAsync(new ListMultipartUploadsRequest { BucketName = run.Bucket })).MultipartUploads);
        await s3.UploadPartAsync(new UploadPartRequest { BucketName = run.Bucket, Key = key, UploadId = upload.UploadId, PartNumber = 2, InputStream = new MemoryStream(new byte[5 * MiB]) });

        var (code, _, error) = await run.RunAsync(args);

        Assert.True(code == 0, error);
        Assert.Equal([2, 3], run.Counter.PartsSent);
    }

    [Fact]
    public async Task Upload_DryRun_SendsNothing()
    {
        using var run = new UploadHarness(moto);
        await run.CreateBucketAsync();
        run.WriteModel(1000);

        var (code, output, error) = await run.RunAsync([run.Folder, $"s3://{run.Bucket}/models/m/", "--dry-run"]);

        Assert.True(code == 0, error);
        Assert.Contains("  would upload config.json (", output);
        Assert.Contains("Dry run: nothing was sent", output);
        Assert.DoesNotContain(run.Counter.Calls, c => c.Method is "PUT" or "POST");
    }

    [Fact]
    public async Task Upload_InvalidFolder_IsRefusedUnlessForced()
    {
        using var run = new UploadHarness(moto);
        await run.CreateBucketAsync();
        run.WriteModel(1000);
        File.Delete(Path.Combine(run.Folder, ModelFolderBuilder.Shards[1]));

        var refused = await run.RunAsync([run.Folder, $"s3://{run.Bucket}/models/m/"]);
        var refusedCalls = run.Counter.Calls.Count;
        var forced = await run.RunAsync([run.Folder, $"s3://{run.Bucket}/models/m/", "--force"]);

        Assert.Equal(UploadModelCommand.ExitInvalidFolder, refused.ExitCode);
        Assert.Contains($"  problem   {ModelFolderBuilder.Shards[1]}: missing", refused.Output);
        Assert.Equal($"error: {Path.GetFullPath(run.Folder)} has 1 problem(s) for Bedrock (listed above); nothing was uploaded. Fix them (llmhost prepare-model --fix), or pass --force.\n", refused.Error.Replace("\r\n", "\n"));
        Assert.Equal(0, refusedCalls);
        Assert.Equal(0, forced.ExitCode);
        Assert.Contains("Done: 5 uploaded", forced.Output);
    }

    [Fact]
    public async Task Upload_ExcludedFiles_AreLeftOutAndTheFolderIsValidWithoutThem()
    {
        using var run = new UploadHarness(moto);
        await run.CreateBucketAsync();
        run.WriteModel(1000);
        Directory.CreateDirectory(Path.Combine(run.Folder, "metal"));
        File.WriteAllText(Path.Combine(run.Folder, "metal", "model.bin"), "metal weights");
        Directory.CreateDirectory(Path.Combine(run.Folder, ".cache", "huggingface", "download"));
        File.WriteAllText(Path.Combine(run.Folder, ".cache", "huggingface", "download", "config.json.lock"), "");
        File.WriteAllText(Path.Combine(run.Folder, ".gitattributes"), "*.safetensors filter=lfs");

        var (code, output, error) = await run.RunAsync([run.Folder, $"s3://{run.Bucket}/models/m/"]);

        Assert.True(code == 0, error);
        Assert.Contains("  left out  metal (1 file(s): Apple Metal weights", output);
        using var s3 = moto.S3();
        var stored = await new S3ModelFolder(s3, run.Bucket, "models/m/").ListAsync();
        Assert.Equal(ModelFolderBuilder.Valid().Keys.Order(StringComparer.Ordinal), stored.Select(f => f.Key));
    }

    [Fact]
    public async Task Upload_ObjectsNotInTheFolder_AreReportedAndLeftAlone()
    {
        using var run = new UploadHarness(moto);
        await run.CreateBucketAsync();
        run.WriteModel(1000);
        using var s3 = moto.S3();
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = run.Bucket, Key = "models/m/old-shard.safetensors", ContentBody = "old" });

        var (code, output, _) = await run.RunAsync([run.Folder, $"s3://{run.Bucket}/models/m/"]);

        Assert.Equal(0, code);
        Assert.Contains("note: 1 object(s) under s3://" + run.Bucket + "/models/m/ are not in the folder (old-shard.safetensors)", output);
        Assert.NotNull(await s3.GetObjectMetadataAsync(run.Bucket, "models/m/old-shard.safetensors"));
    }
}
