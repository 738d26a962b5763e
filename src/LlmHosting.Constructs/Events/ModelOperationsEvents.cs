using System.Text.RegularExpressions;
using Amazon.CDK;
using Amazon.CDK.AWS.CloudWatch;
using Amazon.CDK.AWS.Events;
using Amazon.CDK.AWS.IAM;
using Amazon.CDK.AWS.KMS;
using Amazon.CDK.AWS.Lambda;
using Amazon.CDK.AWS.SNS;
using Amazon.CDK.AWS.SNS.Subscriptions;
using Amazon.CDK.AWS.SQS;
using Constructs;
using LlmHosting.Constructs.Bedrock;

namespace LlmHosting.Constructs.Events;

/// <summary>
/// Routes what goes wrong, and what completes, in one environment to the people and systems that must act:
/// SageMaker endpoint state changes, the outcomes of Bedrock model imports and CloudWatch alarm state
/// changes, each rule matching only this environment's resources. Every event goes to a KMS-encrypted,
/// TLS-only SNS topic (with e-mail subscriptions) and optionally to your own event bus and Lambda function;
/// every target has a dead-letter queue and a retry policy.
/// </summary>
/// <example>
/// <code>
/// var ops = new ModelOperationsEvents(this, "Operations", new ModelOperationsEventsProps
/// {
///     EndpointNamePrefix = "llm-dev-",
///     ImportedModelNamePrefix = "llm-dev-",
///     AlarmEmails = ["ml-oncall@example.com"],
/// });
/// ops.AddAlarms(latencyAlarm, errorAlarm);
/// </code>
/// </example>
public sealed class ModelOperationsEvents : Construct
{
    /// <summary>Default for <see cref="ModelOperationsEventsProps.MaxEventAge"/>: 2 hours.</summary>
    public static readonly Duration DefaultMaxEventAge = Duration.Hours(2);

    /// <summary>Default for <see cref="ModelOperationsEventsProps.RetryAttempts"/>.</summary>
    public const int DefaultRetryAttempts = 24;

    /// <summary>
    /// Endpoint statuses that need someone to act (routed by <see cref="EndpointFailedRule"/>): failed, rolling
    /// back a capacity change that failed, and an update whose rollback failed too. Each in both spellings: AWS's
    /// documented "SageMaker Endpoint State Change" sample spells the status upper-case (<c>IN_SERVICE</c>),
    /// the API (botocore's sagemaker <c>EndpointStatus</c> enum) in Pascal case (<c>InService</c>); which one
    /// the failure events carry is UNCONFIRMED, so a failure is never missed for its spelling.
    /// </summary>
    public static readonly IReadOnlyList<string> EndpointFailureStatuses = ["FAILED", "Failed", "ROLLING_BACK", "RollingBack", "UPDATE_ROLLBACK_FAILED", "UpdateRollbackFailed"];

    /// <summary>
    /// The in-service status in both spellings (see <see cref="EndpointFailureStatuses"/>). Routed only with a
    /// <c>FailureReason</c>, by <see cref="EndpointRolledBackRule"/>: an endpoint back in service after an
    /// autoscaling change or a successful deployment does not notify.
    /// </summary>
    public static readonly IReadOnlyList<string> EndpointInServiceStatuses = ["IN_SERVICE", "InService"];

    /// <summary>The alarm state routed by <see cref="AlarmStateChangeRule"/> whatever the previous state.</summary>
    public const string AlarmStateAlarm = "ALARM";

    /// <summary>
    /// The alarm state routed by <see cref="AlarmStateChangeRule"/> only after <see cref="AlarmStateAlarm"/>: the
    /// first OK of an alarm (INSUFFICIENT_DATA to OK, after every deployment) does not notify.
    /// </summary>
    public const string AlarmStateOk = "OK";

    /// <summary>The <c>source</c> of SageMaker events.</summary>
    public const string SageMakerSource = "aws.sagemaker";

    /// <summary>The <c>detail-type</c> of SageMaker endpoint state changes.</summary>
    public const string EndpointStateChangeDetailType = "SageMaker Endpoint State Change";

    /// <summary>The <c>source</c> of CloudWatch events.</summary>
    public const string CloudWatchSource = "aws.cloudwatch";

    /// <summary>The <c>detail-type</c> of CloudWatch alarm state changes.</summary>
    public const string AlarmStateChangeDetailType = "CloudWatch Alarm State Change";

    private static readonly Regex SageMakerName = new("^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$", RegexOptions.CultureInvariant);
    private static readonly Regex SageMakerNamePrefix = new("^[a-zA-Z0-9][a-zA-Z0-9-]{0,62}$", RegexOptions.CultureInvariant);
    private static readonly Regex ImportedModelName = new("^([0-9a-zA-Z][_-]?)+$", RegexOptions.CultureInvariant);
    private static readonly Regex ImportedModelNamePrefixPattern = new("^[0-9a-zA-Z][0-9a-zA-Z_-]{0,62}$", RegexOptions.CultureInvariant);
    private static readonly Regex Email = new(@"^[^@\s]+@[^@\s]+\.[^@\s]+$", RegexOptions.CultureInvariant);

    private readonly DeliverySettings _delivery;
    private readonly List<IRuleTarget> _targets = [];
    private readonly List<Rule> _rules = [];
    private readonly IEventBus? _forwardBus;
    private readonly IFunction? _forwardFunction;
    private Role? _busRole;

    /// <summary>Creates the topic, the dead-letter queue and the rules for the resources given in <paramref name="props"/>.</summary>
    /// <param name="scope">Parent construct.</param>
    /// <param name="id">Construct id.</param>
    /// <param name="props">What to route and where; every default is documented on <see cref="ModelOperationsEventsProps"/>.</param>
    public ModelOperationsEvents(Construct scope, string id, ModelOperationsEventsProps? props = null)
        : base(scope, id)
    {
        props ??= new ModelOperationsEventsProps();
        Validate(props);
        _forwardBus = props.ForwardToEventBus;
        _forwardFunction = props.ForwardToFunction;

        var stack = Stack.Of(this);
        TopicKey = new Key(this, "TopicKey", new KeyProps
        {
            Description = $"Encrypts the model operations notifications of {Node.Path}",
            EnableKeyRotation = true,
        });
        // Publishing to an encrypted topic needs the publisher to be able to use the key (SNS calls KMS with
        // the publisher's identity): EventBridge for the rules, CloudWatch for alarm actions.
        TopicKey.AddToResourcePolicy(new PolicyStatement(new PolicyStatementProps
        {
            Sid = "AllowEventBridgeAndCloudWatchToPublishToTheTopic",
            Principals = [new ServicePrincipal("events.amazonaws.com"), new ServicePrincipal("cloudwatch.amazonaws.com")],
            Actions = ["kms:Decrypt", "kms:GenerateDataKey*"],
            Resources = ["*"],
        }));

        Topic = new Topic(this, "Topic", new TopicProps
        {
            DisplayName = props.TopicDisplayName ?? "Model operations",
            MasterKey = TopicKey,
            EnforceSSL = true,
        });
        Topic.AddToResourcePolicy(new PolicyStatement(new PolicyStatementProps
        {
            Sid = "AllowCloudWatchAlarmsOfThisAccount",
            Principals = [new ServicePrincipal("cloudwatch.amazonaws.com")],
            Actions = ["sns:Publish"],
            Resources = [Topic.TopicArn],
            Conditions = new Dictionary<string, object>
            {
                ["StringEquals"] = new Dictionary<string, object> { ["aws:SourceAccount"] = stack.Account },
                ["ArnLike"] = new Dictionary<string, object>
                {
                    ["aws:SourceArn"] = stack.FormatArn(new ArnComponents
                    {
                        Service = "cloudwatch",
                        Resource = "alarm",
                        ResourceName = "*",
                        ArnFormat = ArnFormat.COLON_RESOURCE_NAME,
                    }),
                },
            },
        }));
        foreach (var email in props.AlarmEmails ?? [])
        {
            Topic.AddSubscription(new EmailSubscription(email));
        }

        DeadLetterQueue = new Queue(this, "DeadLetterQueue", new QueueProps
        {
            Encryption = QueueEncryption.SQS_MANAGED,
            EnforceSSL = true,
            RetentionPeriod = Duration.Days(14),
        });
        _delivery = new DeliverySettings(DeadLetterQueue, props.MaxEventAge ?? DefaultMaxEventAge, props.RetryAttempts ?? DefaultRetryAttempts);

        if (props.EndpointNamePrefix is { } endpointPrefix)
        {
            AddEndpointFilter(new Dictionary<string, object> { ["prefix"] = endpointPrefix });
        }

        foreach (var name in props.EndpointNames ?? [])
        {
            AddEndpoint(name);
        }

        if (props.ImportedModelNamePrefix is { } importPrefix)
        {
            AddImportFilter(new Dictionary<string, object> { ["prefix"] = importPrefix });
        }

        AddAlarms([.. props.Alarms ?? []]);
    }

    /// <summary>The notification topic (SNS, encrypted with <see cref="TopicKey"/>, TLS only).</summary>
    public ITopic Topic { get; }

    /// <summary>The customer-managed key that encrypts <see cref="Topic"/>.</summary>
    public IKey TopicKey { get; }

    /// <summary>Receives every event that could not be delivered to a target after the retries (SSE-SQS, kept 14 days).</summary>
    public IQueue DeadLetterQueue { get; }

    /// <summary>Endpoint failures (<see cref="EndpointFailureStatuses"/>); null until an endpoint name or prefix is given.</summary>
    public IRule? EndpointFailedRule { get; private set; }

    /// <summary>
    /// Endpoints in service with a <c>FailureReason</c>: an update that failed or was rolled back (for example by
    /// a deployment guardrail's alarm) while the previous configuration kept serving. Null until an endpoint name
    /// or prefix is given.
    /// </summary>
    public IRule? EndpointRolledBackRule { get; private set; }

    /// <summary>Completed model imports; null until an imported model name or prefix is given.</summary>
    public IRule? ModelImportCompletedRule { get; private set; }

    /// <summary>Failed model imports; null until an imported model name or prefix is given.</summary>
    public IRule? ModelImportFailedRule { get; private set; }

    /// <summary>Alarm state changes; null until an alarm is given.</summary>
    public IRule? AlarmStateChangeRule { get; private set; }

    /// <summary>Every rule created so far.</summary>
    public IReadOnlyList<IRule> Rules => _rules;

    /// <summary>
    /// The number of events waiting in <see cref="DeadLetterQueue"/>: notifications that no target received.
    /// Anything above zero needs a look (the event itself is the message body).
    /// </summary>
    /// <param name="options">Period, statistic and label. Default: maximum over 5 minutes.</param>
    public Metric MetricUndeliveredEvents(IMetricOptions? options = null)
        => DeadLetterQueue.MetricApproximateNumberOfMessagesVisible(options ?? new MetricOptions { Statistic = "Maximum" });

    /// <summary>Routes the state changes of one more SageMaker endpoint, by its exact name.</summary>
    /// <param name="endpointName">The endpoint's physical name (<c>detail.EndpointName</c>).</param>
    public void AddEndpoint(string endpointName)
    {
        if (!Token.IsUnresolved(endpointName) && !SageMakerName.IsMatch(endpointName))
        {
            throw new ArgumentException($"Invalid endpoint name '{endpointName}': SageMaker endpoint names are 1-63 letters, digits and hyphens, starting and ending with a letter or digit.", nameof(endpointName));
        }

        AddEndpointFilter(endpointName);
    }

    /// <summary>Routes the import outcomes of one more imported model, by its exact name.</summary>
    /// <param name="importedModelName">The imported model name (<c>detail.importedModelName</c>).</param>
    public void AddImportedModel(string importedModelName)
    {
        if (!Token.IsUnresolved(importedModelName) && (importedModelName.Length > 63 || !ImportedModelName.IsMatch(importedModelName)))
        {
            throw new ArgumentException($"Invalid imported model name '{importedModelName}': 1-63 letters, digits, single '_' or '-' between them.", nameof(importedModelName));
        }

        AddImportFilter(importedModelName);
    }

    /// <summary>Routes the state changes (to ALARM, and from ALARM back to OK) of more alarms, matched by alarm ARN.</summary>
    /// <param name="alarms">Alarms of this environment.</param>
    public void AddAlarms(params IAlarm[] alarms)
    {
        if (alarms.Length == 0)
        {
            return;
        }

        var arns = alarms.Select(a => a.AlarmArn).ToArray();
        if (AlarmStateChangeRule is { } existing)
        {
            ((Rule)existing).AddEventPattern(new EventPattern { Resources = arns });
            return;
        }

        AlarmStateChangeRule = CreateRule(
            "AlarmStateChangeRule",
            "CloudWatch alarm state changes of this environment's alarms",
            new EventPattern
            {
                Source = [CloudWatchSource],
                DetailType = [AlarmStateChangeDetailType],
                Resources = arns,
                // "$or" (EventBridge user guide, "Content filtering in event patterns") on the documented
                // "CloudWatch Alarm State Change" fields detail.state.value and detail.previousState.value: every
                // ALARM, and OK only when it clears an ALARM. A new alarm goes INSUFFICIENT_DATA -> OK at every
                // deployment; that is not news.
                Detail = new Dictionary<string, object>
                {
                    ["$or"] = new object[]
                    {
                        new Dictionary<string, object> { ["state"] = AlarmValue(AlarmStateAlarm) },
                        new Dictionary<string, object> { ["state"] = AlarmValue(AlarmStateOk), ["previousState"] = AlarmValue(AlarmStateAlarm) },
                    },
                },
            },
            Message(
                $"CloudWatch alarm {Field("$.detail.alarmName")} is {Field("$.detail.state.value")}: {Field("$.detail.state.reason")}",
                $"Previous state: {Field("$.detail.previousState.value")}. Account {Field("$.account")}, region {Field("$.region")}, at {Field("$.time")}.",
                $"Description: {Field("$.detail.configuration.description")}"));
    }

    private static Dictionary<string, object> AlarmValue(string state) => new() { ["value"] = new[] { state } };

    private void AddEndpointFilter(object nameFilter)
    {
        if (EndpointFailedRule is { } failed && EndpointRolledBackRule is { } rolledBack)
        {
            var more = new EventPattern { Detail = new Dictionary<string, object> { ["EndpointName"] = new[] { nameFilter } } };
            ((Rule)failed).AddEventPattern(more);
            ((Rule)rolledBack).AddEventPattern(more);
            return;
        }

        var details = $"Account {Field("$.account")}, region {Field("$.region")}, at {Field("$.time")}.";
        var arn = $"Endpoint: {Field("$.detail.EndpointArn")}";
        EndpointFailedRule = CreateRule(
            "EndpointFailedRule",
            "SageMaker endpoints of this environment that failed or roll back",
            EndpointPattern(nameFilter, EndpointFailureStatuses),
            Message(
                $"SageMaker endpoint {Field("$.detail.EndpointName")} is {Field("$.detail.EndpointStatus")}: {Field("$.detail.FailureReason")}",
                details,
                arn));

        // An endpoint that returns to service after an autoscaling change or a deployment sends the same event
        // (nothing in it tells them apart, and a pattern cannot compare EndpointConfigName with the previous
        // one), so neither notifies. A failed update does: botocore's sagemaker EndpointMetadata.FailureReason
        // is set "if the status of the endpoint is Failed, or the status is InService but update operation
        // fails". That the state change event carries it as DescribeEndpoint does is UNCONFIRMED; if it does not,
        // the alarm that made a guardrail roll back still notifies through AlarmStateChangeRule (when added).
        EndpointRolledBackRule = CreateRule(
            "EndpointRolledBackRule",
            "SageMaker endpoints of this environment in service after a failed or rolled-back update",
            EndpointPattern(nameFilter, EndpointInServiceStatuses, withFailureReason: true),
            Message(
                $"SageMaker endpoint {Field("$.detail.EndpointName")} update rolled back: {Field("$.detail.FailureReason")}",
                $"Still serving endpoint config {Field("$.detail.EndpointConfigName")} ({Field("$.detail.EndpointStatus")}). {details}",
                arn));
    }

    private static EventPattern EndpointPattern(object nameFilter, IEnumerable<string> statuses, bool withFailureReason = false)
    {
        var detail = new Dictionary<string, object>
        {
            ["EndpointName"] = new[] { nameFilter },
            ["EndpointStatus"] = statuses.ToArray(),
        };
        if (withFailureReason)
        {
            detail["FailureReason"] = new object[] { new Dictionary<string, object> { ["exists"] = true } };
        }

        return new EventPattern { Source = [SageMakerSource], DetailType = [EndpointStateChangeDetailType], Detail = detail };
    }

    private void AddImportFilter(object nameFilter)
    {
        if (ModelImportCompletedRule is { } completed && ModelImportFailedRule is { } failed)
        {
            var more = new EventPattern { Detail = new Dictionary<string, object> { ["importedModelName"] = new[] { nameFilter } } };
            ((Rule)completed).AddEventPattern(more);
            ((Rule)failed).AddEventPattern(more);
            return;
        }

        var details = $"Account {Field("$.account")}, region {Field("$.region")}, at {Field("$.time")}.";
        ModelImportCompletedRule = CreateRule(
            "ModelImportCompletedRule",
            "Bedrock model imports of this environment that completed",
            ImportPattern(nameFilter, ModelImportEvents.StatusCompleted),
            Message(
                $"Bedrock model import {Field("$.detail.jobName")} is {Field("$.detail.status")}: imported model {Field("$.detail.importedModelName")} is {Field("$.detail.importedModelArn")}",
                details,
                $"Job: {Field("$.detail.jobArn")}"));
        ModelImportFailedRule = CreateRule(
            "ModelImportFailedRule",
            "Bedrock model imports of this environment that failed",
            ImportPattern(nameFilter, ModelImportEvents.StatusFailed),
            Message(
                $"Bedrock model import {Field("$.detail.jobName")} is {Field("$.detail.status")}: {Field("$.detail.failureMessage")}",
                $"Imported model name: {Field("$.detail.importedModelName")}. {details}",
                $"Job: {Field("$.detail.jobArn")}"));
    }

    private static EventPattern ImportPattern(object nameFilter, string status) => new()
    {
        Source = [ModelImportEvents.Source],
        DetailType = [ModelImportEvents.DetailType],
        Detail = new Dictionary<string, object>
        {
            ["importedModelName"] = new[] { nameFilter },
            ["status"] = new[] { status },
        },
    };

    private Rule CreateRule(string id, string description, EventPattern pattern, RuleTargetInput message)
    {
        var rule = new Rule(this, id, new RuleProps { Description = description, EventPattern = pattern });
        _rules.Add(rule);

        // Only the rules of this construct may publish, and put undeliverable events in the queue.
        var sid = "AllowRule" + Names.NodeUniqueId(rule.Node);
        Topic.AddToResourcePolicy(new PolicyStatement(new PolicyStatementProps
        {
            Sid = sid,
            Principals = [new ServicePrincipal("events.amazonaws.com")],
            Actions = ["sns:Publish"],
            Resources = [Topic.TopicArn],
            Conditions = SourceArn(rule),
        }));
        DeadLetterQueue.AddToResourcePolicy(new PolicyStatement(new PolicyStatementProps
        {
            Sid = sid,
            Principals = [new ServicePrincipal("events.amazonaws.com")],
            Actions = ["sqs:SendMessage"],
            Resources = [DeadLetterQueue.QueueArn],
            Conditions = SourceArn(rule),
        }));

        rule.AddTarget(new DeliveryTarget(Topic.TopicArn, Topic, _delivery, message));
        if (_forwardBus is { } bus)
        {
            rule.AddTarget(new DeliveryTarget(bus.EventBusArn, bus, _delivery, role: BusRole(bus)));
        }

        if (_forwardFunction is { } function)
        {
            function.AddPermission(sid, new Permission
            {
                Scope = rule,
                Action = "lambda:InvokeFunction",
                Principal = new ServicePrincipal("events.amazonaws.com"),
                SourceArn = rule.RuleArn,
            });
            rule.AddTarget(new DeliveryTarget(function.FunctionArn, function, _delivery));
        }

        return rule;
    }

    private Role BusRole(IEventBus bus)
    {
        if (_busRole is null)
        {
            _busRole = new Role(this, "ForwardToEventBusRole", new RoleProps
            {
                AssumedBy = new ServicePrincipal("events.amazonaws.com"),
                Description = "Lets the model operations rules put events on the forwarding event bus",
            });
            bus.GrantPutEventsTo(_busRole);
        }

        return _busRole;
    }

    private static Dictionary<string, object> SourceArn(IRule rule) => new()
    {
        ["ArnEquals"] = new Dictionary<string, object> { ["aws:SourceArn"] = rule.RuleArn },
    };

    private static string Field(string path) => EventField.FromPath(path);

    // The first line reads like a mail subject (resource, state, reason); the rest gives the context.
    private static RuleTargetInput Message(params string[] lines) => RuleTargetInput.FromText(string.Join("\n", lines));

    private static void Validate(ModelOperationsEventsProps props)
    {
        var problems = new List<string>();
        if (props.EndpointNamePrefix is { } endpointPrefix && !Token.IsUnresolved(endpointPrefix) && !SageMakerNamePrefix.IsMatch(endpointPrefix))
        {
            problems.Add($"EndpointNamePrefix '{endpointPrefix}' must be 1-63 letters, digits or hyphens, starting with a letter or digit");
        }

        foreach (var name in props.EndpointNames ?? [])
        {
            if (!Token.IsUnresolved(name) && !SageMakerName.IsMatch(name))
            {
                problems.Add($"EndpointNames contains '{name}', which is not a SageMaker endpoint name (1-63 letters, digits and hyphens, starting and ending with a letter or digit)");
            }
        }

        if (props.ImportedModelNamePrefix is { } importPrefix && !Token.IsUnresolved(importPrefix) && !ImportedModelNamePrefixPattern.IsMatch(importPrefix))
        {
            problems.Add($"ImportedModelNamePrefix '{importPrefix}' must be 1-63 letters, digits, '_' or '-', starting with a letter or digit");
        }

        foreach (var email in props.AlarmEmails ?? [])
        {
            if (!Token.IsUnresolved(email) && !Email.IsMatch(email))
            {
                problems.Add($"AlarmEmails contains '{email}', which is not an e-mail address");
            }
        }

        if (props.RetryAttempts is { } attempts && attempts is < 0 or > 185)
        {
            problems.Add($"RetryAttempts is {attempts}; EventBridge allows 0 to 185");
        }

        if (props.MaxEventAge is { } age && !Token.IsUnresolved(age.ToString()))
        {
            var seconds = age.ToSeconds(new TimeConversionOptions { Integral = false });
            if (seconds < 60 || seconds > 86400 || seconds % 1 != 0)
            {
                problems.Add($"MaxEventAge is {age.ToHumanString()}; EventBridge allows whole seconds from 1 minute to 24 hours");
            }
        }

        if (problems.Count > 0)
        {
            throw new ArgumentException($"Invalid ModelOperationsEventsProps: {string.Join("; ", problems)}.");
        }
    }
}
