using LlmHosting.TestSupport;

namespace LlmHosting.ModelValidation.Tests;

public sealed class ModelFolderValidatorTests
{
    /// <summary>A listing that claims sizes no test machine could hold, to check the limit honestly at its edge.</summary>
    private sealed class ListedFolder(IReadOnlyDictionary<string, string> files, IReadOnlyDictionary<string, long> sizes) : IModelFolder
    {
        public string Location => "memory://listed/";

        public Task<IReadOnlyList<ModelFile>> ListAsync(CancellationToken cancellationToken = default)
            => Task.FromResult<IReadOnlyList<ModelFile>>(files.Keys.Select(k => new ModelFile(k, sizes.GetValueOrDefault(k, files[k].Length))).ToList());

        public Task<string> ReadTextAsync(string key, CancellationToken cancellationToken = default) => Task.FromResult(files[key]);
    }

    [Fact]
    public async Task Validate_TotalOverTwoHundredGigabytes_ReportsTheSize()
    {
        var files = ModelFolderBuilder.Valid();
        var shardSize = (ModelFolderValidator.MaxTotalSizeInBytes / 2) + 1;
        var sizes = new Dictionary<string, long> { [ModelFolderBuilder.Shards[0]] = shardSize, [ModelFolderBuilder.Shards[1]] = shardSize };

        var report = await ModelFolderValidator.ValidateAsync(new ListedFolder(files, sizes));

        var problem = Assert.Single(report.Problems);
        Assert.Equal("", problem.Key);
        Assert.Contains("over Bedrock's limit of 200 GB", problem.Message);
    }

    [Fact]
    public async Task Validate_TotalJustUnderTheLimit_IsValid()
    {
        var files = ModelFolderBuilder.Valid();
        var others = files.Where(f => f.Key != ModelFolderBuilder.Shards[0]).Sum(f => (long)f.Value.Length);
        var sizes = new Dictionary<string, long> { [ModelFolderBuilder.Shards[0]] = ModelFolderValidator.MaxTotalSizeInBytes - others };

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
        files["model.safetensors"] = "weights";

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
