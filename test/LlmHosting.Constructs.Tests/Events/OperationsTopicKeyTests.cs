using System.Text.Json.Nodes;
using LlmHosting.Constructs.Events;
using LlmHosting.Constructs.Tests.Bedrock;

namespace LlmHosting.Constructs.Tests.Events;

/// <summary>
/// The statements that let EventBridge and CloudWatch use the operations topic's key. A condition the KMS request does not
/// carry makes every notification fail silently, so only documented conditions are written by default.
/// </summary>
public sealed class OperationsTopicKeyTests
{
    [Fact]
    public void KeyPolicy_EventBridge_HasNoCondition_SnsGuideSaysSourceAccountAndSourceArnAreNotSupportedForEventBridgeToEncryptedTopics()
    {
        // SNS developer guide, Key management: "Adding the aws:SourceAccount and aws:SourceArn to a AWS KMS policy is not
        // supported for EventBridge-to-encrypted topics." Every option combination keeps them out of EventBridge's statement.
        foreach (var conditions in Combinations())
        {
            var events = Statement(conditions, "events.amazonaws.com");
            Assert.Equal(["kms:Decrypt", "kms:GenerateDataKey*"], TestStacks.Actions(events));
            Assert.DoesNotContain("aws:Source", events["Condition"]?.ToJsonString() ?? "", StringComparison.Ordinal);
        }
    }

    [Fact]
    public void KeyPolicy_ByDefault_NeitherServiceHasACondition()
    {
        Assert.Null(Statement(null, "events.amazonaws.com")["Condition"]);
        Assert.Null(Statement(null, "cloudwatch.amazonaws.com")["Condition"]);
    }

    [Fact]
    public void RequireCloudWatchSource_NarrowsCloudWatchToThisAccountsAlarms()
    {
        var cloudWatch = Statement(new TopicKeyConditions { RequireCloudWatchSource = true }, "cloudwatch.amazonaws.com");

        Assert.Equal("123456789012", (string)cloudWatch["Condition"]!["StringEquals"]!["aws:SourceAccount"]!);
        Assert.Equal("arn:aws:cloudwatch:us-east-1:123456789012:alarm:*", Cfn.Render(cloudWatch["Condition"]!["ArnLike"]!["aws:SourceArn"]!));
    }

    [Fact]
    public void RequireTopicEncryptionContext_NarrowsBothToThisAccountsTopics_AndMergesWithTheCloudWatchSource()
    {
        var conditions = new TopicKeyConditions { RequireTopicEncryptionContext = true, RequireCloudWatchSource = true };
        var events = Statement(conditions, "events.amazonaws.com");
        var cloudWatch = Statement(conditions, "cloudwatch.amazonaws.com");

        const string topics = "arn:aws:sns:us-east-1:123456789012:*";
        Assert.Equal(topics, Cfn.Render(events["Condition"]!["ArnLike"]!["kms:EncryptionContext:aws:sns:topicArn"]!));
        Assert.Equal(["ArnLike"], events["Condition"]!.AsObject().Select(c => c.Key));
        Assert.Equal(topics, Cfn.Render(cloudWatch["Condition"]!["ArnLike"]!["kms:EncryptionContext:aws:sns:topicArn"]!));
        Assert.NotNull(cloudWatch["Condition"]!["ArnLike"]!["aws:SourceArn"]);
    }

    [Fact]
    public void ModelOperationsEvents_PassesTheConditionsToItsTopic()
    {
        var stack = TestStacks.New();
        _ = new ModelOperationsEvents(stack, "Operations", new ModelOperationsEventsProps
        {
            TopicKeyConditions = new TopicKeyConditions { RequireCloudWatchSource = true },
        });

        var (_, key) = Assert.Single(TestStacks.Resources(TestStacks.Json(stack), "AWS::KMS::Key"));
        var cloudWatch = key["KeyPolicy"]!["Statement"]!.AsArray().Single(s => (string?)s!["Principal"]?["Service"] == "cloudwatch.amazonaws.com")!;
        Assert.NotNull(cloudWatch["Condition"]!["StringEquals"]!["aws:SourceAccount"]);
    }

    private static IEnumerable<TopicKeyConditions?> Combinations() =>
    [
        null,
        new TopicKeyConditions { RequireCloudWatchSource = true },
        new TopicKeyConditions { RequireTopicEncryptionContext = true },
        new TopicKeyConditions { RequireCloudWatchSource = true, RequireTopicEncryptionContext = true },
    ];

    private static JsonObject Statement(TopicKeyConditions? conditions, string service)
    {
        var stack = TestStacks.New();
        _ = new OperationsTopic(stack, "Topic", new OperationsTopicProps { KeyConditions = conditions });
        var (_, key) = Assert.Single(TestStacks.Resources(TestStacks.Json(stack), "AWS::KMS::Key"));
        return key["KeyPolicy"]!["Statement"]!.AsArray().Select(s => s!.AsObject()).Single(s => (string?)s["Principal"]?["Service"] == service);
    }
}
