using System.Text.Json.Nodes;
using LlmHosting.App.Configuration;
using LlmHosting.App.Stacks;
using LlmHosting.App.Tests.Snapshots;

namespace LlmHosting.App.Tests.Stacks;

/// <summary>How <see cref="ServingStack"/> wires the operations events of the checked-in prod environment.</summary>
[Collection(SynthesizedApp.Collection)]
public sealed class OperationsWiringTests(SynthesizedApp app)
{
    private readonly EnvironmentConfig _config = EnvironmentCatalog.Load(Repository.ConfigDirectory).Select("prod").Single();
    private readonly JsonObject _template = app.Template("prod");

    [Fact]
    public void Rules_SelectOnlyThisEnvironmentsEndpointsAndImports()
    {
        var patterns = Resources("AWS::Events::Rule")
            .Where(r => (string?)r["EventPattern"]!["source"]![0] != "aws.cloudwatch")
            .Select(r => r["EventPattern"]!["detail"]!.AsObject())
            .ToList();
        Assert.Equal(4, patterns.Count);
        foreach (var detail in patterns)
        {
            var nameFilter = detail["EndpointName"] ?? detail["importedModelName"]!;
            Assert.Equal("llm-prod-", (string)Assert.Single(nameFilter.AsArray())!["prefix"]!);
        }
    }

    [Fact]
    public void AlarmRule_SelectsExactlyTheEndpointAlarms()
    {
        var rule = Assert.Single(Resources("AWS::Events::Rule"), r => (string?)r["EventPattern"]!["source"]![0] == "aws.cloudwatch");
        var alarmIds = _template["Resources"]!.AsObject()
            .Where(r => (string?)r.Value!["Type"] == "AWS::CloudWatch::Alarm")
            .Select(r => r.Key)
            .Order()
            .ToList();
        var matched = rule["EventPattern"]!["resources"]!.AsArray().Select(a => (string)a!["Fn::GetAtt"]![0]!).Order().ToList();
        Assert.NotEmpty(alarmIds);
        Assert.Equal(alarmIds, matched);
    }

    [Fact]
    public void Topic_SubscribesTheConfiguredAlarmEmails()
    {
        var endpoints = Resources("AWS::SNS::Subscription").Select(s => (string)s["Endpoint"]!).Order();
        Assert.Equal(_config.Operations.AlarmEmails.Order(), endpoints);
    }

    [Fact]
    public void Dashboard_IsNamedAfterTheEnvironment()
        => Assert.Equal("llm-prod-model-operations", (string)Assert.Single(Resources("AWS::CloudWatch::Dashboard"))["DashboardName"]!);

    // Replacing the topic would drop every confirmed e-mail subscription (each address has to confirm
    // again), and replacing the key or the queue would lose what they hold.
    [Theory]
    [InlineData("OperationsTopic6D6844EA", "AWS::SNS::Topic")]
    [InlineData("OperationsTopicKey50BA7F3B", "AWS::KMS::Key")]
    [InlineData("OperationsDeadLetterQueueF3EF15D0", "AWS::SQS::Queue")]
    public void LogicalIds_OfStatefulOperationsResources_AreStable(string logicalId, string type)
        => Assert.Equal(type, (string?)_template["Resources"]![logicalId]?["Type"]);

    private List<JsonObject> Resources(string type)
        => _template["Resources"]!.AsObject()
            .Where(r => (string?)r.Value!["Type"] == type)
            .Select(r => r.Value!["Properties"]!.AsObject())
            .ToList();
}
