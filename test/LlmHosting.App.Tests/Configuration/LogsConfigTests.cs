using System.Text.Json.Nodes;
using Amazon.CDK;
using Amazon.CDK.AWS.Logs;
using LlmHosting.App.Configuration;

namespace LlmHosting.App.Tests.Configuration;

public sealed class LogsConfigTests
{
    [Fact]
    public void RetentionByDays_EveryEntry_IsTheRetentionCdkWritesForThoseDays()
    {
        var stack = new Stack(new Amazon.CDK.App(), "Logs");
        foreach (var (days, retention) in LogsConfig.RetentionByDays)
        {
            _ = new LogGroup(stack, $"Group{days}", new LogGroupProps { Retention = retention });
        }

        var template = JsonNode.Parse(Newtonsoft.Json.JsonConvert.SerializeObject(Amazon.CDK.Assertions.Template.FromStack(stack).ToJSON()))!;
        var written = template["Resources"]!.AsObject()
            .ToDictionary(r => r.Key, r => (int)(double)r.Value!["Properties"]!["RetentionInDays"]!);
        Assert.All(LogsConfig.RetentionByDays.Keys, days => Assert.Equal(days, Assert.Single(written, w => w.Key[..^8] == $"Group{days}").Value));
        // Exactly the values AWS::Logs::LogGroup accepts (its schema's RetentionInDays enum, as cfn-lint ships it).
        Assert.Equal([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], LogsConfig.RetentionByDays.Keys.Order());
    }

    [Theory]
    [InlineData("\"logs\": { \"retentionDays\": 10 },", "logs.retentionDays 10 is not a retention CloudWatch Logs offers (1, 3, 5, 7, 14, 30,")]
    [InlineData("\"logs\": { \"removalPolicy\": \"keep\" },", "logs.removalPolicy 'keep' must be 'retain' or 'destroy'")]
    [InlineData("\"logs\": { \"kmsKeyArn\": \"arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab\" },", "logs.kmsKeyArn is in region eu-west-1, but CloudWatch Logs uses a key of the log group's region us-east-1")]
    public void Parse_BadLogSetting_NamesItsKeyAndWhatIsAllowed(string setting, string expected)
    {
        var json = $$"""{ "account": "123456789012", "region": "us-east-1", "namePrefix": "llm-test", {{setting}} "tags": { "owner": "o", "costCentre": "c" } }""";
        Assert.StartsWith($"{ConfigErrors.Source}: {expected}", ConfigErrors.Line(ConfigErrors.OfParse(json), expected));
    }
}
