using LlmHosting.App.Configuration;

namespace LlmHosting.App.Tests.Configuration;

/// <summary>LoRA adapters and speculative decoding in an environment file: each mistake is one line naming its key.</summary>
public sealed class AdapterConfigTests
{
    private const string Valid = """
        {
          "account": "123456789012",
          "region": "us-east-1",
          "namePrefix": "llm-test",
          "tags": { "owner": "ml-platform", "costCentre": "cc-42" },
          "invoker": { "trustedRoleArns": ["arn:aws:iam::123456789012:role/client"] },
          "componentEndpoint": {
            "name": "shared",
            "instanceType": "ml.g6e.12xlarge",
            "components": [
              { "name": "gpt-oss-20b", "model": "gpt-oss-20b", "bucketPrefix": "models/gpt-oss-20b/" },
              { "name": "qwen3-4b", "model": "Qwen3-4B", "huggingFaceId": "Qwen/Qwen3-4B", "lora": { "maxRank": 16 } }
            ],
            "adapters": [
              { "name": "support", "base": "qwen3-4b", "bucketPrefix": "models/support-lora/" },
              { "name": "legal", "base": "qwen3-4b", "bucketPrefix": "models/legal-lora/" }
            ]
          }
        }
        """;

    [Fact]
    public void Parse_Valid_ReadsTheAdaptersAndTheBasesLora()
    {
        var endpoint = EnvironmentCatalog.Parse("test", Valid, "test.json").ComponentEndpoint!;

        Assert.Equal(["support qwen3-4b models/support-lora/", "legal qwen3-4b models/legal-lora/"], endpoint.Adapters.Select(a => $"{a.Name} {a.Base} {a.BucketPrefix}"));
        Assert.Equal(16, endpoint.Components[1].Lora!.MaxRank);
    }

    [Theory]
    [InlineData("\"base\": \"qwen3-4b\", \"bucketPrefix\": \"models/legal-lora/\"", "\"base\": \"qwen3-8b\", \"bucketPrefix\": \"models/legal-lora/\"",
        "componentEndpoint.adapters[1].base 'qwen3-8b' is not a component of componentEndpoint.components (gpt-oss-20b, qwen3-4b)")]
    [InlineData("\"base\": \"qwen3-4b\", \"bucketPrefix\": \"models/legal-lora/\"", "\"base\": \"support\", \"bucketPrefix\": \"models/legal-lora/\"",
        "componentEndpoint.adapters[1].base 'support' is an adapter (componentEndpoint.adapters[0]): an adapter's base must be a model of componentEndpoint.components (gpt-oss-20b, qwen3-4b)")]
    [InlineData("\"base\": \"qwen3-4b\", \"bucketPrefix\": \"models/legal-lora/\"", "\"base\": \"gpt-oss-20b\", \"bucketPrefix\": \"models/legal-lora/\"",
        "componentEndpoint.adapters[1].base 'gpt-oss-20b' does not serve LoRA adapters: add \"lora\": { \"maxRank\": 16 } (at least the adapter's rank) to componentEndpoint.components[0]")]
    [InlineData("\"name\": \"legal\"", "\"name\": \"support\"",
        "componentEndpoint.adapters[1].name makes the SageMaker inference component name 'llm-test-shared-support', which componentEndpoint.adapters[0].name makes too")]
    [InlineData("\"bucketPrefix\": \"models/legal-lora/\"", "\"bucketPrefix\": \"/models/legal-lora/\"", "componentEndpoint.adapters[1].bucketPrefix: Invalid model prefix '/models/legal-lora/': it starts with '/'")]
    public void Parse_AdapterMistake_IsOneLineNamingItsKey(string find, string replace, string expected)
    {
        Assert.Contains(find, Valid, StringComparison.Ordinal);
        Assert.StartsWith($"{ConfigErrors.Source}: {expected}", Assert.Single(ConfigErrors.OfParse(Valid.Replace(find, replace, StringComparison.Ordinal))));
    }

    [Theory]
    [InlineData("\"lora\": { \"maxRank\": 16 }", "\"lora\": { \"maxRank\": 24 }",
        "componentEndpoint.components[1].lora.maxRank 24 is not a rank vLLM accepts (1, 8, 16, 32, 64, 128, 256, 320, 512); choose the smallest that is at least the r of every adapter")]
    [InlineData("\"lora\": { \"maxRank\": 16 }", "\"lora\": { \"maxRank\": 16 }, \"speculativeDecoding\": { \"method\": \"eagle3\" }",
        "componentEndpoint.components[1].speculativeDecoding.draftModelFolder: speculativeDecoding.method eagle3 needs a draft model: set speculativeDecoding.draftModelFolder")]
    [InlineData("\"bucketPrefix\": \"models/gpt-oss-20b/\" }", "\"bucketPrefix\": \"models/gpt-oss-20b/\", \"speculativeDecoding\": { \"method\": \"ngram\", \"draftModelFolder\": \"draft/\" } }",
        "componentEndpoint.components[0].speculativeDecoding.draftModelFolder is set but speculativeDecoding.method ngram reads no draft model; remove it")]
    public void Synth_SettingMistake_IsOneLineNamingItsKey(string find, string replace, string expected)
    {
        Assert.Contains(find, Valid, StringComparison.Ordinal);
        Assert.StartsWith($"{ConfigErrors.Source}: {expected}", ConfigErrors.Line(ConfigErrors.OfSynth(Valid.Replace(find, replace, StringComparison.Ordinal)), expected));
    }

    [Fact]
    public void Parse_UnknownSpeculativeMethodSpelling_IsOneLine()
    {
        var json = Valid.Replace("\"lora\": { \"maxRank\": 16 }", "\"lora\": { \"maxRank\": 16 }, \"speculativeDecoding\": { \"method\": \"Eagle-3\" }", StringComparison.Ordinal);

        Assert.StartsWith(
            $"{ConfigErrors.Source}: componentEndpoint.components[1].speculativeDecoding.method: 'Eagle-3' is not a vLLM speculative decoding method",
            Assert.Single(ConfigErrors.OfParse(json)), StringComparison.Ordinal);
    }
}
