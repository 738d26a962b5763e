using Amazon.CDK.AWS.Events;
using Amazon.CDK.AWS.IAM;
using Amazon.JSII.Runtime.Deputy;
using Constructs;

namespace LlmHosting.Constructs.Events;

/// <summary>
/// A rule target with a dead-letter queue and a retry policy, whatever the target kind. CDK 2.160's
/// <c>EventBus</c> target has no retry policy (aws-cdk#28735), and its SNS target grants
/// <c>events.amazonaws.com</c> an unconditioned publish; <see cref="ModelOperationsEvents"/> grants the
/// permissions itself, scoped to its own rules.
/// </summary>
internal sealed class DeliveryTarget : DeputyBase, IRuleTarget
{
    private readonly string _arn;
    private readonly IConstruct _resource;
    private readonly RuleTargetInput? _input;
    private readonly IRole? _role;
    private readonly DeliverySettings _delivery;

    public DeliveryTarget(string arn, IConstruct resource, DeliverySettings delivery, RuleTargetInput? input = null, IRole? role = null)
    {
        _arn = arn;
        _resource = resource;
        _delivery = delivery;
        _input = input;
        _role = role;
    }

    public IRuleTargetConfig Bind(IRule rule, string? id = null) => new RuleTargetConfig
    {
        Arn = _arn,
        Input = _input,
        Role = _role,
        TargetResource = _resource,
        DeadLetterConfig = new CfnRule.DeadLetterConfigProperty { Arn = _delivery.DeadLetterQueue.QueueArn },
        RetryPolicy = new CfnRule.RetryPolicyProperty
        {
            MaximumEventAgeInSeconds = _delivery.MaxEventAge.ToSeconds(),
            MaximumRetryAttempts = _delivery.RetryAttempts,
        },
    };
}

/// <summary>Dead-letter queue and retry policy shared by every target of one <see cref="ModelOperationsEvents"/>.</summary>
internal sealed record DeliverySettings(Amazon.CDK.AWS.SQS.IQueue DeadLetterQueue, Amazon.CDK.Duration MaxEventAge, int RetryAttempts);
