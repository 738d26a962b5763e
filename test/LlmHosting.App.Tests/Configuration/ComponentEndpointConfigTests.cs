using LlmHosting.App.Configuration;

namespace LlmHosting.App.Tests.Configuration;

public sealed class ComponentEndpointConfigTests
{
    private const string Valid = """
        {
          "account": "123456789012",
          "region": "us-east-1",
          "namePrefix": "llm-test",
          "tags": { "owner": "ml-platform", "costCentre": "cc-42" },
          "componentEndpoint": {
            "name": "shared",
            "instanceType": "ml.g6e.12xlarge",
            "maxInstances": 2,
            "components": [
              { "name": "gpt-oss-20b", "model": "gpt-oss-20b", "bucketPrefix": "models/gpt-oss-20b/", "maxCopies": 2 },
              { "name": "qwen3-4b", "model": "Qwen3-4B", "huggingFaceId": "Qwen/Qwen3-4B", "minCopies": 1 }
            ]
          }
        }
        """;

    [Fact]
    public void Parse_Valid_ReadsEverySettingWithScaleToZeroDefaults()
    {
        var endpoint = EnvironmentCatalog.Parse("test", Valid, "test.json").ComponentEndpoint!;
        Assert.Equal("shared", endpoint.Name);
        Assert.Equal("ml.g6e.12xlarge", endpoint.InstanceType);
        Assert.Equal(0, endpoint.MinInstances);
        Assert.Equal(2, endpoint.MaxInstances);
        Assert.Equal(["gpt-oss-20b", "qwen3-4b"], endpoint.Components.Select(c => c.Name));
        Assert.Equal(0, endpoint.Components[0].MinCopies);
        Assert.Equal(2, endpoint.Components[0].MaxCopies);
        Assert.Equal("Qwen/Qwen3-4B", endpoint.Components[1].HuggingFaceId);
        Assert.Equal(1, endpoint.Components[1].MinCopies);
    }

    [Fact]
    public void Parse_NoComponentEndpoint_IsNull()
        => Assert.Null(EnvironmentCatalog.Parse("test", Valid[..Valid.IndexOf(",\n  \"componentEndpoint\"", StringComparison.Ordinal)] + "\n}", "test.json").ComponentEndpoint);

    [Theory]
    [InlineData("\"ml.g6e.12xlarge\"", "\"ml.g9.12xlarge\"", "componentEndpoint.instanceType 'ml.g9.12xlarge' is not a GPU instance type of the catalog")]
    [InlineData("\"name\": \"shared\"", "\"name\": \"Shared\"", "componentEndpoint.name 'Shared' must be lower-case letters and digits")]
    [InlineData("\"model\": \"Qwen3-4B\"", "\"model\": \"Qwen9\"", "componentEndpoint.components[1].model 'Qwen9' is not in the catalog")]
    [InlineData("\"model\": \"Qwen3-4B\"", "\"model\": \"qwen3-4b\"", "componentEndpoint.components[1].model 'qwen3-4b' is spelt Qwen3-4B in the catalog")]
    [InlineData("\"huggingFaceId\": \"Qwen/Qwen3-4B\"", "\"huggingFaceId\": \"Qwen/Qwen3-4B\", \"bucketPrefix\": \"models/q/\"", "componentEndpoint.components[1]: set exactly one of bucketPrefix and huggingFaceId")]
    [InlineData("\"name\": \"qwen3-4b\"", "\"name\": \"gpt-oss-20b\"", "componentEndpoint.components[1].name makes the SageMaker inference component name 'llm-test-shared-gpt-oss-20b', which componentEndpoint.components[0].name makes too")]
    [InlineData("\"name\": \"qwen3-4b\"", "\"name\": \"a-component-name-that-is-far-too-long-for-sagemaker\"", "componentEndpoint.components[1].name 'a-component-name-that-is-far-too-long-for-sagemaker' makes the component name 'llm-test-shared-a-component-name-that-is-far-too-long-for-sagemaker', which must be 1-63 letters")]
    [InlineData("\"maxCopies\": 2", "\"maxCopies\": 2, \"replicas\": 1", "componentEndpoint.components[0].replicas is not a known key (known keys: bucketPrefix, cacheModelData, cpuCores, gpus, huggingFaceId, huggingFaceRevision, lora, maxCopies, maxModelLength, memoryInMb, minCopies, model, name, placement, scaling, speculativeDecoding, warmWindows, weightMemoryGiB, weightsManifest)")]
    [InlineData("\"maxCopies\": 2", "\"maxCopy\": 2", "componentEndpoint.components[0].maxCopy is not a known key; did you mean maxCopies?")]
    [InlineData("\"minCopies\": 1", "\"minCopies\": \"one\"", "componentEndpoint.components[1].minCopies must be a whole number, not the string \"one\"")]
    public void Parse_Mistake_NamesItsPath(string find, string replace, string expected)
    {
        Assert.Contains(find, Valid, StringComparison.Ordinal);
        Assert.StartsWith($"{ConfigErrors.Source}: {expected}", Assert.Single(ConfigErrors.OfParse(Valid.Replace(find, replace))));
    }

    [Fact]
    public void Parse_NoComponents_NamesIt()
    {
        var json = Valid[..Valid.IndexOf("\"components\"", StringComparison.Ordinal)] + "\"components\": [] } }";
        Assert.Equal($"{ConfigErrors.Source}: componentEndpoint.components is empty: add at least one model", Assert.Single(ConfigErrors.OfParse(json)));
    }
}
