using System.Text.Json.Nodes;
using LlmHosting.Constructs.Events;
using LlmHosting.Constructs.Tests.Bedrock;

namespace LlmHosting.Constructs.Tests.Events;

/// <summary>One stack with a topic per combination of key conditions, synthesized once.</summary>
public sealed class OperationsTopicKeyFixture
{
    public OperationsTopicKeyFixture()
    {
        var stack = TestStacks.New();
        foreach (var (id, conditions) in Combinations)
        {
            _ = new OperationsTopic(stack, id, new OperationsTopicProps { KeyConditions = conditions });
        }

        _ = new ModelOperationsEvents(stack, "Operations", new ModelOperationsEventsProps
        {
            TopicKeyConditions = new TopicKeyConditions { RequireCloudWatchSource = true },
        });
        Template = TestStacks.Json(stack);
    }

    public static IReadOnlyList<(string Id, TopicKeyConditions? Conditions)> Combinations { get; } =
    [
        ("Plain", null),
        ("CloudWatchSource", new TopicKeyConditions { RequireCloudWatchSource = true }),
        ("TopicContext", new TopicKeyConditions { RequireTopicEncryptionContext = true }),
        ("Both", new TopicKeyConditions { RequireCloudWatchSource = true, RequireTopicEncryptionContext = true }),
    ];

    public JsonObject Template { get; }

    /// <summary>The key policy statement of <paramref name="service"/> in the key of the construct <paramref name="id"/>.</summary>
    public JsonObject Statement(string id, string service)
    {
        var (_, key) = Assert.Single(TestStacks.Resources(Template, "AWS::KMS::Key"), k => k.Id.StartsWith(id, StringComparison.Ordinal));
        return key["KeyPolicy"]!["Statement"]!.AsArray().Select(s => s!.AsObject()).Single(s => (string?)s["Principal"]?["Service"] == service);
    }
}

/// <summary>
/// The statements that let EventBridge and CloudWatch use the operations topic's key. A condition the KMS request does not
/// carry makes every notification fail silently, so only documented conditions are written by default.
/// </summary>
public sealed class OperationsTopicKeyTests(OperationsTopicKeyFixture fixture) : IClassFixture<OperationsTopicKeyFixture>
{
    [Fact]
    public void KeyRemoval_Default_KeptOnUpdateAndDelete_ButNotWhenItsCreationRollsBack()
    {
        var key = fixture.Template["Resources"]!.AsObject().First(r => (string?)r.Value!["Type"] == "AWS::KMS::Key").Value!;

        Assert.Equal(("RetainExceptOnCreate", "Retain"), ((string)key["DeletionPolicy"]!, (string)key["UpdateReplacePolicy"]!));
        Assert.Null(key["Properties"]!["PendingWindowInDays"]);
    }

    [Fact]
    public void KeyRemoval_Destroy_DeletesTheKeyWithTheStack_AfterTheShortestWaitingPeriod()
    {
        var stack = TestStacks.New();
        _ = new ModelOperationsEvents(stack, "Operations", new ModelOperationsEventsProps { TopicKeyRemovalPolicy = Amazon.CDK.RemovalPolicy.DESTROY });

        var (id, key) = Assert.Single(TestStacks.Resources(TestStacks.Json(stack), "AWS::KMS::Key"));
        Assert.Equal("Delete", (string)TestStacks.Json(stack)["Resources"]![id]!["DeletionPolicy"]!);
        Assert.Equal(7, (double)key["PendingWindowInDays"]!);
    }

    [Fact]
    public void KeyPolicy_EventBridge_HasNoCondition_SnsGuideSaysSourceAccountAndSourceArnAreNotSupportedForEventBridgeToEncryptedTopics()
    {
        // SNS developer guide, Key management: "Adding the aws:SourceAccount and aws:SourceArn to a AWS KMS policy is not
        // supported for EventBridge-to-encrypted topics." Every option combination keeps them out of EventBridge's statement.
        foreach (var (id, _) in OperationsTopicKeyFixture.Combinations)
        {
            var events = fixture.Statement(id, "events.amazonaws.com");
            Assert.Equal(["kms:Decrypt", "kms:GenerateDataKey*"], TestStacks.Actions(events));
            Assert.DoesNotContain("aws:Source", events["Condition"]?.ToJsonString() ?? "", StringComparison.Ordinal);
        }
    }

    [Fact]
    public void KeyPolicy_ByDefault_NeitherServiceHasACondition()
    {
        Assert.Null(fixture.Statement("Plain", "events.amazonaws.com")["Condition"]);
        Assert.Null(fixture.Statement("Plain", "cloudwatch.amazonaws.com")["Condition"]);
    }

    [Fact]
    public void RequireCloudWatchSource_NarrowsCloudWatchToThisAccountsAlarms()
    {
        var cloudWatch = fixture.Statement("CloudWatchSource", "cloudwatch.amazonaws.com");

        Assert.Equal("123456789012", (string)cloudWatch["Condition"]!["StringEquals"]!["aws:SourceAccount"]!);
        Assert.Equal("arn:aws:cloudwatch:us-east-1:123456789012:alarm:*", Cfn.Render(cloudWatch["Condition"]!["ArnLike"]!["aws:SourceArn"]!));
    }

    [Fact]
    public void RequireTopicEncryptionContext_NarrowsBothToThisAccountsTopics_AndMergesWithTheCloudWatchSource()
    {
        var events = fixture.Statement("Both", "events.amazonaws.com");
        var cloudWatch = fixture.Statement("Both", "cloudwatch.amazonaws.com");

        const string topics = "arn:aws:sns:us-east-1:123456789012:*";
        Assert.Equal(topics, Cfn.Render(events["Condition"]!["ArnLike"]!["kms:EncryptionContext:aws:sns:topicArn"]!));
        Assert.Equal(["ArnLike"], events["Condition"]!.AsObject().Select(c => c.Key));
        Assert.Equal(topics, Cfn.Render(cloudWatch["Condition"]!["ArnLike"]!["kms:EncryptionContext:aws:sns:topicArn"]!));
        Assert.NotNull(cloudWatch["Condition"]!["ArnLike"]!["aws:SourceArn"]);
    }

    [Fact]
    public void ModelOperationsEvents_PassesTheConditionsToItsTopic()
        => Assert.NotNull(fixture.Statement("Operations", "cloudwatch.amazonaws.com")["Condition"]!["StringEquals"]!["aws:SourceAccount"]);
}
