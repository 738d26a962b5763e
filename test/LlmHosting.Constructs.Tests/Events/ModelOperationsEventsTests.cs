using Amazon.CDK;
using LlmHosting.Constructs.Events;
using System.Text.Json.Nodes;

namespace LlmHosting.Constructs.Tests.Events;

public sealed class ModelOperationsEventsTests(EventsFixture fixture) : IClassFixture<EventsFixture>
{
    private static readonly string[] RuleIds = ["EndpointFailedRule", "EndpointRolledBackRule", "ModelImportCompletedRule", "ModelImportFailedRule", "AlarmStateChangeRule"];

    private JsonObject Template => fixture.Template;

    [Fact]
    public void EndpointFailedRule_MatchesThisEnvironmentsEndpointsInFailureStates()
    {
        var pattern = fixture.Rule("EndpointFailedRule")["EventPattern"]!;
        Assert.Equal(["aws.sagemaker"], Strings(pattern["source"]));
        Assert.Equal(["SageMaker Endpoint State Change"], Strings(pattern["detail-type"]));
        Assert.Equal(
            ["FAILED", "Failed", "ROLLING_BACK", "RollingBack", "UPDATE_ROLLBACK_FAILED", "UpdateRollbackFailed"],
            Strings(pattern["detail"]!["EndpointStatus"]));
        Assert.Null(pattern["detail"]!["FailureReason"]);
        AssertNameFilter(pattern["detail"]!["EndpointName"]!, "llm-dev-", "shared-endpoint");
        Assert.Null(pattern["resources"]);
    }

    [Fact]
    public void EndpointRolledBackRule_MatchesThisEnvironmentsEndpointsInServiceOnlyWithAFailureReason()
    {
        var pattern = fixture.Rule("EndpointRolledBackRule")["EventPattern"]!;
        Assert.Equal(["aws.sagemaker"], Strings(pattern["source"]));
        Assert.Equal(["SageMaker Endpoint State Change"], Strings(pattern["detail-type"]));
        Assert.Equal(["IN_SERVICE", "InService"], Strings(pattern["detail"]!["EndpointStatus"]));
        Assert.True((bool)Assert.Single(pattern["detail"]!["FailureReason"]!.AsArray())!["exists"]!);
        AssertNameFilter(pattern["detail"]!["EndpointName"]!, "llm-dev-", "shared-endpoint");
    }

    [Theory]
    [InlineData("ModelImportCompletedRule", "Completed")]
    [InlineData("ModelImportFailedRule", "Failed")]
    public void ModelImportRules_MatchTheHandlersEventsOfThisEnvironment(string ruleId, string status)
    {
        var pattern = fixture.Rule(ruleId)["EventPattern"]!;
        Assert.Equal(["llmhosting.bedrock-model-import"], Strings(pattern["source"]));
        Assert.Equal(["Bedrock Model Import Job State Change"], Strings(pattern["detail-type"]));
        Assert.Equal([status], Strings(pattern["detail"]!["status"]));
        AssertNameFilter(pattern["detail"]!["importedModelName"]!, "llm-dev-");
    }

    [Fact]
    public void AlarmStateChangeRule_MatchesOnlyTheGivenAlarmsByArn()
    {
        var pattern = fixture.Rule("AlarmStateChangeRule")["EventPattern"]!;
        Assert.Equal(["aws.cloudwatch"], Strings(pattern["source"]));
        Assert.Equal(["CloudWatch Alarm State Change"], Strings(pattern["detail-type"]));
        Assert.Equal(
            """[{"state":{"value":["ALARM"]}},{"state":{"value":["OK"]},"previousState":{"value":["ALARM"]}}]""",
            pattern["detail"]!["$or"]!.ToJsonString());
        Assert.Single(pattern["detail"]!.AsObject());
        var alarms = pattern["resources"]!.AsArray().Select(r => (string)r!["Fn::GetAtt"]![0]!).ToList();
        Assert.Equal(2, alarms.Count);
        Assert.Contains(alarms, a => a.StartsWith("LatencyAlarm", StringComparison.Ordinal));
        Assert.Contains(alarms, a => a.StartsWith("ErrorAlarm", StringComparison.Ordinal));
    }

    [Fact]
    public void EveryTargetOfEveryRule_HasTheDeadLetterQueueAndARetryPolicy()
    {
        var queueId = Assert.Single(TestStacks.Resources(Template, "AWS::SQS::Queue")).Id;
        var rules = TestStacks.Resources(Template, "AWS::Events::Rule");
        Assert.Equal(RuleIds.Length, rules.Count);
        foreach (var (id, rule) in rules)
        {
            var targets = rule["Targets"]!.AsArray();
            Assert.Equal(3, targets.Count); // topic, forwarding bus, forwarding function
            foreach (var target in targets)
            {
                Assert.Equal(queueId, (string)target!["DeadLetterConfig"]!["Arn"]!["Fn::GetAtt"]![0]!);
                Assert.Equal(7200.0, (double)target["RetryPolicy"]!["MaximumEventAgeInSeconds"]!);
                Assert.Equal(24.0, (double)target["RetryPolicy"]!["MaximumRetryAttempts"]!);
            }
        }
    }

    [Fact]
    public void TopicMessages_StartWithResourceStateAndReason()
    {
        string Template(string ruleId) => (string)fixture.Rule(ruleId)["Targets"]![0]!["InputTransformer"]!["InputTemplate"]!;

        Assert.StartsWith("\"SageMaker endpoint <detail-EndpointName> is <detail-EndpointStatus>: <detail-FailureReason>\\n", Template("EndpointFailedRule"));
        Assert.StartsWith("\"SageMaker endpoint <detail-EndpointName> update rolled back: <detail-FailureReason>\\nStill serving endpoint config <detail-EndpointConfigName>", Template("EndpointRolledBackRule"));
        Assert.StartsWith("\"Bedrock model import <detail-jobName> is <detail-status>: <detail-failureMessage>\\n", Template("ModelImportFailedRule"));
        Assert.StartsWith("\"CloudWatch alarm <detail-alarmName> is <detail-state-value>: <detail-state-reason>\\n", Template("AlarmStateChangeRule"));
        Assert.Contains("Description: <detail-configuration-description>", Template("AlarmStateChangeRule"));
        var paths = fixture.Rule("EndpointFailedRule")["Targets"]![0]!["InputTransformer"]!["InputPathsMap"]!;
        Assert.Equal("$.detail.FailureReason", (string)paths["detail-FailureReason"]!);

        // The forwarding bus and function receive the event itself.
        foreach (var target in fixture.Rule("EndpointFailedRule")["Targets"]!.AsArray().Skip(1))
        {
            Assert.Null(target!["InputTransformer"]);
            Assert.Null(target["Input"]);
        }
    }

    [Fact]
    public void Topic_IsEncryptedWithTheCustomerKeyThatEventBridgeAndCloudWatchMayUse()
    {
        var topic = Assert.Single(TestStacks.Resources(Template, "AWS::SNS::Topic")).Properties;
        var (keyId, key) = Assert.Single(TestStacks.Resources(Template, "AWS::KMS::Key"));
        Assert.Equal(keyId, (string)topic["KmsMasterKeyId"]!["Fn::GetAtt"]![0]!);
        Assert.True((bool)key["EnableKeyRotation"]!);

        // Both publishing services may use the key, each in its own statement; who may publish is narrowed by the topic
        // policy (tests below). The key conditions are OperationsTopicKeyTests'.
        var grants = key["KeyPolicy"]!["Statement"]!.AsArray().Where(s => s!["Principal"]!["Service"] is not null).ToList();
        Assert.Equal(["cloudwatch.amazonaws.com", "events.amazonaws.com"], grants.Select(g => (string)g!["Principal"]!["Service"]!).Order());
        Assert.All(grants, g => Assert.Equal(["kms:Decrypt", "kms:GenerateDataKey*"], Strings(g!["Action"])));
    }

    [Fact]
    public void TopicPolicy_DeniesPublishingWithoutTls()
    {
        var deny = Assert.Single(TopicStatements(), s => (string)s["Effect"]! == "Deny");
        Assert.Equal("false", (string)deny["Condition"]!["Bool"]!["aws:SecureTransport"]!);
        Assert.Equal("*", deny["Principal"]!.GetValueKind() == System.Text.Json.JsonValueKind.String ? (string)deny["Principal"]! : (string)deny["Principal"]!["AWS"]!);
        Assert.Equal("sns:Publish", (string)deny["Action"]!);
    }

    [Fact]
    public void TopicPolicy_LetsOnlyThisConstructsRulesAndThisAccountsAlarmsPublish()
    {
        var allows = TopicStatements().Where(s => (string)s["Effect"]! == "Allow").ToList();
        Assert.All(allows, s => Assert.Equal("sns:Publish", (string)s["Action"]!));
        Assert.All(allows, s => Assert.Null(s["Principal"]!["AWS"]));

        var fromEvents = allows.Where(s => (string?)s["Principal"]!["Service"] == "events.amazonaws.com").ToList();
        var ruleIds = TestStacks.Resources(Template, "AWS::Events::Rule").Select(r => r.Id).Order().ToList();
        Assert.Equal(ruleIds, fromEvents.Select(s => (string)s["Condition"]!["ArnEquals"]!["aws:SourceArn"]!["Fn::GetAtt"]![0]!).Order());

        var fromCloudWatch = Assert.Single(allows, s => (string?)s["Principal"]!["Service"] == "cloudwatch.amazonaws.com");
        Assert.Equal("123456789012", (string)fromCloudWatch["Condition"]!["StringEquals"]!["aws:SourceAccount"]!);
        Assert.Equal("arn:AWS::Partition:cloudwatch:us-east-1:123456789012:alarm:*", Joined(fromCloudWatch["Condition"]!["ArnLike"]!["aws:SourceArn"]!));

        Assert.Equal(allows.Count, fromEvents.Count + 1);
    }

    [Fact]
    public void DeadLetterQueue_IsEncryptedTlsOnlyAndWritableOnlyByTheRules()
    {
        var queue = Assert.Single(TestStacks.Resources(Template, "AWS::SQS::Queue")).Properties;
        Assert.True((bool)queue["SqsManagedSseEnabled"]!);
        Assert.Equal(1209600.0, (double)queue["MessageRetentionPeriod"]!);

        var statements = Assert.Single(TestStacks.Resources(Template, "AWS::SQS::QueuePolicy")).Properties["PolicyDocument"]!["Statement"]!
            .AsArray().Select(s => s!.AsObject()).ToList();
        Assert.Contains(statements, s => (string)s["Effect"]! == "Deny" && (string)s["Condition"]!["Bool"]!["aws:SecureTransport"]! == "false");
        var allows = statements.Where(s => (string)s["Effect"]! == "Allow").ToList();
        Assert.All(allows, s =>
        {
            Assert.Equal("events.amazonaws.com", (string)s["Principal"]!["Service"]!);
            Assert.Equal("sqs:SendMessage", (string)s["Action"]!);
        });
        var ruleIds = TestStacks.Resources(Template, "AWS::Events::Rule").Select(r => r.Id).Order().ToList();
        Assert.Equal(ruleIds, allows.Select(s => (string)s["Condition"]!["ArnEquals"]!["aws:SourceArn"]!["Fn::GetAtt"]![0]!).Order());
    }

    [Fact]
    public void EmailSubscriptions_AreCreatedForEachAddress()
    {
        var subscriptions = TestStacks.Resources(Template, "AWS::SNS::Subscription").Select(s => s.Properties).ToList();
        Assert.All(subscriptions, s => Assert.Equal("email", (string)s["Protocol"]!));
        Assert.Equal(["lead@example.com", "ml-oncall@example.com"], subscriptions.Select(s => (string)s["Endpoint"]!).Order());
    }

    [Fact]
    public void ForwardingTargets_AreAllowedPerRule()
    {
        var permissions = TestStacks.Resources(Template, "AWS::Lambda::Permission").Select(p => p.Properties).ToList();
        Assert.Equal(RuleIds.Length, permissions.Count);
        Assert.All(permissions, p => Assert.Equal("events.amazonaws.com", (string)p["Principal"]!));
        Assert.Equal(
            TestStacks.Resources(Template, "AWS::Events::Rule").Select(r => r.Id).Order(),
            permissions.Select(p => (string)p["SourceArn"]!["Fn::GetAtt"]![0]!).Order());

        var putEvents = Assert.Single(TestStacks.PolicyStatements(Template), s => TestStacks.Actions(s).Contains("events:PutEvents"));
        Assert.StartsWith("CentralBus", (string)putEvents["Resource"]!["Fn::GetAtt"]![0]!);
        var busTarget = fixture.Rule("AlarmStateChangeRule")["Targets"]![1]!;
        Assert.NotNull(busTarget["RoleArn"]);
    }

    [Fact]
    public void Dashboard_GraphsEndpointComponentAndImportMetrics()
    {
        var body = Joined(Assert.Single(TestStacks.Resources(Template, "AWS::CloudWatch::Dashboard")).Properties["DashboardBody"]!);
        foreach (var expected in new[]
        {
            """["AWS/SageMaker","Invocations","EndpointName","llm-dev-gpt-oss-20b","VariantName","AllTraffic""",
            """["/aws/sagemaker/Endpoints","GPUUtilization","EndpointName","llm-dev-gpt-oss-20b","VariantName","AllTraffic""",
            """["/aws/sagemaker/Endpoints","GPUMemoryUtilization","EndpointName""",
            """["AWS/SageMaker","ModelLatency","EndpointName""",
            """["AWS/SageMaker","Invocation5XXErrors","InferenceComponentName","llm-dev-qwen3-4b""",
            """["AWS/SageMaker","NoCapacityInvocationFailures","InferenceComponentName","llm-dev-qwen3-4b""",
            """["/aws/sagemaker/InferenceComponents","GPUUtilizationNormalized","InferenceComponentName","llm-dev-qwen3-4b""",
            """["/aws/sagemaker/InferenceComponents","GPUMemoryUtilizationNormalized","InferenceComponentName","llm-dev-qwen3-4b""",
            """["AWS/Events","MatchedEvents","RuleName",""",
            """["AWS/SQS","ApproximateNumberOfMessagesVisible","QueueName",""",
        })
        {
            Assert.Contains(expected, body);
        }

        Assert.Contains("OperationsModelImportCompletedRule", body);
        Assert.Contains("OperationsModelImportFailedRule", body);
    }

    [Fact]
    public void Ctor_NoResources_CreatesNoRuleThatWouldMatchTheWholeAccount()
    {
        var stack = TestStacks.New();
        var events = new ModelOperationsEvents(stack, "Operations");
        Assert.Empty(events.Rules);
        Assert.Null(events.EndpointFailedRule);
        Assert.Empty(TestStacks.Resources(TestStacks.Json(stack), "AWS::Events::Rule"));
    }

    [Fact]
    public void Ctor_CustomRetry_IsUsedOnTargets()
    {
        var stack = TestStacks.New();
        _ = new ModelOperationsEvents(stack, "Operations", new ModelOperationsEventsProps
        {
            EndpointNames = ["llm-test-a"],
            MaxEventAge = Duration.Minutes(10),
            RetryAttempts = 3,
        });
        var rule = TestStacks.Resources(TestStacks.Json(stack), "AWS::Events::Rule").First().Properties;
        var retry = rule["Targets"]![0]!["RetryPolicy"]!;
        Assert.Equal(600.0, (double)retry["MaximumEventAgeInSeconds"]!);
        Assert.Equal(3.0, (double)retry["MaximumRetryAttempts"]!);
        Assert.Equal(["llm-test-a"], Strings(rule["EventPattern"]!["detail"]!["EndpointName"]));
    }

    [Fact]
    public void Ctor_InvalidProps_NamesEveryProblem()
    {
        var stack = TestStacks.New();
        var error = Assert.ThrowsAny<ArgumentException>(() => new ModelOperationsEvents(stack, "Operations", new ModelOperationsEventsProps
        {
            EndpointNamePrefix = "llm_dev",
            EndpointNames = ["-bad-"],
            ImportedModelNamePrefix = "",
            AlarmEmails = ["oncall(at)example.com"],
            RetryAttempts = 200,
            MaxEventAge = Duration.Hours(25),
        }));
        Assert.StartsWith("Invalid ModelOperationsEventsProps: ", error.Message);
        Assert.Contains("EndpointNamePrefix 'llm_dev' must be", error.Message);
        Assert.Contains("EndpointNames contains '-bad-'", error.Message);
        Assert.Contains("ImportedModelNamePrefix '' must be", error.Message);
        Assert.Contains("AlarmEmails contains 'oncall(at)example.com', which is not an e-mail address", error.Message);
        Assert.Contains("RetryAttempts is 200; EventBridge allows 0 to 185", error.Message);
        Assert.Contains("MaxEventAge is 1 day 1 hour; EventBridge allows whole seconds from 1 minute to 24 hours", error.Message);
    }

    [Fact]
    public void AddEndpoint_InvalidName_Throws()
    {
        var events = new ModelOperationsEvents(TestStacks.New(), "Operations");
        var error = Assert.ThrowsAny<ArgumentException>(() => events.AddEndpoint("has space"));
        Assert.Contains("Invalid endpoint name 'has space'", error.Message);
    }

    private List<JsonObject> TopicStatements()
        => Assert.Single(TestStacks.Resources(Template, "AWS::SNS::TopicPolicy")).Properties["PolicyDocument"]!["Statement"]!
            .AsArray().Select(s => s!.AsObject()).ToList();

    // The text of a string or Fn::Join, with each Ref or Fn::GetAtt written as the name it refers to.
    private static string Joined(JsonNode node) => node switch
    {
        JsonObject obj when obj["Fn::Join"] is JsonArray join => string.Join((string)join[0]!, join[1]!.AsArray().Select(part => Joined(part!))),
        JsonObject obj when obj["Ref"] is { } reference => (string)reference!,
        JsonObject obj when obj["Fn::GetAtt"] is JsonArray getAtt => (string)getAtt[0]!,
        _ => (string)node!,
    };

    private static IEnumerable<string> Strings(JsonNode? node)
        => node is JsonArray array ? array.Select(v => (string)v!) : [(string)node!];

    private static void AssertNameFilter(JsonNode filter, string prefix, params string[] exact)
    {
        var entries = filter.AsArray();
        Assert.Equal(prefix, (string)Assert.Single(entries, e => e is JsonObject)!["prefix"]!);
        Assert.Equal(exact, entries.Where(e => e is JsonValue).Select(e => (string)e!));
    }
}
