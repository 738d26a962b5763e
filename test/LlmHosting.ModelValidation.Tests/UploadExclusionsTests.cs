namespace LlmHosting.ModelValidation.Tests;

public sealed class UploadExclusionsTests
{
    [Theory]
    [InlineData("metal/model.bin", "metal/")]
    [InlineData("original/model.safetensors", "original/")]
    [InlineData(".cache/huggingface/download/model-00001-of-00002.safetensors.metadata", ".cache/")]
    [InlineData(".cache/huggingface/.gitignore", ".cache/")]
    [InlineData(".huggingface/download/config.json.metadata", ".huggingface/")]
    [InlineData(".git/objects/ab/cdef", ".git/")]
    [InlineData(".gitattributes", ".git*")]
    [InlineData("tokenizer/.gitignore", ".git*")]
    [InlineData("model.safetensors.lock", "*.lock")]
    [InlineData("model-00001-of-00002.safetensors.incomplete", "*.incomplete")]
    [InlineData("sub/.DS_Store", ".DS_Store")]
    [InlineData("._config.json", "._*")]
    [InlineData("scripts/__pycache__/x.pyc", "__pycache__/")]
    public void Match_FileADownloadLeaves_IsExcludedByItsRule(string key, string pattern)
    {
        Assert.Equal(pattern, UploadExclusions.Match(key)?.Pattern);
    }

    [Theory]
    [InlineData("config.json")]
    [InlineData("model-00001-of-00002.safetensors")]
    [InlineData("model.safetensors.index.json")]
    [InlineData("README.md")]
    [InlineData("LICENSE")]
    [InlineData("chat_template.jinja")]
    [InlineData("sub/metal/x.bin")]
    [InlineData("metal.json")]
    [InlineData("originality.txt")]
    [InlineData("my.lockfile")]
    public void Match_ModelFile_IsUploaded(string key)
    {
        Assert.Null(UploadExclusions.Match(key));
    }

    [Theory]
    [InlineData(".cache/huggingface/download/x.lock", ".cache")]
    [InlineData("a/.git/config", "a/.git")]
    [InlineData("metal/model.bin", "metal")]
    [InlineData("sub/.DS_Store", "sub/.DS_Store")]
    public void ExcludedPath_IsTheTopMostExcludedFolderOrTheFile(string key, string expected)
    {
        Assert.Equal(expected, UploadExclusions.ExcludedPath(key, UploadExclusions.Match(key)!));
    }

    [Fact]
    public async Task Without_HidesExcludedFilesFromTheValidator()
    {
        var directory = Path.Combine(Path.GetTempPath(), "llmhost-excl-" + Guid.NewGuid().ToString("N"));
        TestSupport.ModelFolderBuilder.WriteTo(directory, new Dictionary<string, string>(TestSupport.ModelFolderBuilder.Valid())
        {
            ["metal/model.bin"] = "m",
            [".cache/huggingface/download/config.json.lock"] = "",
        });
        try
        {
            var whole = await ModelFolderValidator.ValidateAsync(new LocalModelFolder(directory));
            var uploaded = await ModelFolderValidator.ValidateAsync(UploadExclusions.Without(new LocalModelFolder(directory)));

            Assert.Equal("metal/", Assert.Single(whole.Problems).Key);
            Assert.True(uploaded.IsValid, string.Join("; ", uploaded.Problems));
            Assert.Equal(6, uploaded.FileCount);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
