using Amazon.CDK;
using Amazon.CDK.AWS.CloudWatch;
using Amazon.CDK.AWS.Events;
using Amazon.CDK.AWS.Lambda;

namespace LlmHosting.Constructs.Events;

/// <summary>Properties of a <see cref="ModelOperationsEvents"/>.</summary>
public sealed class ModelOperationsEventsProps
{
    /// <summary>
    /// Literal prefix of the SageMaker endpoint names of this environment, for example <c>llm-dev-</c> when
    /// endpoints are named <c>&lt;namePrefix&gt;-&lt;name&gt;</c>. Endpoint state changes whose
    /// <c>detail.EndpointName</c> starts with it are routed. End it with a separator (<c>-</c>) so that
    /// <c>llm-dev-</c> does not also match an environment prefixed <c>llm-dev2</c>.
    /// Default: no prefix; only the endpoints of <see cref="EndpointNames"/> and
    /// <see cref="ModelOperationsEvents.AddEndpoint"/> are routed.
    /// </summary>
    public string? EndpointNamePrefix { get; init; }

    /// <summary>
    /// Exact SageMaker endpoint names whose state changes are routed (more can be added with
    /// <see cref="ModelOperationsEvents.AddEndpoint"/>). Default: none.
    /// </summary>
    public IReadOnlyList<string>? EndpointNames { get; init; }

    /// <summary>
    /// Literal prefix of the imported model names (<c>detail.importedModelName</c>) whose import outcomes are
    /// routed: the events of the model import handler (<see cref="Bedrock.ModelImportEvents"/>).
    /// Default: model import events are not routed unless names are added with
    /// <see cref="ModelOperationsEvents.AddImportedModel"/>.
    /// </summary>
    public string? ImportedModelNamePrefix { get; init; }

    /// <summary>
    /// CloudWatch alarms whose state changes (to ALARM and back to OK) are routed; more can be added with
    /// <see cref="ModelOperationsEvents.AddAlarms"/>. Events are matched on the alarm ARN (the event's
    /// <c>resources</c>). Default: none.
    /// </summary>
    public IReadOnlyList<IAlarm>? Alarms { get; init; }

    /// <summary>
    /// E-mail addresses subscribed to the notification topic. Each address receives a confirmation mail
    /// and gets nothing until the subscription is confirmed. Default: no subscriptions.
    /// </summary>
    public IReadOnlyList<string>? AlarmEmails { get; init; }

    /// <summary>
    /// An event bus of your own that receives every routed event unchanged (for example a central
    /// operations bus). Default: none.
    /// </summary>
    public IEventBus? ForwardToEventBus { get; init; }

    /// <summary>
    /// A Lambda function of your own that receives every routed event unchanged (for example a chat
    /// notifier). EventBridge invokes it asynchronously. Default: none.
    /// </summary>
    public IFunction? ForwardToFunction { get; init; }

    /// <summary>
    /// How long EventBridge keeps retrying a failed delivery before the event goes to the dead-letter queue;
    /// 1 minute to 24 hours. Default: <see cref="ModelOperationsEvents.DefaultMaxEventAge"/> (2 hours).
    /// </summary>
    public Duration? MaxEventAge { get; init; }

    /// <summary>
    /// How many times EventBridge retries a failed delivery before the event goes to the dead-letter queue;
    /// 0 to 185. Default: <see cref="ModelOperationsEvents.DefaultRetryAttempts"/> (24).
    /// </summary>
    public int? RetryAttempts { get; init; }

    /// <summary>
    /// Display name of the notification topic, shown as the sender of e-mails.
    /// Default: <c>Model operations</c>.
    /// </summary>
    public string? TopicDisplayName { get; init; }

    /// <summary>
    /// Conditions on the key policy statements that let EventBridge and CloudWatch use the topic's key.
    /// Default: none (each is documented on <see cref="TopicKeyConditions"/>).
    /// </summary>
    public TopicKeyConditions? TopicKeyConditions { get; init; }

    /// <summary>
    /// What happens to the notification topic's key when it leaves the stack (<see cref="OperationsTopicProps.KeyRemovalPolicy"/>).
    /// Default: <see cref="RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE"/>.
    /// </summary>
    public RemovalPolicy? TopicKeyRemovalPolicy { get; init; }
}
