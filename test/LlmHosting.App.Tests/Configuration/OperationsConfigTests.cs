using LlmHosting.App.Configuration;

namespace LlmHosting.App.Tests.Configuration;

public sealed class OperationsConfigTests
{
    private const string Valid = """
        {
          "account": "123456789012",
          "region": "eu-west-1",
          "namePrefix": "llm-test",
          "tags": { "owner": "ml-platform", "costCentre": "cc-42" },
          "operations": { "alarmEmails": ["ml-oncall@example.com", "lead@example.org"] }
        }
        """;

    [Fact]
    public void Parse_AlarmEmails_AreRead()
        => Assert.Equal(["ml-oncall@example.com", "lead@example.org"], EnvironmentCatalog.Parse("test", Valid, "test.json").Operations.AlarmEmails);

    [Fact]
    public void Parse_NoOperationsSection_MeansNoEmails()
    {
        const string json = """
            {
              "account": "123456789012",
              "region": "eu-west-1",
              "namePrefix": "llm-test",
              "tags": { "owner": "ml-platform", "costCentre": "cc-42" }
            }
            """;
        Assert.Empty(EnvironmentCatalog.Parse("test", json, "test.json").Operations.AlarmEmails);
    }

    [Theory]
    [InlineData("ml-oncall", "operations.alarmEmails[0] 'ml-oncall' is not an e-mail address")]
    [InlineData("ml oncall@example.com", "operations.alarmEmails[0] 'ml oncall@example.com' is not an e-mail address")]
    [InlineData("oncall@localhost", "operations.alarmEmails[0] 'oncall@localhost' is not an e-mail address")]
    [InlineData("", "operations.alarmEmails[0] '' is not an e-mail address")]
    public void Parse_BadEmail_NamesItsPath(string email, string expected)
        => AssertProblem(Valid.Replace("ml-oncall@example.com", email), expected);

    [Fact]
    public void Parse_DuplicateEmail_IsNamed()
        => AssertProblem(Valid.Replace("lead@example.org", "ML-Oncall@example.com"), "operations.alarmEmails lists 'ml-oncall@example.com' more than once");

    [Fact]
    public void Parse_UnknownOperationsSetting_SuggestsTheKey()
        => AssertProblem(Valid.Replace("\"alarmEmails\"", "\"alarmEmail\""), "operations.alarmEmail is not a known key; did you mean alarmEmails?");

    [Fact]
    public void Parse_NullEmail_IsNamedNotSkipped()
        => AssertProblem(Valid.Replace("\"lead@example.org\"", "null"), "operations.alarmEmails[1] must be a string, not null");

    [Fact]
    public void Load_CheckedInEnvironments_NotifySomeoneInStagingAndProd()
    {
        var catalog = EnvironmentCatalog.Load(Repository.ConfigDirectory);
        Assert.All(catalog.Environments.Where(e => e.Name is "staging" or "prod"), e => Assert.NotEmpty(e.Operations.AlarmEmails));
    }

    private static void AssertProblem(string json, string expected)
        => Assert.Equal($"{ConfigErrors.Source}: {expected}", Assert.Single(ConfigErrors.OfParse(json)));
}
