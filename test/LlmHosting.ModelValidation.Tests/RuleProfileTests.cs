using System.Text.Json.Nodes;
using LlmHosting.TestSupport;

namespace LlmHosting.ModelValidation.Tests;

/// <summary>The SageMaker profile needs what vLLM loads; only the Bedrock profile adds Bedrock's import rules.</summary>
public sealed class RuleProfileTests
{
    private sealed class MemoryFolder(IReadOnlyDictionary<string, string> files) : IModelFolder
    {
        public string Location => "memory://folder/";

        public Task<IReadOnlyList<ModelFile>> ListAsync(CancellationToken cancellationToken = default)
            => Task.FromResult<IReadOnlyList<ModelFile>>(files.Select(f => new ModelFile(f.Key, f.Value.Length)).ToList());

        public Task<string> ReadTextAsync(string key, CancellationToken cancellationToken = default) => Task.FromResult(files[key]);

        public Task<byte[]> ReadBytesAsync(string key, long offset, int count, CancellationToken cancellationToken = default)
            => Task.FromResult(ModelFolderBuilder.Bytes(files[key]).Skip((int)offset).Take(count).ToArray());
    }

    private static readonly string[] BedrockOnly = ["index-without-metadata", "index-with-total-parameters", "metal-folder"];

    public static TheoryData<string> BedrockOnlyVariants() => new(BedrockOnly);

    [Theory]
    [MemberData(nameof(BedrockOnlyVariants))]
    public async Task Validate_BedrockOnlyProblem_IsNoProblemForSageMakerButOneForBedrock(string name)
    {
        var variant = ModelFolderBuilder.InvalidVariants().Single(v => v.Name == name);

        var sagemaker = await ModelFolderValidator.ValidateAsync(new MemoryFolder(variant.Files), ModelFolderRules.SageMaker);
        var bedrock = await ModelFolderValidator.ValidateAsync(new MemoryFolder(variant.Files), ModelFolderRules.Bedrock);

        Assert.True(sagemaker.IsValid, string.Join("; ", sagemaker.Problems));
        Assert.Equal(variant.Key, Assert.Single(bedrock.Problems).Key);
    }

    [Fact]
    public async Task Validate_EveryOtherVariant_IsAProblemForSageMakerToo()
    {
        foreach (var variant in ModelFolderBuilder.InvalidVariants().Where(v => !BedrockOnly.Contains(v.Name)))
        {
            var report = await ModelFolderValidator.ValidateAsync(new MemoryFolder(variant.Files), ModelFolderRules.SageMaker);

            var problem = Assert.Single(report.Problems);
            Assert.Equal(variant.Key, problem.Key);
            Assert.Contains(variant.Fragment, problem.Message);
            Assert.DoesNotContain("Bedrock", problem.Message);
        }
    }

    [Fact]
    public async Task Validate_UnparsableIndexForSageMaker_NamesTheIndex()
    {
        var files = ModelFolderBuilder.Valid();
        files["model.safetensors.index.json"] = "[1]";

        var report = await ModelFolderValidator.ValidateAsync(new MemoryFolder(files), ModelFolderRules.SageMaker);

        Assert.Equal("model.safetensors.index.json: root is a JSON array, not an object", Assert.Single(report.Problems).ToString());
    }

    [Fact]
    public async Task Validate_WithoutRules_AppliesBedrocksRules()
    {
        var files = ModelFolderBuilder.Valid();
        files["model.safetensors.index.json"] = ModelFolderBuilder.Index(new JsonObject());

        var report = await ModelFolderValidator.ValidateAsync(new MemoryFolder(files));

        Assert.Contains("Bedrock requires one", Assert.Single(report.Problems).Message);
    }
}
