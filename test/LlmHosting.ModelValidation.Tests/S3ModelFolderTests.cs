using Amazon.S3;
using Amazon.S3.Model;
using LlmHosting.TestSupport;

namespace LlmHosting.ModelValidation.Tests;

/// <summary>The validator over S3, against moto_server: the path the import handler takes before a job starts.</summary>
[Collection(MotoCollection.Name)]
public sealed class S3ModelFolderTests(MotoServer moto)
{
    public static TheoryData<string> InvalidVariantNames()
    {
        var data = new TheoryData<string>();
        foreach (var variant in ModelFolderBuilder.InvalidVariants())
        {
            data.Add(variant.Name);
        }

        return data;
    }

    [Fact]
    public async Task Validate_ValidFolderInS3_HasNoProblems()
    {
        using var s3 = moto.S3();
        var folder = await Upload(s3, "valid", ModelFolderBuilder.Valid());

        var report = await ModelFolderValidator.ValidateAsync(folder);

        Assert.True(report.IsValid, string.Join("; ", report.Problems));
        Assert.Equal(6, report.FileCount);
        Assert.Equal(ModelFolderBuilder.Valid().Values.Sum(v => (long)v.Length), report.TotalSizeInBytes);
    }

    [Theory]
    [MemberData(nameof(InvalidVariantNames))]
    public async Task Validate_InvalidFolderInS3_ReportsTheProblemWithItsKey(string name)
    {
        var variant = ModelFolderBuilder.InvalidVariants().Single(v => v.Name == name);
        using var s3 = moto.S3();
        var folder = await Upload(s3, name, variant.Files);

        var report = await ModelFolderValidator.ValidateAsync(folder);

        var problem = Assert.Single(report.Problems);
        Assert.Equal(variant.Key, problem.Key);
        Assert.Contains(variant.Fragment, problem.Message);
    }

    [Fact]
    public async Task Validate_LargeShardsInS3_ReadsOnlyTheirHeaders()
    {
        var files = ModelFolderBuilder.Valid();
        files[ModelFolderBuilder.Shards[0]] = ModelFolderBuilder.Safetensors([("model.embed_tokens.weight", 3 << 20), ("model.layers.0.mlp.weight", 1 << 20)]);
        using var s3 = moto.S3();
        var folder = await Upload(s3, "large", files);

        var report = await ModelFolderValidator.ValidateAsync(folder);

        Assert.True(report.IsValid, string.Join("; ", report.Problems));
        // config.json and the index whole, then one ranged GET per shard of at most 256 KiB (the header probe): of the 4 MiB
        // shard, its first 256 KiB only.
        Assert.Equal(4, folder.GetRequests);
        var small = files["config.json"].Length + files["model.safetensors.index.json"].Length + files[ModelFolderBuilder.Shards[1]].Length;
        Assert.Equal(small + (256 * 1024), folder.BytesRead);
    }

    [Fact]
    public async Task Validate_SeveralProblems_ReportsEveryOne()
    {
        var files = ModelFolderBuilder.Valid();
        files.Remove("config.json");
        files.Remove(ModelFolderBuilder.Shards[0]);
        files.Remove(ModelFolderBuilder.Shards[1]);
        files["metal/model.bin"] = "m";
        using var s3 = moto.S3();
        var folder = await Upload(s3, "several", files);

        var report = await ModelFolderValidator.ValidateAsync(folder);

        Assert.Equal(["config.json", ModelFolderBuilder.Shards[0], ModelFolderBuilder.Shards[1], "metal/"], report.Problems.Select(p => p.Key));
    }

    [Fact]
    public async Task List_MorePagesThanOne_ListsEveryFileOnlyUnderThePrefix()
    {
        using var s3 = moto.S3();
        var folder = await Upload(s3, "paged", ModelFolderBuilder.Valid());
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = folder.Bucket, Key = "paged-sibling/config.json", ContentBody = "{}" });
        var paged = new S3ModelFolder(s3, folder.Bucket, folder.Prefix) { PageSize = 2 };

        var files = await paged.ListAsync();

        Assert.Equal(ModelFolderBuilder.Valid().Keys.Order(StringComparer.Ordinal), files.Select(f => f.Key));
    }

    [Fact]
    public async Task ListObjects_GivesSizesAndUnquotedETags_ThatAManifestCanCompare()
    {
        using var s3 = moto.S3();
        var files = ModelFolderBuilder.Valid();
        var folder = await Upload(s3, "etags", files);

        var objects = await folder.ListObjectsAsync();

        // A single-part PUT's ETag is the MD5 of the content (S3 API reference, Common Response Headers).
        Assert.Equal(
            files.OrderBy(f => f.Key, StringComparer.Ordinal).Select(f => new StoredObject(f.Key, f.Value.Length, Convert.ToHexStringLower(System.Security.Cryptography.MD5.HashData(System.Text.Encoding.UTF8.GetBytes(f.Value))))),
            objects);
        var manifest = new WeightsManifest(folder.Prefix, objects.Select(o => new ManifestEntry(o.Key, o.Size, new string('0', 64), o.ETag)).ToList());
        Assert.Empty(manifest.Differences(objects));
    }

    [Fact]
    public async Task Validate_MissingPrefix_ReportsAnEmptyFolder()
    {
        using var s3 = moto.S3();
        await s3.PutBucketAsync("empty-bucket");

        var report = await ModelFolderValidator.ValidateAsync(new S3ModelFolder(s3, "empty-bucket", "models/none/"));

        Assert.Contains("empty or does not exist", Assert.Single(report.Problems).Message);
    }

    private static async Task<S3ModelFolder> Upload(IAmazonS3 s3, string name, IReadOnlyDictionary<string, string> files)
    {
        var bucket = "weights-" + Guid.NewGuid().ToString("N")[..12];
        await s3.PutBucketAsync(bucket);
        var prefix = $"models/{name}/";
        foreach (var (key, content) in files)
        {
            await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = prefix + key, ContentBody = content });
        }

        return S3ModelFolder.FromUri(s3, $"s3://{bucket}/{prefix}");
    }
}
