using System.Text.Json.Nodes;
using LlmHosting.Constructs.Sagemaker;
using LlmHosting.Constructs.Sagemaker.Components;
using LlmHosting.Constructs.Storage;
using LlmHosting.Constructs.Validation;
using LlmHosting.Constructs.Weights;

namespace LlmHosting.Constructs.Tests.Sagemaker;

/// <summary>
/// Speculative decoding and LoRA as typed vLLM settings: the DLC variables they become (its entrypoint passes one JSON
/// object as one argument: aws/deep-learning-containers scripts/docker/vllm/sagemaker_args.py) and every bad value.
/// </summary>
public sealed class LlmFeatureSettingsTests
{
    [Fact]
    public void SpeculativeDecoding_WithADraftFolder_IsOneJsonLine_AndTheModelWaitsForTheDraftsCheck()
    {
        var stack = TestStacks.New();
        var bucket = new ModelBucket(stack, "Weights");
        var endpoint = new VllmEndpoint(stack, "GptOss", new VllmEndpointProps
        {
            Model = KnownModel.GptOss20b,
            Source = ModelSource.FromBucket(bucket, "models/gpt-oss-20b/"),
            InstanceType = GpuInstanceType.G6E_XLARGE,
            Vllm = new VllmSettings { SpeculativeDecoding = new SpeculativeDecoding { Method = SpeculativeMethod.Eagle3, DraftModelFolder = "eagle3", NumSpeculativeTokens = 3 } },
        });
        var template = TestStacks.Json(stack);

        var (modelId, model) = TestStacks.Resources(template, "AWS::SageMaker::Model").Single();
        var value = (string)model["PrimaryContainer"]!["Environment"]![SpeculativeDecoding.Variable]!;
        Assert.Equal("""{"method":"eagle3","model":"/opt/ml/model/eagle3","num_speculative_tokens":3}""", value);
        Assert.DoesNotContain('\n', value);
        var gate = TestStacks.Resources(template, WeightsGate.ResourceType).Single(g => g.Properties["S3Uri"]!.ToJsonString().Contains("/models/gpt-oss-20b/eagle3/", StringComparison.Ordinal));
        Assert.Equal("SpeculativeDraft", (string)gate.Properties["FolderKind"]!);
        Assert.Contains(gate.Id, template["Resources"]![modelId]!["DependsOn"]!.AsArray().Select(d => (string)d!));
        Assert.NotNull(endpoint.Model);
    }

    [Fact]
    public void SpeculativeDecoding_WithoutADraftModel_HasNoModelKey_AndKeepsExtraKeys()
    {
        var ngram = new SpeculativeDecoding
        {
            Method = SpeculativeMethod.Of("ngram"),
            NumSpeculativeTokens = 4,
            ExtraConfig = new Dictionary<string, object> { ["prompt_lookup_max"] = 5, ["prompt_lookup_min"] = 2 },
        };

        Assert.Equal("""{"method":"ngram","num_speculative_tokens":4,"prompt_lookup_max":5,"prompt_lookup_min":2}""", ngram.ToJson());
        Assert.Equal("suffix", SpeculativeMethod.Of("suffix").Name);
        Assert.Null(SpeculativeMethod.Of("suffix").NeedsDraftModel);
        Assert.Throws<ArgumentException>(() => SpeculativeMethod.Of("Eagle 3"));
    }

    [Fact]
    public void BadSettings_AreEachNamedOnOneLine()
    {
        var stack = TestStacks.New();
        var bucket = new ModelBucket(stack, "Weights");
        var endpoint = new InferenceComponentEndpoint(stack, "Shared", new InferenceComponentEndpointProps { EndpointName = "e", InstanceType = GpuInstanceType.G6E_12XLARGE });

        var problems = Problems(() => endpoint.AddComponent("A", new InferenceComponentOptions
        {
            InferenceComponentName = "e-a",
            Model = KnownModel.Qwen3_4B,
            Source = ModelSource.FromHuggingFace("Qwen/Qwen3-4B"),
            Vllm = new VllmSettings
            {
                Lora = new LoraSettings { MaxRank = 24, MaxAdapters = 4, MaxCpuAdapters = 2 },
                SpeculativeDecoding = new SpeculativeDecoding { Method = SpeculativeMethod.Eagle3, NumSpeculativeTokens = 0 },
                ExtraFlags = new Dictionary<string, string?> { ["enable-lora"] = null },
            },
        }));
        var fromHub = Problems(() => endpoint.AddComponent("B", new InferenceComponentOptions
        {
            InferenceComponentName = "e-b",
            Model = KnownModel.Qwen3_4B,
            Source = ModelSource.FromHuggingFace("Qwen/Qwen3-4B"),
            Vllm = new VllmSettings { SpeculativeDecoding = new SpeculativeDecoding { Method = SpeculativeMethod.DraftModel, DraftModelFolder = "draft/" } },
        }));
        var notUploaded = Problems(() => endpoint.AddComponent("C", new InferenceComponentOptions
        {
            InferenceComponentName = "e-c",
            Model = KnownModel.GptOss20b,
            Source = ModelSource.FromBucket(bucket, "models/gpt-oss-20b/", new WeightsCheckOptions { ExpectedFiles = [new("config.json", 10, "etag"), new("tiktoken/o200k_base.tiktoken", 10, "etag")] }),
            Vllm = new VllmSettings { SpeculativeDecoding = new SpeculativeDecoding { Method = SpeculativeMethod.Eagle3, DraftModelFolder = "eagle3/" } },
        }));

        Assert.Equal(
            [
                "Vllm.Lora.MaxRank: Vllm.Lora.MaxRank 24 is not a rank vLLM accepts (1, 8, 16, 32, 64, 128, 256, 320, 512); choose the smallest that is at least the r of every adapter",
                "Vllm.Lora.MaxCpuAdapters: Vllm.Lora.MaxCpuAdapters 2 must be at least Vllm.Lora.MaxAdapters 4 (vLLM refuses fewer)",
                "Vllm.SpeculativeDecoding.DraftModelFolder: Vllm.SpeculativeDecoding.Method eagle3 needs a draft model: set Vllm.SpeculativeDecoding.DraftModelFolder to its folder under the model's prefix (for example draft/)",
                "Vllm.SpeculativeDecoding.NumSpeculativeTokens: Vllm.SpeculativeDecoding.NumSpeculativeTokens 0 must be between 1 and 32",
                "Vllm.ExtraFlags: Vllm.ExtraFlags 'enable-lora' is set by a typed setting or the model source; use that instead",
            ],
            problems);
        Assert.Equal(["Vllm.SpeculativeDecoding.DraftModelFolder: Vllm.SpeculativeDecoding.DraftModelFolder 'draft/' needs the model's weights from a model bucket (the draft folder is copied with them to /opt/ml/model); load the model from a bucket"], fromHub);
        Assert.Equal(["Vllm.SpeculativeDecoding.DraftModelFolder: Vllm.SpeculativeDecoding.DraftModelFolder 'eagle3/' is missing from the weights manifest of models/gpt-oss-20b/ (no object under models/gpt-oss-20b/eagle3/): upload the draft model there, then the manifest again"], notUploaded);
    }

    private static IReadOnlyList<string> Problems(Action create)
        => Assert.Throws<PropsValidationException>(create).Problems.Select(p => $"{p.Property}: {p.Render()}").ToList();
}
