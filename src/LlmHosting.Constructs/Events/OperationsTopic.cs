using Amazon.CDK;
using Amazon.CDK.AWS.CloudWatch;
using Amazon.CDK.AWS.Events;
using Amazon.CDK.AWS.IAM;
using Amazon.CDK.AWS.KMS;
using Amazon.CDK.AWS.SNS;
using Amazon.CDK.AWS.SNS.Subscriptions;
using Amazon.CDK.AWS.SQS;
using Constructs;
using LlmHosting.Constructs.Nag;

namespace LlmHosting.Constructs.Events;

/// <summary>Properties of an <see cref="OperationsTopic"/>.</summary>
public sealed class OperationsTopicProps
{
    /// <summary>Display name of the topic, shown as the sender of e-mails. Default: <c>Model operations</c>.</summary>
    public string? DisplayName { get; init; }

    /// <summary>E-mail addresses subscribed to the topic; each must confirm once. Default: none.</summary>
    public IReadOnlyList<string>? Emails { get; init; }

    /// <summary>How long EventBridge retries a failed delivery before the dead-letter queue. Default: 2 hours.</summary>
    public Duration? MaxEventAge { get; init; }

    /// <summary>How many times EventBridge retries a failed delivery before the dead-letter queue. Default: 24.</summary>
    public int? RetryAttempts { get; init; }

    /// <summary>Conditions on the key policy statements of EventBridge and CloudWatch. Default: none (each is documented on <see cref="TopicKeyConditions"/>).</summary>
    public TopicKeyConditions? KeyConditions { get; init; }

    /// <summary>
    /// What happens to the topic's key when it leaves the stack. The key encrypts only notifications on their way (the
    /// dead-letter queue has its own SSE-SQS encryption), so nothing stored becomes unreadable when it goes:
    /// <see cref="RemovalPolicy.DESTROY"/> schedules its deletion (after <see cref="OperationsTopic.DestroyedKeyPendingWindow"/>)
    /// with the stack, for short-lived environments. Default: <see cref="RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE"/>: kept
    /// on update and delete, deleted when the stack operation that created it rolls back.
    /// </summary>
    public RemovalPolicy? KeyRemovalPolicy { get; init; }
}

/// <summary>
/// Where an environment's notifications go: a KMS-encrypted, TLS-only SNS topic that only this account's CloudWatch
/// alarms and the EventBridge rules allowed with <see cref="AllowRule"/> may publish to, its e-mail subscriptions, and the
/// dead-letter queue that keeps what no target received. The topic policy lets CloudWatch publish only for this
/// account's alarms (<c>aws:SourceAccount</c>, <c>aws:SourceArn</c>) and EventBridge only for the allowed rules.
/// </summary>
public sealed class OperationsTopic : Construct
{
    /// <summary>Default for <see cref="OperationsTopicProps.MaxEventAge"/>: 2 hours.</summary>
    public static readonly Duration DefaultMaxEventAge = Duration.Hours(2);

    /// <summary>Default for <see cref="OperationsTopicProps.RetryAttempts"/>.</summary>
    public const int DefaultRetryAttempts = 24;

    /// <summary>
    /// The waiting period of a key removed with <see cref="RemovalPolicy.DESTROY"/>: 7 days, the shortest KMS allows
    /// (ScheduleKeyDeletion, 7-30 days), since the key protects nothing at rest.
    /// </summary>
    public static readonly Duration DestroyedKeyPendingWindow = Duration.Days(7);

    /// <summary>Creates the key, the topic, its subscriptions and the dead-letter queue.</summary>
    /// <param name="scope">Parent construct.</param>
    /// <param name="id">Construct id.</param>
    /// <param name="props">Optional settings; defaults are documented on <see cref="OperationsTopicProps"/>.</param>
    public OperationsTopic(Construct scope, string id, OperationsTopicProps? props = null)
        : base(scope, id)
    {
        props ??= new OperationsTopicProps();
        var stack = Stack.Of(this);
        Key = new Key(this, "TopicKey", new KeyProps
        {
            // The owner's path: this construct is usually the hidden "Default" child of ModelOperationsEvents.
            Description = $"Encrypts the model operations notifications of {OwnerPath()}",
            EnableKeyRotation = true,
            RemovalPolicy = props.KeyRemovalPolicy ?? RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE,
            PendingWindow = props.KeyRemovalPolicy == RemovalPolicy.DESTROY ? DestroyedKeyPendingWindow : null,
        });
        // Publishing to an encrypted topic needs the publisher to be able to use the key (SNS calls KMS with the
        // publisher's identity): EventBridge for the rules, CloudWatch for alarm actions (SNS developer guide, "Key
        // management", "Enable compatibility between event sources from AWS services and encrypted topics"). Who may
        // publish is narrowed in the topic policy below (aws:SourceAccount, aws:SourceArn). The key policy carries only
        // conditions that the KMS request is documented to carry, because KMS denies a request without them and the
        // notification is then dropped silently: the guide states "Adding the aws:SourceAccount and aws:SourceArn to a
        // AWS KMS policy is not supported for EventBridge-to-encrypted topics" (quoted from the guide in
        // awslabs/landing-zone-accelerator-on-aws issue 407, where such a key policy stopped every EventBridge delivery).
        // The conditions that are plausible but not confirmed are opt-in (TopicKeyConditions).
        var conditions = props.KeyConditions ?? new TopicKeyConditions();
        Key.AddToResourcePolicy(KeyStatement("AllowEventBridgeToPublishToTheTopic", "events.amazonaws.com", KeyConditions(conditions, stack, cloudWatch: false)));
        Key.AddToResourcePolicy(KeyStatement("AllowCloudWatchAlarmsToPublishToTheTopic", "cloudwatch.amazonaws.com", KeyConditions(conditions, stack, cloudWatch: true)));

        Topic = new Topic(this, "Topic", new TopicProps
        {
            DisplayName = props.DisplayName ?? "Model operations",
            MasterKey = Key,
            EnforceSSL = true,
        });
        Topic.AddToResourcePolicy(new PolicyStatement(new PolicyStatementProps
        {
            Sid = "AllowCloudWatchAlarmsOfThisAccount",
            Principals = [new ServicePrincipal("cloudwatch.amazonaws.com")],
            Actions = ["sns:Publish"],
            Resources = [Topic.TopicArn],
            Conditions = SourceConditions(stack.Account, AlarmArns(stack)),
        }));
        foreach (var email in props.Emails ?? [])
        {
            Topic.AddSubscription(new EmailSubscription(email));
        }

        DeadLetterQueue = new Queue(this, "DeadLetterQueue", new QueueProps
        {
            Encryption = QueueEncryption.SQS_MANAGED,
            EnforceSSL = true,
            RetentionPeriod = Duration.Days(14),
        });
        NagSuppressions.Add(DeadLetterQueue, "AwsSolutions-SQS3",
            "This queue is itself the dead-letter queue of the notification targets, and a dead-letter queue needs none of its own (Amazon SQS developer guide, Using dead-letter queues).");
        Delivery = new DeliverySettings(DeadLetterQueue, props.MaxEventAge ?? DefaultMaxEventAge, props.RetryAttempts ?? DefaultRetryAttempts);
    }

    /// <summary>The notification topic (SNS, encrypted with <see cref="Key"/>, TLS only).</summary>
    public ITopic Topic { get; }

    /// <summary>The customer-managed key that encrypts <see cref="Topic"/>.</summary>
    public IKey Key { get; }

    /// <summary>Receives every event that could not be delivered to a target after the retries (SSE-SQS, kept 14 days).</summary>
    public IQueue DeadLetterQueue { get; }

    /// <summary>The dead-letter queue and retry policy of every target that delivers here.</summary>
    internal DeliverySettings Delivery { get; }

    /// <summary>
    /// The number of events waiting in <see cref="DeadLetterQueue"/>: notifications that no target received.
    /// Anything above zero needs a look (the event itself is the message body).
    /// </summary>
    /// <param name="options">Period, statistic and label. Default: maximum over 5 minutes.</param>
    public Metric MetricUndeliveredEvents(IMetricOptions? options = null)
        => DeadLetterQueue.MetricApproximateNumberOfMessagesVisible(options ?? new MetricOptions { Statistic = "Maximum" });

    /// <summary>Lets <paramref name="rule"/>, and only it, publish to the topic and put what it cannot deliver in the queue.</summary>
    /// <param name="rule">An EventBridge rule whose targets include the topic.</param>
    /// <returns>The statement id used for the rule, unique in the topic's and the queue's policies.</returns>
    public string AllowRule(IRule rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        var sid = "AllowRule" + Names.NodeUniqueId(rule.Node);
        var condition = new Dictionary<string, object>
        {
            ["ArnEquals"] = new Dictionary<string, object> { ["aws:SourceArn"] = rule.RuleArn },
        };
        Topic.AddToResourcePolicy(new PolicyStatement(new PolicyStatementProps
        {
            Sid = sid,
            Principals = [new ServicePrincipal("events.amazonaws.com")],
            Actions = ["sns:Publish"],
            Resources = [Topic.TopicArn],
            Conditions = condition,
        }));
        DeadLetterQueue.AddToResourcePolicy(new PolicyStatement(new PolicyStatementProps
        {
            Sid = sid,
            Principals = [new ServicePrincipal("events.amazonaws.com")],
            Actions = ["sqs:SendMessage"],
            Resources = [DeadLetterQueue.QueueArn],
            Conditions = condition,
        }));
        return sid;
    }

    private static PolicyStatement KeyStatement(string sid, string service, Dictionary<string, object> conditions) => new(new PolicyStatementProps
    {
        Sid = sid,
        Principals = [new ServicePrincipal(service)],
        Actions = ["kms:Decrypt", "kms:GenerateDataKey*"],
        // A key policy's resource is the key itself.
        Resources = ["*"],
        Conditions = conditions.Count == 0 ? null : conditions,
    });

    private static Dictionary<string, object> KeyConditions(TopicKeyConditions conditions, Stack stack, bool cloudWatch)
    {
        var result = new Dictionary<string, object>();
        var arnLike = new Dictionary<string, object>();
        if (conditions.RequireTopicEncryptionContext == true)
        {
            // SNS's encryption context names the topic; the topic refers to the key, so the key names the account's topics.
            arnLike["kms:EncryptionContext:aws:sns:topicArn"] = stack.FormatArn(new ArnComponents { Service = "sns", Resource = "*", ArnFormat = ArnFormat.NO_RESOURCE_NAME });
        }

        if (cloudWatch && conditions.RequireCloudWatchSource == true)
        {
            result["StringEquals"] = new Dictionary<string, object> { ["aws:SourceAccount"] = stack.Account };
            arnLike["aws:SourceArn"] = AlarmArns(stack);
        }

        if (arnLike.Count > 0)
        {
            result["ArnLike"] = arnLike;
        }

        return result;
    }

    private static string AlarmArns(Stack stack) => stack.FormatArn(new ArnComponents
    {
        Service = "cloudwatch",
        Resource = "alarm",
        ResourceName = "*",
        ArnFormat = ArnFormat.COLON_RESOURCE_NAME,
    });

    private string OwnerPath() => Node.Id == "Default" && Node.Scope is not null ? Node.Scope.Node.Path : Node.Path;

    private static Dictionary<string, object> SourceConditions(string account, string sourceArns) => new()
    {
        ["StringEquals"] = new Dictionary<string, object> { ["aws:SourceAccount"] = account },
        ["ArnLike"] = new Dictionary<string, object> { ["aws:SourceArn"] = sourceArns },
    };
}
