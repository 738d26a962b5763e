using LlmHosting.App.Configuration;
using LlmHosting.Constructs.Validation;

namespace LlmHosting.App.Tests.Configuration;

/// <summary>
/// Mistakes that only the constructs catch (their rules are not repeated in the configuration), reported with the file,
/// the JSON path of the key the user edits and the other keys by name.
/// </summary>
public sealed class ConstructProblemsTests
{
    private const string Environment = """
        {
          "account": "123456789012",
          "region": "us-east-1",
          "namePrefix": "llm-test",
          "tags": { "owner": "ml-platform", "costCentre": "cc-42" },
          "invoker": { "trustedRoleArns": ["arn:aws:iam::123456789012:role/chat-service"] },
          "endpoints": [
            { "name": "gpt-oss-20b-solo", "model": "gpt-oss-20b", "bucketPrefix": "models/gpt-oss-20b/", "instanceType": "ml.g6e.12xlarge",
              "minInstances": 1, "maxInstances": 2, "vllm": { "maxModelLength": 32768 } }
          ],
          "componentEndpoint": {
            "name": "shared", "instanceType": "ml.g6e.12xlarge", "minInstances": 0, "maxInstances": 1,
            "components": [
              { "name": "gpt-oss-20b", "model": "gpt-oss-20b", "bucketPrefix": "models/gpt-oss-20b/", "maxCopies": 1 },
              { "name": "qwen3-4b", "model": "Qwen3-4B", "huggingFaceId": "Qwen/Qwen3-4B", "minCopies": 0, "maxCopies": 1 }
            ]
          }
        }
        """;

    [Theory]
    [InlineData("\"minInstances\": 1, \"maxInstances\": 2", "\"minInstances\": 2, \"maxInstances\": 1", "endpoints[0].maxInstances 1 is below minInstances 2")]
    [InlineData("\"minInstances\": 1, \"maxInstances\": 2", "\"minInstances\": 0", "endpoints[0].minInstances 0 must be at least 1 (an endpoint without inference components cannot scale to zero)")]
    [InlineData("\"maxModelLength\": 32768", "\"tensorParallelSize\": 3", "endpoints[0].vllm.tensorParallelSize 3 does not divide the 4 GPUs of ml.g6e.12xlarge; use 1, 2 or 4")]
    [InlineData("\"maxModelLength\": 32768", "\"maxModelLength\": 200000", "endpoints[0].vllm.maxModelLength 200000 is above the 131072 tokens model gpt-oss-20b supports")]
    [InlineData("\"maxModelLength\": 32768", "\"gpuMemoryUtilization\": 1.2", "endpoints[0].vllm.gpuMemoryUtilization 1.2 must be above 0 and at most 1")]
    [InlineData("\"maxModelLength\": 32768", "\"extraFlags\": { \"--max-model-len\": \"8\" }", "endpoints[0].vllm.extraFlags '--max-model-len' is not a vLLM flag name")]
    [InlineData("\"maxInstances\": 1,", "\"maxInstances\": 1, \"inferenceAmiVersion\": \"al2-ami-sagemaker-inference-gpu-3-1\",", "componentEndpoint.inferenceAmiVersion al2-ami-sagemaker-inference-gpu-3-1 (NVIDIA driver 550, CUDA 12.4) cannot run image vllm:0.20.2-gpu-py312-cu130-ubuntu22.04-sagemaker, built for CUDA 13.0; use al2023-ami-sagemaker-inference-gpu-4-1 or leave componentEndpoint.inferenceAmiVersion unset")]
    [InlineData("\"maxCopies\": 1 },", "\"maxCopies\": 1, \"gpus\": 8 },", "componentEndpoint.components[0].gpus 8 must be between 1 and the 4 GPUs of ml.g6e.12xlarge")]
    [InlineData("\"maxCopies\": 1 },", "\"maxCopies\": 1, \"cpuCores\": 0.1 },", "componentEndpoint.components[0].cpuCores 0.1 must be at least 0.25")]
    [InlineData("\"huggingFaceId\": \"Qwen/Qwen3-4B\"", "\"huggingFaceId\": \"Qwen/Qwen3-4B\", \"maxModelLength\": 65536", "componentEndpoint.components[1].maxModelLength 65536 is above the 40960 tokens model Qwen3-4B supports")]
    [InlineData("\"minCopies\": 0, \"maxCopies\": 1", "\"minCopies\": -1, \"maxCopies\": 1", "componentEndpoint.components[1].minCopies -1 must be at least 0")]
    [InlineData("\"maxModelLength\": 32768", "\"imageTag\": \"0.20.2-gpu-py312-ubuntu22.04-sagemaker\"", "endpoints[0].inferenceAmiVersion: image vllm:0.20.2-gpu-py312-ubuntu22.04-sagemaker does not name its CUDA version (no cuXYZ in its tag); set inferenceAmiVersion (for example al2023-ami-sagemaker-inference-gpu-4-1 for CUDA 13)")]
    [InlineData("\"region\": \"us-east-1\"", "\"region\": \"ap-south-2\"", "endpoints[0].vllm.imageTag: the vLLM Deep Learning Container is not published in region ap-south-2 (known regions: us-east-1, ")]
    public void Synth_ConstructCaughtMistake_NamesTheFileTheJsonPathAndTheKeys(string find, string replace, string expected)
    {
        Assert.Contains(find, Environment, StringComparison.Ordinal);
        Assert.StartsWith($"{ConfigErrors.Source}: {expected}", ConfigErrors.Line(ConfigErrors.OfSynth(Environment.Replace(find, replace)), expected));
    }

    [Fact]
    public void Synth_ModelTooLargeForInstance_NamesTheInstanceTypeAndTheNumbers()
    {
        var line = Assert.Single(ConfigErrors.OfSynth(Environment.Replace("\"model\": \"gpt-oss-20b\", \"bucketPrefix\": \"models/gpt-oss-20b/\", \"instanceType\": \"ml.g6e.12xlarge\"", "\"model\": \"gpt-oss-120b\", \"bucketPrefix\": \"models/gpt-oss-20b/\", \"instanceType\": \"ml.g6.2xlarge\"")));
        Assert.Equal(
            $"{ConfigErrors.Source}: endpoints[0].instanceType: model gpt-oss-120b needs 65 GiB of GPU memory for its weights plus at least 1 GiB for the KV cache, "
            + "but ml.g6.2xlarge offers 21.6 GiB to it (1 GPU x 24 GiB L4 x vllm.gpuMemoryUtilization 0.9), a headroom of -43.4 GiB; choose an instanceType with more GPU memory",
            line);
    }

    [Fact]
    public void Synth_EndpointMinAboveMax_NamesBothKeysAndTheDefaultTheAppSets()
    {
        var lines = ConfigErrors.OfSynth(Environment.Replace("\"minInstances\": 0, \"maxInstances\": 1", "\"minInstances\": 2, \"maxInstances\": 1"));
        Assert.Equal(
            [
                $"{ConfigErrors.Source}: componentEndpoint.maxInstances 1 is below minInstances 2",
                $"{ConfigErrors.Source}: componentEndpoint: initial instance count (set by the app) 2 must be at least 1, at least minInstances 2 and at most maxInstances 1",
            ],
            lines);
    }

    [Fact]
    public void Synth_CopiesBeyondMaxCopies_NamesTheDefaultTheAppSets()
    {
        var lines = ConfigErrors.OfSynth(Environment.Replace("\"minCopies\": 0, \"maxCopies\": 1", "\"minCopies\": 3, \"maxCopies\": 2"));
        ConfigErrors.Line(lines, "componentEndpoint.components[1].maxCopies 2 is below minCopies 3");
        ConfigErrors.Line(lines, "componentEndpoint.components[1]: initial copy count (set by the app) 3 is above maxCopies 2");
    }

    [Fact]
    public void Synth_CopiesThatDoNotFit_NamesTheComponentAndTheEndpointKeys()
    {
        var line = Assert.Single(ConfigErrors.OfSynth(Environment.Replace("\"minCopies\": 0, \"maxCopies\": 1", "\"minCopies\": 1, \"maxCopies\": 1").Replace("\"maxCopies\": 1 },", "\"minCopies\": 1, \"maxCopies\": 1, \"gpus\": 4 },")));
        Assert.StartsWith($"{ConfigErrors.Source}: componentEndpoint.components[1]: Invalid inference components on llm-test-shared (ml.g6e.12xlarge, 4 GPUs x max 1 instance): minimum copies need 5 GPUs", line);
        Assert.EndsWith("Raise componentEndpoint.maxInstances, choose a larger componentEndpoint.instanceType, or lower the components' minCopies", line);
    }

    [Fact]
    public void Synth_MistakesInSeveralEntries_AreAllReported()
    {
        var lines = ConfigErrors.OfSynth(Environment
            .Replace("\"minInstances\": 1, \"maxInstances\": 2", "\"minInstances\": 2, \"maxInstances\": 1")
            .Replace("\"minCopies\": 0, \"maxCopies\": 1", "\"minCopies\": 2, \"maxCopies\": 1"));
        ConfigErrors.Line(lines, "endpoints[0].maxInstances 1 is below minInstances 2");
        ConfigErrors.Line(lines, "componentEndpoint.components[1].maxCopies 1 is below minCopies 2");
    }

    [Fact]
    public void Synth_TwoModelsOfOneName_AreRefusedNamingBothEntriesOfTheModelDirectory()
        => Assert.Equal(
            $"{ConfigErrors.Source}: componentEndpoint.components[0].name 'gpt-oss-20b-solo' is also the name of endpoints[0]; names must be unique",
            Assert.Single(ConfigErrors.OfSynth(Environment.Replace("{ \"name\": \"gpt-oss-20b\", \"model\"", "{ \"name\": \"gpt-oss-20b-solo\", \"model\""))));

    [Fact]
    public void Synth_ComponentNamedLikeALibraryChild_IsOneLineNotACrash()
        => Assert.Equal(
            $"{ConfigErrors.Source}: componentEndpoint.components[1]: its name makes the construct id Config, which the construct library already uses in that scope; choose another name",
            Assert.Single(ConfigErrors.OfSynth(Environment.Replace("\"name\": \"qwen3-4b\"", "\"name\": \"config\""))));

    [Fact]
    public void Render_PropertyTheConfigurationDoesNotSet_IsNamedAsSetByTheApp()
    {
        var keys = new PropsKeys("endpoints[0]", [new("MinInstanceCount", "endpoints[0].minInstances"), new("Endpoint.InferenceAmiVersion", "componentEndpoint.inferenceAmiVersion")]);
        Assert.Equal(
            "endpoints[0]: deployment policy (set by the app) is rolling, which needs minInstances 2",
            keys.Render(new PropsProblem("DeploymentPolicy", $"{Property.Ref("DeploymentPolicy")} is rolling, which needs {Property.Ref("MinInstanceCount")} 2")));
        Assert.Equal(
            "endpoints[0].minInstances 0: see componentEndpoint.inferenceAmiVersion and vllm environment (set by the app)",
            keys.Render(new PropsProblem("MinInstanceCount", $"{Property.Ref("MinInstanceCount")} 0: see {Property.Ref("Endpoint.InferenceAmiVersion")} and {Property.Ref("Vllm.Environment")}")));
    }
}
