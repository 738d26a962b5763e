using System.Security.Cryptography;
using Amazon.S3;
using Amazon.S3.Model;
using LlmHosting.ModelValidation;
using LlmHosting.TestSupport;

namespace LlmHosting.Cli.Tests.Upload;

/// <summary>
/// upload-model against moto_server: every part is hashed just before it is sent, from the file as it is then, and
/// goes with its SHA-256 (signed with it over HTTP, unsigned over HTTPS); the checksum S3 keeps for an object decides
/// what is skipped.
/// </summary>
[Collection(MotoCollection.Name)]
public sealed class UploadChecksumTests(MotoServer moto)
{
    private const int MiB = 1024 * 1024;

    [Theory]
    [InlineData("http")]
    [InlineData("https")]
    public async Task Upload_EveryDataPut_GoesPlainWithItsSha256_SignedOverHttpOnly(string scheme)
    {
        using var run = new UploadHarness(moto);
        run.Variables["AWS_ENDPOINT_URL"] = moto.Endpoint.Replace("http://", scheme + "://", StringComparison.Ordinal);
        await run.CreateBucketAsync();
        run.WriteModel(12 * MiB);
        var counter = new CountingHandler { HttpsSeenAsHttp = true };

        var (code, _, error) = await run.RunAsync([run.Folder, $"s3://{run.Bucket}/models/m/", "--part-size", "5"], counter: counter);

        Assert.True(code == 0, error);
        Assert.Equal(3 + 5, counter.DataPuts.Count);
        Assert.All(counter.DataPuts, c =>
        {
            Assert.Null(c.ContentEncoding);
            Assert.Equal(scheme == "https" ? "UNSIGNED-PAYLOAD" : Convert.ToHexStringLower(Convert.FromBase64String(c.ChecksumSha256!)), c.ContentSha256);
        });
    }

    [Fact]
    public async Task Upload_WithoutRememberedHashes_SkipsObjectsWhoseS3ChecksumMatches()
    {
        using var run = new UploadHarness(moto);
        await run.CreateBucketAsync();
        run.WriteModel(12 * MiB);
        string[] args = [run.Folder, $"s3://{run.Bucket}/models/m/", "--part-size", "5"];
        var first = await run.RunAsync(args);
        Assert.True(first.ExitCode == 0, first.Error);
        Directory.Delete(run.StateDirectory, recursive: true);

        var (code, output, error) = await run.RunAsync(args);

        Assert.True(code == 0, error);
        Assert.Contains("Done: 0 uploaded, 0 resumed, 6 skipped (unchanged); 0 bytes sent", output);
        Assert.Empty(run.Counter.DataPuts);
        Assert.Contains(run.Counter.Calls, c => c.Method == "HEAD" && c.Path.EndsWith(ModelFolderBuilder.Shards[0], StringComparison.Ordinal));
        Assert.Equal(first.Output.Split("fingerprint ")[1][..16], output.Split("fingerprint ")[1][..16]);
    }

    public static TheoryData<string, bool, string> RemoteShards() => new()
    {
        { "other bytes of the same size, with a SHA-256 checksum", true, "SHA256" },
        { "the same bytes, without a SHA-256 checksum (cannot be compared without reading it)", false, "CRC32" },
    };

    [Theory]
    [MemberData(nameof(RemoteShards))]
    public async Task Upload_SameSizeObjectThatCannotBeShownEqual_IsSentAgain(string why, bool otherBytes, string algorithm)
    {
        using var run = new UploadHarness(moto);
        await run.CreateBucketAsync();
        var files = run.WriteModel(6 * MiB);
        string[] args = [run.Folder, $"s3://{run.Bucket}/models/m/", "--part-size", "5"];
        Assert.Equal(0, (await run.RunAsync(args)).ExitCode);
        var shard = files[ModelFolderBuilder.Shards[0]];
        using var s3 = moto.S3();
        await s3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = run.Bucket,
            Key = "models/m/" + ModelFolderBuilder.Shards[0],
            InputStream = new MemoryStream(otherBytes ? new byte[shard.Length] : shard),
            ChecksumAlgorithm = ChecksumAlgorithm.FindValue(algorithm),
        });

        var (code, output, error) = await run.RunAsync(args);

        Assert.True(code == 0, why + ": " + error);
        Assert.Contains("Done: 1 uploaded, 0 resumed, 5 skipped", output);
        Assert.Equal([1, 2], run.Counter.PartsSent);
        using var get = await s3.GetObjectAsync(run.Bucket, "models/m/" + ModelFolderBuilder.Shards[0]);
        using var body = new MemoryStream();
        await get.ResponseStream.CopyToAsync(body);
        Assert.True(shard.AsSpan().SequenceEqual(body.ToArray()), why);
    }

    [Fact]
    public async Task Upload_NewFile_EachPartIsHashedJustBeforeItIsSent()
    {
        using var run = new UploadHarness(moto);
        await run.CreateBucketAsync();
        var files = run.WriteModel(15 * MiB);
        var path = Path.Combine(run.Folder, ModelFolderBuilder.Shards[0]);
        var written = File.GetLastWriteTimeUtc(path);
        var counter = new CountingHandler();
        var rewritten = false;
        counter.OnResponse = call =>
        {
            // Once part 1 is sent, part 3 gets other bytes (the modification time kept, so nothing notices):
            // a hash pass made before the first part went out would have sent part 3 with the old bytes' checksum.
            if (!rewritten && PartNumber(call) == 1)
            {
                rewritten = true;
                using (var stream = new FileStream(path, FileMode.Open, FileAccess.Write))
                {
                    stream.Position = 10 * MiB;
                    stream.Write(new byte[5 * MiB]);
                }

                File.SetLastWriteTimeUtc(path, written);
            }
        };

        var (code, _, error) = await run.RunAsync([run.Folder, $"s3://{run.Bucket}/models/m/", "--part-size", "5", "--concurrency", "1"], counter: counter);

        Assert.True(code == 0, error);
        Assert.True(rewritten);
        var part3 = counter.DataPuts.Single(c => PartNumber(c) == 3);
        Assert.Equal(Convert.ToBase64String(SHA256.HashData(new byte[5 * MiB])), part3.ChecksumSha256);
        Assert.NotEqual(Convert.ToBase64String(SHA256.HashData(files[ModelFolderBuilder.Shards[0]].AsSpan(10 * MiB))), part3.ChecksumSha256);
    }

    [Fact]
    public async Task Upload_FileChangedDuringItsUpload_IsNotCompletedAndTheNextRunFinishesIt()
    {
        using var run = new UploadHarness(moto);
        await run.CreateBucketAsync();
        run.WriteModel(15 * MiB);
        var path = Path.Combine(run.Folder, ModelFolderBuilder.Shards[0]);
        string[] args = [run.Folder, $"s3://{run.Bucket}/models/m/", "--part-size", "5", "--concurrency", "1"];
        var counter = new CountingHandler();
        counter.OnResponse = call =>
        {
            // Part 1, already sent, changes on disk while part 3 is still to go (its safetensors header, the first bytes, kept:
            // the next run checks the folder before it sends anything).
            if (PartNumber(call) == 2)
            {
                using var stream = new FileStream(path, FileMode.Open, FileAccess.Write);
                stream.Position = 64 * 1024;
                stream.Write(new byte[(5 * MiB) - (64 * 1024)]);
            }
        };

        var first = await run.RunAsync(args, counter: counter);

        Assert.Equal(1, first.ExitCode);
        Assert.Equal($"error: {path} changed while upload-model was running; run again when nothing writes to the folder.\n", first.Error.Replace("\r\n", "\n"));
        using var s3 = moto.S3();
        Assert.DoesNotContain((await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = run.Bucket })).S3Objects ?? [], o => o.Key.EndsWith(ModelFolderBuilder.Shards[0], StringComparison.Ordinal));

        var (code, _, error) = await run.RunAsync(args);

        Assert.True(code == 0, error);
        Assert.Equal([1], run.Counter.PartsSent);
        using var get = await s3.GetObjectAsync(run.Bucket, "models/m/" + ModelFolderBuilder.Shards[0]);
        using var body = new MemoryStream();
        await get.ResponseStream.CopyToAsync(body);
        Assert.True(File.ReadAllBytes(path).AsSpan().SequenceEqual(body.ToArray()));
    }

    private static int? PartNumber(S3Call call)
        => call.Query.TrimStart('?').Split('&').FirstOrDefault(p => p.StartsWith("partNumber=", StringComparison.Ordinal)) is { } p ? int.Parse(p["partNumber=".Length..]) : null;
}
