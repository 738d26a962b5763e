using LlmHosting.App.Configuration;

namespace LlmHosting.App.Tests.Configuration;

/// <summary>Names that would collide, within an environment or between environments of one account, are caught at load time.</summary>
public sealed class PhysicalNamesTests
{
    private const string Environment = """
        {
          "account": "123456789012",
          "region": "us-east-1",
          "namePrefix": "llm-test",
          "tags": { "owner": "ml-platform", "costCentre": "cc-42" },
          "endpoints": [ ENDPOINTS ],
          "componentEndpoint": {
            "name": "shared", "instanceType": "ml.g6e.12xlarge",
            "components": [ { "name": "qwen3-4b", "model": "Qwen3-4B", "huggingFaceId": "Qwen/Qwen3-4B" } ]
          }
        }
        """;

    [Theory]
    [InlineData("shared", "componentEndpoint.name makes the SageMaker endpoint name 'llm-test-shared', which endpoints[0].name makes too; choose another name")]
    [InlineData("shared-qwen3-4b", "componentEndpoint.components[0].name makes the CloudWatch alarm name prefix 'llm-test-shared-qwen3-4b', which endpoints[0].name makes too; choose another name")]
    [InlineData("operations", "endpoints[0].name 'operations' makes the construct id Operations, which the app makes too; choose another name")]
    [InlineData("component-endpoint-qwen3-4b", "componentEndpoint.components[0].name 'qwen3-4b' makes the construct id ComponentEndpointQwen34bEndpointName, which endpoints[0].name 'component-endpoint-qwen3-4b' makes too; choose another name")]
    [InlineData("llm-hosting-weights-gates", "endpoints[0].name 'llm-hosting-weights-gates' makes the construct id LlmHostingWeightsGates, which the construct library makes too; choose another name")]
    public void Parse_EndpointNameThatCollides_NamesBothEntries(string endpointName, string expected)
        => Assert.Equal($"{ConfigErrors.Source}: {expected}", Assert.Single(ConfigErrors.OfParse(Environment.Replace("ENDPOINTS", Endpoint(endpointName)))));

    [Fact]
    public void Parse_TwoNamesWithOneConstructId_NamesBoth()
        => Assert.Equal(
            $"{ConfigErrors.Source}: endpoints[1].name 'gpt-oss20b' makes the construct id GptOss20b, which endpoints[0].name 'gpt-oss-20b' makes too; choose another name",
            Assert.Single(ConfigErrors.OfParse(Environment.Replace("ENDPOINTS", Endpoint("gpt-oss-20b") + ", " + Endpoint("gpt-oss20b")))));

    [Fact]
    public void Load_TwoEnvironmentsWithOnePrefixInOneAccountAndRegion_NamesBothFiles()
    {
        var lines = LoadLines(("a", "llm-test", "us-east-1", "123456789012"), ("b", "llm-test", "us-east-1", "123456789012"));
        Assert.Equal(
            "cdk/config/b.json: namePrefix 'llm-test' is also the namePrefix of cdk/config/a.json, which deploys to the same account 123456789012 and region us-east-1: "
            + "their stacks, model buckets, dashboards, endpoints and alarms would have the same names; give each environment its own namePrefix",
            Assert.Single(lines));
    }

    [Fact]
    public void Load_PrefixThatStartsAnotherInOneAccountAndRegion_NamesTheOverlapAndTheCollision()
    {
        var lines = LoadLines(("a", "llm", "us-east-1", "123456789012", "test-shared"), ("b", "llm-test", "us-east-1", "123456789012", "other"));
        Assert.Equal(
            [
                "cdk/config/b.json: namePrefix 'llm-test' and namePrefix 'llm' of cdk/config/a.json deploy to the same account 123456789012 and region us-east-1, and 'llm-test-' starts with 'llm-': "
                + "the event rules of cdk/config/a.json would also report the endpoints and imports of cdk/config/b.json; choose prefixes of which neither starts the other",
                "cdk/config/b.json: componentEndpoint.name makes the SageMaker endpoint name 'llm-test-shared', which cdk/config/a.json (endpoints[0].name) makes too in the same account 123456789012 and region us-east-1",
            ],
            lines);
    }

    [Fact]
    public void Load_OnePrefixInOneAccountButTwoRegions_NamesTheAccountWideDashboard()
        => Assert.Equal(
            "cdk/config/b.json: namePrefix makes the CloudWatch dashboard name 'llm-test-model-operations', which cdk/config/a.json (namePrefix) makes too in the same account 123456789012",
            Assert.Single(LoadLines(("a", "llm-test", "us-east-1", "123456789012"), ("b", "llm-test", "eu-west-1", "123456789012"))));

    [Fact]
    public void Load_OnePrefixInTwoAccounts_IsAccepted()
    {
        var directory = Write(("a", "llm-test", "us-east-1", "123456789012", "x"), ("b", "llm-test", "us-east-1", "210987654321", "x"));
        try
        {
            Assert.Equal(["a", "b"], EnvironmentCatalog.Load(directory).Environments.Select(e => e.Name));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static string Endpoint(string name)
        => $$"""{ "name": "{{name}}", "model": "gpt-oss-20b", "huggingFaceId": "openai/gpt-oss-20b", "instanceType": "ml.g6e.xlarge" }""";

    private static IReadOnlyList<string> LoadLines(params (string Name, string Prefix, string Region, string Account, string Endpoint)[] environments)
    {
        var directory = Write(environments);
        try
        {
            var lines = Assert.Throws<ConfigurationException>(() => EnvironmentCatalog.Load(directory)).Lines;
            Assert.All(lines, ConfigErrors.AssertUserWords);
            return lines;
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static IReadOnlyList<string> LoadLines(params (string Name, string Prefix, string Region, string Account)[] environments)
        => LoadLines(environments.Select(e => (e.Name, e.Prefix, e.Region, e.Account, "x")).ToArray());

    private static string Write(params (string Name, string Prefix, string Region, string Account, string Endpoint)[] environments)
    {
        var directory = Path.Combine(Path.GetTempPath(), "llmhosting-names-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        foreach (var (name, prefix, region, account, endpoint) in environments)
        {
            var json = Environment.Replace("ENDPOINTS", Endpoint(endpoint))
                .Replace("\"llm-test\"", $"\"{prefix}\"")
                .Replace("us-east-1", region)
                .Replace("123456789012", account);
            File.WriteAllText(Path.Combine(directory, name + ".json"), json);
        }

        return directory;
    }
}
