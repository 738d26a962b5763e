using LlmHosting.ModelValidation.Drafts;
using LlmHosting.TestSupport;

namespace LlmHosting.ModelValidation.Tests.Adapters;

/// <summary>The folder of a speculative decoding draft model: a configuration and weights, no tokenizer needed.</summary>
public sealed class DraftModelFolderValidatorTests
{
    [Fact]
    public async Task Validate_EagleHeadWithoutTokenizer_Passes()
    {
        var folder = new LocalModelFolder(ModelFolderBuilder.NewTempFolder(new Dictionary<string, string>
        {
            ["config.json"] = """{"architectures":["LlamaForCausalLMEagle3"]}""",
            ["pytorch_model.bin"] = "weights",
        }));

        var report = await DraftModelFolderValidator.ValidateAsync(folder);

        Assert.True(report.IsValid, string.Join("; ", report.Problems));
    }

    [Fact]
    public async Task Validate_MissingFolder_OrConfigAndWeights_AreReported()
    {
        var empty = Path.Combine(Path.GetTempPath(), "llmhost-draft-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(empty);
        var noWeights = new LocalModelFolder(ModelFolderBuilder.NewTempFolder(new Dictionary<string, string> { ["README.md"] = "draft" }));

        var emptyReport = await DraftModelFolderValidator.ValidateAsync(new LocalModelFolder(empty));
        var noWeightsReport = await DraftModelFolderValidator.ValidateAsync(noWeights);

        Assert.Equal(": the folder is empty or does not exist: upload the draft model there", Assert.Single(emptyReport.Problems).ToString());
        Assert.Equal(
            ["config.json: missing; vLLM needs the draft model's Hugging Face configuration", ": holds no weights (*.safetensors, *.bin, *.pt) at its root"],
            noWeightsReport.Problems.Select(p => p.ToString()));
    }
}
