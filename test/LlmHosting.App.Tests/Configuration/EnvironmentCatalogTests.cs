using LlmHosting.App.Configuration;

namespace LlmHosting.App.Tests.Configuration;

public sealed class EnvironmentCatalogTests
{
    private const string Valid = """
        {
          "account": "123456789012",
          "region": "eu-west-1",
          "namePrefix": "llm-test",
          "tags": { "owner": "ml-platform", "costCentre": "cc-42" }
        }
        """;

    [Fact]
    public void Parse_Valid_ReadsEverySetting()
    {
        var config = EnvironmentCatalog.Parse("test", Valid, "test.json");
        Assert.Equal("test", config.Name);
        Assert.Equal("123456789012", config.Account);
        Assert.Equal("eu-west-1", config.Region);
        Assert.Equal("llm-test", config.NamePrefix);
        Assert.Equal("ml-platform", config.Tags.Owner);
        Assert.Equal("cc-42", config.Tags.CostCentre);
        Assert.False(config.ModelBucket.Destroy);
        Assert.Null(config.ModelBucket.AccessLogs);
    }

    [Theory]
    [InlineData("12345", "account '12345' is not a 12-digit AWS account id")]
    [InlineData(" 123456789012", "account ' 123456789012' is not a 12-digit AWS account id")]
    [InlineData("12345678901a", "account '12345678901a' is not a 12-digit AWS account id")]
    [InlineData("", "account is missing")]
    public void Parse_BadAccount_NamesIt(string account, string expected)
        => AssertProblem(Valid.Replace("123456789012", account), expected);

    [Theory]
    [InlineData("us-east", "region 'us-east' is not an AWS region name (for example us-east-1)")]
    [InlineData("US-EAST-1", "region 'US-EAST-1' is not an AWS region name")]
    [InlineData("moon-base-1", "region 'moon-base-1' is not an AWS region name")]
    [InlineData("", "region is missing")]
    public void Parse_BadRegion_NamesIt(string region, string expected)
        => AssertProblem(Valid.Replace("eu-west-1", region), expected);

    [Theory]
    [InlineData("us-gov-west-1")]
    [InlineData("cn-northwest-1")]
    [InlineData("ap-southeast-5")]
    [InlineData("il-central-1")]
    public void Parse_RealRegions_AreAccepted(string region)
        => Assert.Equal(region, EnvironmentCatalog.Parse("test", Valid.Replace("eu-west-1", region), "test.json").Region);

    [Theory]
    [InlineData("Llm", "namePrefix 'Llm' must be 1-20 lower-case letters")]
    [InlineData("llm-", "namePrefix 'llm-' must be")]
    [InlineData("a-very-long-prefix-indeed", "namePrefix 'a-very-long-prefix-indeed' must be")]
    public void Parse_BadNamePrefix_NamesIt(string prefix, string expected)
        => AssertProblem(Valid.Replace("llm-test", prefix), expected);

    [Fact]
    public void Parse_MissingTags_NamesEach()
    {
        var lines = ConfigErrors.OfParse(Valid.Replace("\"ml-platform\"", "\"\"").Replace("\"cc-42\"", "\"\""));
        Assert.Equal([$"{ConfigErrors.Source}: tags.owner is missing", $"{ConfigErrors.Source}: tags.costCentre is missing"], lines);
    }

    [Fact]
    public void Parse_BadTagValue_NamesIt()
        => AssertProblem(Valid.Replace("cc-42", "cc#42"), "tags.costCentre 'cc#42' is not a valid tag value");

    [Fact]
    public void Parse_BadRemovalPolicy_NamesIt()
        => AssertProblem(Valid.Replace("\"tags\"", "\"modelBucket\": { \"removalPolicy\": \"delete\" }, \"tags\""),
            "modelBucket.removalPolicy 'delete' must be 'retain' or 'destroy'");

    [Fact]
    public void Parse_UnknownSetting_SuggestsTheClosestKey()
        => AssertProblem(Valid.Replace("\"tags\"", "\"regoin\": \"x\", \"tags\""), "regoin is not a known key; did you mean region?");

    [Fact]
    public void Parse_WrongType_NamesItsPathAndWhatIsAllowed()
        => AssertProblem(Valid.Replace("\"tags\"", "\"modelBucket\": { \"accessLogs\": \"yes\" }, \"tags\""), "modelBucket.accessLogs must be true or false, not the string \"yes\"");

    [Fact]
    public void Parse_MalformedJson_GivesLineAndColumn()
        => Assert.Equal(
            [$"{ConfigErrors.Source}: the file is not valid JSON at line 2, column 14: Expected depth to be zero at the end of the JSON payload. There is an open JSON object or array that should be closed"],
            ConfigErrors.OfParse("{\n  \"account\": "));

    [Fact]
    public void Parse_SeveralMistakes_ReportsEachOnItsOwnLine()
    {
        var lines = ConfigErrors.OfParse(Valid.Replace("123456789012", "1").Replace("eu-west-1", "nowhere").Replace("llm-test", "X"));
        Assert.Equal(3, lines.Count);
        ConfigErrors.Line(lines, "account '1'");
        ConfigErrors.Line(lines, "region 'nowhere'");
        ConfigErrors.Line(lines, "namePrefix 'X'");
    }

    [Fact]
    public void Parse_BadEnvironmentName_NamesIt()
    {
        var error = Assert.Throws<ConfigurationException>(() => EnvironmentCatalog.Parse("Prod_1", Valid, "cdk/config/Prod_1.json"));
        Assert.Equal("cdk/config/Prod_1.json: the environment name 'Prod_1' (the file name) must be 1-32 lower-case letters, digits or hyphens, starting with a letter", Assert.Single(error.Lines));
    }

    [Fact]
    public void Select_UnknownName_ListsKnownOnes()
    {
        var catalog = EnvironmentCatalog.Load(Repository.ConfigDirectory);
        var error = Assert.Throws<ConfigurationException>(() => catalog.Select("prodd"));
        Assert.Equal("Unknown environment 'prodd'. Known environments: dev, prod, staging.", error.Message);
    }

    [Fact]
    public void Select_NoName_ReturnsEveryEnvironment()
    {
        var catalog = EnvironmentCatalog.Load(Repository.ConfigDirectory);
        Assert.Equal(["dev", "prod", "staging"], catalog.Select(null).Select(e => e.Name));
        Assert.Equal(["prod"], catalog.Select("prod").Select(e => e.Name));
    }

    [Fact]
    public void Load_CheckedInEnvironments_UsePlaceholderAccountsInDistinctAccounts()
    {
        var catalog = EnvironmentCatalog.Load(Repository.ConfigDirectory);
        Assert.Equal(catalog.Environments.Count, catalog.Environments.Select(e => e.Account).Distinct().Count());
        Assert.Equal(catalog.Environments.Count, catalog.Environments.Select(e => e.NamePrefix).Distinct().Count());
    }

    private static void AssertProblem(string json, string expected)
        => Assert.StartsWith($"{ConfigErrors.Source}: {expected}", Assert.Single(ConfigErrors.OfParse(json)));
}
