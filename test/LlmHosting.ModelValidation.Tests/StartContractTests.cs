using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using LlmHosting.TestSupport;

namespace LlmHosting.ModelValidation.Tests;

/// <summary>The start contract: what a folder must hold for its model's container to start without the network.</summary>
public sealed class StartContractTests
{
    /// <summary>gpt-oss's contract with the fake vocabulary's hash in place of the real one (the real file is 3.6 MB and not on this machine).</summary>
    private static readonly StartContract TestGptOss = StartContract.Of(
        "gpt-oss", ["gpt_oss"], [StartContract.GptOss.Files[0] with { Sha256 = ModelFolderBuilder.VocabularySha256 }]);

    private static readonly ModelFolderCheck TestCheck = new() { Rules = ModelFolderRules.SageMaker, Contracts = [TestGptOss] };

    [Fact]
    public void GptOss_PublishedHash_IsTiktokensAndHarmonysOwn()
    {
        var tiktoken = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Reference", "tiktoken_openai_public_excerpt.py"));
        var harmony = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Reference", "harmony_public_encodings_excerpt.rs"));
        var file = Assert.Single(StartContract.GptOss.Files);

        var published = Regex.Match(tiktoken, "load_tiktoken_bpe\\(\\s*\"(?<url>[^\"]+)\",\\s*expected_hash=\"(?<hash>[0-9a-f]{64})\"");
        Assert.Equal(published.Groups["url"].Value, file.PublishedUrl);
        Assert.Equal(published.Groups["hash"].Value, file.Sha256);
        Assert.Matches($"Self::O200kHarmony => \\{{\\s*\"{file.Sha256}\"", harmony);
        Assert.Contains("Self::O200kHarmony => \"o200k_base.tiktoken\"", harmony);
        Assert.EndsWith("/o200k_base.tiktoken", file.Key);
    }

    [Fact]
    public void Sha256_OfKnownData_IsTheStandardsTestVector()
    {
        // FIPS 180-2, appendix B.1: SHA-256("abc"). The folder check hashes with the same call.
        Assert.Equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", Convert.ToHexStringLower(SHA256.HashData("abc"u8)));
    }

    [Fact]
    public void ForModelType_GptOss_IsRecognisedAndOthersNeedNothing()
    {
        Assert.Same(StartContract.GptOss, StartContract.ForModelType("gpt_oss"));
        Assert.Same(StartContract.HuggingFaceFolder, StartContract.ForModelType("qwen3"));
        Assert.Same(StartContract.HuggingFaceFolder, StartContract.ForModelType(null));
        Assert.Empty(StartContract.HuggingFaceFolder.Files);
        Assert.Same(StartContract.GptOss, StartContract.ForModelName("GPT-OSS-120B"));
        Assert.Null(StartContract.ForModelName("llama-9"));
    }

    [Fact]
    public async Task Validate_GptOssWithoutVocabulary_OneLineNamingTheFileAndTheFix()
    {
        var directory = ModelFolderBuilder.NewTempFolder(ModelFolderBuilder.GptOss(withVocabulary: false));
        try
        {
            var report = await ModelFolderValidator.ValidateAsync(new LocalModelFolder(directory));

            var problem = Assert.Single(report.Problems);
            Assert.Same(StartContract.GptOss, report.StartContract);
            Assert.Equal("tiktoken/o200k_base.tiktoken", problem.Key);
            Assert.Contains($"`llmhost prepare-model {directory} --fix`", problem.Message);
            Assert.Contains("https://openaipublic.blob.core.windows.net/encodings/o200k_base.tiktoken", problem.Message);
            Assert.DoesNotContain('\n', problem.ToString());
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task Validate_GptOssWithItsVocabulary_IsValid()
    {
        var report = await ModelFolderValidator.ValidateAsync(new MemoryFolder(ModelFolderBuilder.GptOss()), TestCheck);

        Assert.True(report.IsValid, string.Join("; ", report.Problems));
    }

    [Fact]
    public async Task Validate_VocabularyWithAnotherHash_NamesBothHashes()
    {
        var files = ModelFolderBuilder.GptOss();
        files[ModelFolderBuilder.VocabularyKey] = "IQ== 0\n";

        var report = await ModelFolderValidator.ValidateAsync(new MemoryFolder(files), TestCheck);

        var problem = Assert.Single(report.Problems);
        Assert.Equal(ModelFolderBuilder.VocabularyKey, problem.Key);
        Assert.Contains(Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes("IQ== 0\n"))), problem.Message);
        Assert.Contains(ModelFolderBuilder.VocabularySha256, problem.Message);
    }

    [Fact]
    public async Task Validate_ANamedModel_AppliesItsContractWhateverConfigJsonSays()
    {
        var files = ModelFolderBuilder.Valid();

        var named = await ModelFolderValidator.ValidateAsync(new MemoryFolder(files), new ModelFolderCheck { Rules = ModelFolderRules.SageMaker, StartContract = TestGptOss });
        var recognised = await ModelFolderValidator.ValidateAsync(new MemoryFolder(files), TestCheck);

        Assert.Equal(ModelFolderBuilder.VocabularyKey, Assert.Single(named.Problems).Key);
        Assert.True(recognised.IsValid, "a Qwen3 folder needs no vocabulary");
    }

    [Fact]
    public async Task Validate_RequiredFilesOfTheGate_AreCheckedLikeTheContracts()
    {
        var required = new StartFile("extra/file.bin", ModelFolderBuilder.VocabularySha256, "", "");

        var report = await ModelFolderValidator.ValidateAsync(new MemoryFolder(ModelFolderBuilder.Valid()), new ModelFolderCheck { RequiredFiles = [required] });

        Assert.Equal("extra/file.bin", Assert.Single(report.Problems).Key);
    }

    private sealed class MemoryFolder(IReadOnlyDictionary<string, string> files) : IModelFolder
    {
        public string Location => "memory://folder/";

        public Task<IReadOnlyList<ModelFile>> ListAsync(CancellationToken cancellationToken = default)
            => Task.FromResult<IReadOnlyList<ModelFile>>(files.Select(f => new ModelFile(f.Key, f.Value.Length)).ToList());

        public Task<string> ReadTextAsync(string key, CancellationToken cancellationToken = default) => Task.FromResult(files[key]);

        public Task<byte[]> ReadBytesAsync(string key, long offset, int count, CancellationToken cancellationToken = default)
            => Task.FromResult(ModelFolderBuilder.Bytes(files[key]).Skip((int)offset).Take(count).ToArray());
    }
}
