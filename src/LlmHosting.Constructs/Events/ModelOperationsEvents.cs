using Amazon.CDK;
using Amazon.CDK.AWS.CloudWatch;
using Amazon.CDK.AWS.Events;
using Amazon.CDK.AWS.IAM;
using Amazon.CDK.AWS.KMS;
using Amazon.CDK.AWS.Lambda;
using Amazon.CDK.AWS.SNS;
using Amazon.CDK.AWS.SQS;
using Constructs;
using LlmHosting.Constructs.Rules;
using LlmHosting.Constructs.Sagemaker;
using LlmHosting.Constructs.Validation;
using LlmHosting.Rules;

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
    public static readonly Duration DefaultMaxEventAge = OperationsTopic.DefaultMaxEventAge;

    /// <summary>Default for <see cref="ModelOperationsEventsProps.RetryAttempts"/>.</summary>
    public const int DefaultRetryAttempts = OperationsTopic.DefaultRetryAttempts;

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

    private readonly List<Rule> _rules = [];
    private readonly RuleFamily _endpointRules;
    private readonly RuleFamily _importRules;
    private readonly RuleFamily _alarmRules;
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

        // The id "Default" leaves no trace in logical ids (CDK drops it from both the readable part and the hash), so
        // the key, topic and queue keep the ids they had before the topic became a construct of its own: a new id
        // would replace them, losing the e-mail confirmations, the queued events and the key.
        Notifications = new OperationsTopic(this, "Default", new OperationsTopicProps
        {
            DisplayName = props.TopicDisplayName,
            Emails = props.AlarmEmails,
            MaxEventAge = props.MaxEventAge,
            RetryAttempts = props.RetryAttempts,
            KeyConditions = props.TopicKeyConditions,
            KeyRemovalPolicy = props.TopicKeyRemovalPolicy,
        });
        _endpointRules = new RuleFamily(OperationsRules.Endpoint, CreateRule);
        _importRules = new RuleFamily(OperationsRules.Import, CreateRule);
        _alarmRules = new RuleFamily(OperationsRules.Alarm, CreateRule);

        if (props.EndpointNamePrefix is { } endpointPrefix)
        {
            _endpointRules.AddFilter(new Dictionary<string, object> { ["prefix"] = endpointPrefix });
        }

        foreach (var name in props.EndpointNames ?? [])
        {
            AddEndpoint(name);
        }

        if (props.ImportedModelNamePrefix is { } importPrefix)
        {
            _importRules.AddFilter(new Dictionary<string, object> { ["prefix"] = importPrefix });
        }

        AddAlarms([.. props.Alarms ?? []]);
    }

    /// <summary>The topic, its key and the dead-letter queue that the rules deliver to.</summary>
    public OperationsTopic Notifications { get; }

    /// <summary>The notification topic (SNS, encrypted with <see cref="TopicKey"/>, TLS only).</summary>
    public ITopic Topic => Notifications.Topic;

    /// <summary>The customer-managed key that encrypts <see cref="Topic"/>.</summary>
    public IKey TopicKey => Notifications.Key;

    /// <summary>Receives every event that could not be delivered to a target after the retries (SSE-SQS, kept 14 days).</summary>
    public IQueue DeadLetterQueue => Notifications.DeadLetterQueue;

    /// <summary>Endpoint failures (<see cref="EndpointFailureStatuses"/>); null until an endpoint name or prefix is given.</summary>
    public IRule? EndpointFailedRule => _endpointRules.Rules.ElementAtOrDefault(0);

    /// <summary>
    /// Endpoints in service with a <c>FailureReason</c>: an update that failed or was rolled back (for example by a deployment
    /// guardrail's alarm) while the previous configuration kept serving. Null until an endpoint name or prefix is given.
    /// </summary>
    public IRule? EndpointRolledBackRule => _endpointRules.Rules.ElementAtOrDefault(1);

    /// <summary>Completed model imports; null until an imported model name or prefix is given.</summary>
    public IRule? ModelImportCompletedRule => _importRules.Rules.ElementAtOrDefault(0);

    /// <summary>Failed model imports; null until an imported model name or prefix is given.</summary>
    public IRule? ModelImportFailedRule => _importRules.Rules.ElementAtOrDefault(1);

    /// <summary>Alarm state changes; null until an alarm is given.</summary>
    public IRule? AlarmStateChangeRule => _alarmRules.Rules.ElementAtOrDefault(0);

    /// <summary>Every rule created so far.</summary>
    public IReadOnlyList<IRule> Rules => _rules;

    /// <summary>
    /// The number of events waiting in <see cref="DeadLetterQueue"/>: notifications that no target received.
    /// Anything above zero needs a look (the event itself is the message body).
    /// </summary>
    /// <param name="options">Period, statistic and label. Default: maximum over 5 minutes.</param>
    public Metric MetricUndeliveredEvents(IMetricOptions? options = null) => Notifications.MetricUndeliveredEvents(options);

    /// <summary>Routes the state changes of one more SageMaker endpoint, by its exact name.</summary>
    /// <param name="endpointName">The endpoint's physical name (<c>detail.EndpointName</c>).</param>
    public void AddEndpoint(string endpointName)
    {
        if (!Tokens.IsUnresolved(endpointName) && !SagemakerNames.IsValid(endpointName))
        {
            throw new ArgumentException($"Invalid endpoint name '{endpointName}': SageMaker endpoint names are {SagemakerNames.Rule}.", nameof(endpointName));
        }

        _endpointRules.AddFilter(endpointName);
    }

    /// <summary>Routes the import outcomes of one more imported model, by its exact name.</summary>
    /// <param name="importedModelName">The imported model name (<c>detail.importedModelName</c>).</param>
    public void AddImportedModel(string importedModelName)
    {
        if (!Tokens.IsUnresolved(importedModelName) && !ImportedModelNameRules.IsValidName(importedModelName))
        {
            throw new ArgumentException($"Invalid imported model name '{importedModelName}': 1-{ImportedModelNameRules.MaxLength} letters and digits, each optionally followed by one '-' or '_'.", nameof(importedModelName));
        }

        _importRules.AddFilter(importedModelName);
    }

    /// <summary>Routes the state changes (to ALARM, and from ALARM back to OK) of more alarms, matched by alarm ARN.</summary>
    /// <param name="alarms">Alarms of this environment.</param>
    public void AddAlarms(params IAlarm[] alarms)
    {
        if (alarms.Length > 0)
        {
            _alarmRules.AddFilter(alarms.Select(a => a.AlarmArn).ToArray());
        }
    }

    private Rule CreateRule(RuleSpec spec, EventPattern pattern)
    {
        var rule = new Rule(this, spec.Id, new RuleProps { Description = spec.Description, EventPattern = pattern });
        _rules.Add(rule);

        // Only the rules of this construct may publish, and put undeliverable events in the queue.
        var sid = Notifications.AllowRule(rule);
        var delivery = Notifications.Delivery;
        rule.AddTarget(new DeliveryTarget(Topic.TopicArn, Topic, delivery, spec.Message));
        if (_forwardBus is { } bus)
        {
            rule.AddTarget(new DeliveryTarget(bus.EventBusArn, bus, delivery, role: BusRole(bus)));
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
            rule.AddTarget(new DeliveryTarget(function.FunctionArn, function, delivery));
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

    private static void Validate(ModelOperationsEventsProps props)
    {
        var problems = new PropsProblems(nameof(ModelOperationsEventsProps));
        string P(string property) => Property.Ref(property);
        if (props.EndpointNamePrefix is { } endpointPrefix && !Tokens.IsUnresolved(endpointPrefix) && !SagemakerNames.IsValidPrefix(endpointPrefix))
        {
            problems.Add(nameof(props.EndpointNamePrefix), $"{P(nameof(props.EndpointNamePrefix))} '{endpointPrefix}' must be 1-63 letters, digits or hyphens, starting with a letter or digit");
        }

        foreach (var name in props.EndpointNames ?? [])
        {
            if (!Tokens.IsUnresolved(name) && !SagemakerNames.IsValid(name))
            {
                problems.Add(nameof(props.EndpointNames), $"{P(nameof(props.EndpointNames))} contains '{name}', which is not a SageMaker endpoint name ({SagemakerNames.Rule})");
            }
        }

        if (props.ImportedModelNamePrefix is { } importPrefix && !Tokens.IsUnresolved(importPrefix) && !ImportedModelNameRules.IsValidPrefix(importPrefix))
        {
            problems.Add(nameof(props.ImportedModelNamePrefix), $"{P(nameof(props.ImportedModelNamePrefix))} '{importPrefix}' must be 1-63 letters, digits, '_' or '-', starting with a letter or digit");
        }

        foreach (var email in props.AlarmEmails ?? [])
        {
            if (!Tokens.IsUnresolved(email) && !AwsNames.IsEmailAddress(email))
            {
                problems.Add(nameof(props.AlarmEmails), $"{P(nameof(props.AlarmEmails))} contains '{email}', which is not an e-mail address");
            }
        }

        if (props.RetryAttempts is { } attempts && attempts is < 0 or > 185)
        {
            problems.Add(nameof(props.RetryAttempts), $"{P(nameof(props.RetryAttempts))} is {attempts}; EventBridge allows 0 to 185");
        }

        if (props.MaxEventAge is { } age && !Tokens.IsUnresolved(age.ToString()))
        {
            var seconds = age.ToSeconds(new TimeConversionOptions { Integral = false });
            if (seconds < 60 || seconds > 86400 || seconds % 1 != 0)
            {
                problems.Add(nameof(props.MaxEventAge), $"{P(nameof(props.MaxEventAge))} is {age.ToHumanString()}; EventBridge allows whole seconds from 1 minute to 24 hours");
            }
        }

        problems.ThrowIfAny();
    }
}
