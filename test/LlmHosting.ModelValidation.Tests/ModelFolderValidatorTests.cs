using LlmHosting.TestSupport;

namespace LlmHosting.ModelValidation.Tests;

public sealed class ModelFolderValidatorTests
{
    /// <summary>
    /// A listing that claims sizes no test machine could hold, to check the limit honestly at its edge: a file listed
    /// larger than its content is sparse (its bytes past the content read as zeros; only headers are read).
    /// </summary>
    private sealed class ListedFolder(IReadOnlyDictionary<string, string> files, IReadOnlyDictionary<string, long> sizes) : IModelFolder
    {
        public string Location => "memory://listed/";

        public Task<IReadOnlyList<ModelFile>> ListAsync(CancellationToken cancellationToken = default)
            => Task.FromResult<IReadOnlyList<ModelFile>>(files.Keys.Select(k => new ModelFile(k, sizes.GetValueOrDefault(k, files[k].Length))).ToList());

        public Task<string> ReadTextAsync(string key, CancellationToken cancellationToken = default) => Task.FromResult(files[key]);

        public Task<byte[]> ReadBytesAsync(string key, long offset, int count, CancellationToken cancellationToken = default)
        {
            var content = ModelFolderBuilder.Bytes(files[key]);
            var size = sizes.GetValueOrDefault(key, content.Length);
            var bytes = new byte[(int)Math.Min(count, Math.Max(0, size - offset))];
            var available = (int)Math.Max(0, Math.Min(bytes.Length, content.Length - offset));
            content.AsSpan((int)Math.Min(offset, content.Length), available).CopyTo(bytes);
            return Task.FromResult(bytes);
        }
    }

    /// <summary>A one-tensor shard whose header declares <paramref name="size"/> bytes in all: listed at that size, it is valid.</summary>
    private static string SparseShard(string tensor, long size)
    {
        for (var headerLength = 64; ; headerLength++)
        {
            var data = size - 8 - headerLength;
            var json = $"{{\"{tensor}\":{{\"dtype\":\"U8\",\"shape\":[{data}],\"data_offsets\":[0,{data}]}}}}";
            var prefix = BitConverter.GetBytes((ulong)headerLength);
            if (json.Length <= headerLength && prefix.All(b => b < 0x80))
            {
                return new string(prefix.Select(b => (char)b).ToArray()) + json.PadRight(headerLength);
            }
        }
    }

    /// <summary>The valid folder with one tensor per shard, the shards' headers declaring the given sizes.</summary>
    private static Dictionary<string, string> WithSparseShards(long first, long second)
    {
        var files = ModelFolderBuilder.Valid();
        files[ModelFolderBuilder.Shards[0]] = SparseShard("model.embed_tokens.weight", first);
        files[ModelFolderBuilder.Shards[1]] = SparseShard("lm_head.weight", second);
        files["model.safetensors.index.json"] =
            "{\"metadata\":{},\"weight_map\":{\"model.embed_tokens.weight\":\"" + ModelFolderBuilder.Shards[0] + "\",\"lm_head.weight\":\"" + ModelFolderBuilder.Shards[1] + "\"}}";
        return files;
    }

    [Fact]
    public async Task Validate_TotalOverTwoHundredGigabytes_ReportsTheSize()
    {
        var shardSize = (ModelFolderValidator.MaxTotalSizeInBytes / 2) + 1;
        var files = WithSparseShards(shardSize, shardSize);
        var sizes = new Dictionary<string, long> { [ModelFolderBuilder.Shards[0]] = shardSize, [ModelFolderBuilder.Shards[1]] = shardSize };

        var report = await ModelFolderValidator.ValidateAsync(new ListedFolder(files, sizes));

        var problem = Assert.Single(report.Problems);
        Assert.Equal("", problem.Key);
        Assert.Contains("over Bedrock's limit of 200 GB", problem.Message);
    }

    [Fact]
    public async Task Validate_TotalJustUnderTheLimit_IsValid()
    {
        var probe = WithSparseShards(1000, 1000);
        var others = probe.Where(f => f.Key != ModelFolderBuilder.Shards[0] && f.Key != ModelFolderBuilder.Shards[1]).Sum(f => (long)f.Value.Length) + 1000;
        var first = ModelFolderValidator.MaxTotalSizeInBytes - others;
        var files = WithSparseShards(first, 1000);
        var sizes = new Dictionary<string, long> { [ModelFolderBuilder.Shards[0]] = first, [ModelFolderBuilder.Shards[1]] = 1000 };

        var report = await ModelFolderValidator.ValidateAsync(new ListedFolder(files, sizes));

        Assert.True(report.IsValid, string.Join("; ", report.Problems));
        Assert.Equal(ModelFolderValidator.MaxTotalSizeInBytes, report.TotalSizeInBytes);
    }

    [Fact]
    public async Task Validate_SingleSafetensorsWithoutIndex_IsValid()
    {
        var files = ModelFolderBuilder.Valid();
        files.Remove("model.safetensors.index.json");
        files.Remove(ModelFolderBuilder.Shards[0]);
        files.Remove(ModelFolderBuilder.Shards[1]);
        files["model.safetensors"] = ModelFolderBuilder.Safetensors([("lm_head.weight", 4)]);

        var report = await ModelFolderValidator.ValidateAsync(new ListedFolder(files, new Dictionary<string, long>()));

        Assert.True(report.IsValid, string.Join("; ", report.Problems));
    }

    [Fact]
    public async Task Validate_NoWeightsAtAll_ReportsTheMissingIndex()
    {
        var files = ModelFolderBuilder.Valid();
        files.Remove("model.safetensors.index.json");

        var report = await ModelFolderValidator.ValidateAsync(new ListedFolder(files, new Dictionary<string, long>()));

        Assert.Equal("model.safetensors.index.json", Assert.Single(report.Problems).Key);
    }

    [Fact]
    public async Task Validate_LocalFolder_GivesTheSameVerdictsAsEveryVariant()
    {
        foreach (var variant in ModelFolderBuilder.InvalidVariants())
        {
            var directory = ModelFolderBuilder.NewTempFolder(variant.Files);
            try
            {
                var report = await ModelFolderValidator.ValidateAsync(new LocalModelFolder(directory));
                var problem = Assert.Single(report.Problems);
                Assert.Equal(variant.Key, problem.Key);
                Assert.Contains(variant.Fragment, problem.Message);
            }
            finally
            {
                Directory.Delete(directory, recursive: true);
            }
        }
    }

    [Fact]
    public async Task List_HuggingFaceCacheSnapshotOfLinks_GivesTheSizesOfTheBlobs()
    {
        var root = Path.Combine(Path.GetTempPath(), "llmhost-links-" + Guid.NewGuid().ToString("N"));
        var blobs = Path.Combine(root, "blobs");
        var snapshot = Path.Combine(root, "snapshots", "rev");
        Directory.CreateDirectory(blobs);
        Directory.CreateDirectory(snapshot);
        try
        {
            File.WriteAllBytes(Path.Combine(blobs, "abc"), new byte[12345]);
            File.CreateSymbolicLink(Path.Combine(snapshot, "model.safetensors"), Path.Combine("..", "..", "blobs", "abc"));

            var files = await new LocalModelFolder(snapshot).ListAsync();

            Assert.Equal(new ModelFile("model.safetensors", 12345), Assert.Single(files));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
