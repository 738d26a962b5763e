using System.Globalization;
using System.Text.RegularExpressions;
using Amazon.CDK;
using Amazon.CDK.AWS.IAM;
using Amazon.CDK.AWS.Sagemaker;
using Constructs;
using LlmHosting.Constructs.Handlers;
using LlmHosting.Constructs.Nag;
using LlmHosting.Constructs.Rules;

namespace LlmHosting.Constructs.Sagemaker.Scaling;

/// <summary>
/// The autoscaling of a single-model endpoint's variant, made so that changing its instance type deploys. SageMaker fails
/// an update that changes the instance type of a variant registered with Application Auto Scaling ("Update endpoints that
/// use auto scaling": deregister, update, register again), and CloudFormation deletes a removed scalable target only after
/// every update, so a native <c>AWS::ApplicationAutoScaling::ScalableTarget</c> cannot be moved out of the way. Instead,
/// three <c>Custom::EndpointScaling</c> resources of one handler (<c>lambda/Handlers/EndpointScaling</c>) surround the
/// endpoint:
/// <c>Pause</c> (stable logical id) and <c>Restore&lt;instance type&gt;</c> before it, <c>Registration</c> after it. A
/// type change updates Pause, which deregisters before the endpoint update; Registration registers the target and its
/// policies after it; a rollback's clean-up deletes the new Restore, which registers the target as it was before. Pause
/// and Restore exist for every endpoint, autoscaled or not, so that turning autoscaling off in the same deployment as a
/// type change still deregisters first.
/// </summary>
internal sealed partial class VariantScaling : Construct
{
    /// <summary>The CloudFormation type of the three resources.</summary>
    internal const string ResourceType = "Custom::EndpointScaling";

    private const string ContainerId = ReservedIds.EndpointScaling;

    // instanceType is what the variant runs on: its instance type, or its instance pools' types joined by commas.
    internal VariantScaling(Construct scope, string id, CfnEndpoint endpoint, string endpointName, string variantName, string instanceType)
        : base(scope, id)
    {
        _endpointName = endpointName;
        _variantName = variantName;
        _instanceType = instanceType;
        Provider = ProviderOf(this);
        GrantEndpoint(endpointName);

        Pause = Resource("Pause", "Pause", []);
        // One Restore per instance type: a type change creates a new one before the endpoint update, which a rollback's
        // clean-up deletes after the endpoint is back on the old type.
        var restore = Resource("Restore" + IdOf(instanceType), "Restore", new() { ["Snapshot"] = Pause.GetAtt("Snapshot").ToString() });
        endpoint.Node.AddDependency(Pause, restore);
    }

    private readonly string _endpointName;
    private readonly string _variantName;
    private readonly string _instanceType;

    /// <summary>The resource that deregisters the variant before an update that changes its instance type.</summary>
    internal CfnResource Pause { get; }

    /// <summary>The resource that registers the variant and its policies after the endpoint, or null when the count is fixed.</summary>
    internal CfnResource? Registration { get; private set; }

    private HandlerProvider Provider { get; }

    /// <summary>
    /// Registers the variant between <paramref name="min"/> and <paramref name="max"/> instances with a target-tracking
    /// policy on <paramref name="metricType"/> (an Application Auto Scaling predefined metric), once <paramref name="endpoint"/> exists.
    /// </summary>
    internal void Register(CfnEndpoint endpoint, int min, int max, string metricType, string policySuffix, double targetValue, Duration scaleInCooldown, Duration scaleOutCooldown)
    {
        Registration = Resource("Registration", "Scaling", new()
        {
            ["MinCapacity"] = min.ToString(CultureInfo.InvariantCulture),
            ["MaxCapacity"] = max.ToString(CultureInfo.InvariantCulture),
            ["Policies"] = new object[]
        {
            new Dictionary<string, object>
            {
                ["PolicyName"] = $"{_endpointName}-{policySuffix}",
                ["PolicyType"] = "TargetTrackingScaling",
                ["TargetTrackingScalingPolicyConfiguration"] = new Dictionary<string, object>
                {
                    ["TargetValue"] = targetValue.ToString(CultureInfo.InvariantCulture),
                    ["PredefinedMetricSpecification"] = new Dictionary<string, object> { ["PredefinedMetricType"] = metricType },
                    ["ScaleInCooldown"] = scaleInCooldown.ToSeconds().ToString(CultureInfo.InvariantCulture),
                    ["ScaleOutCooldown"] = scaleOutCooldown.ToSeconds().ToString(CultureInfo.InvariantCulture),
                },
            },
        },
        });
        // The resource names the endpoint by name: it must wait for the endpoint to be created or updated.
        Registration.Node.AddDependency(endpoint);
    }

    private CfnResource Resource(string id, string role, Dictionary<string, object> properties)
    {
        properties["ServiceToken"] = Provider.ServiceToken;
        properties["Role"] = role;
        properties["EndpointName"] = _endpointName;
        properties["VariantName"] = _variantName;
        properties["InstanceType"] = _instanceType;
        var resource = new CfnResource(this, id, new CfnResourceProps { Type = ResourceType, Properties = properties });
        resource.ApplyRemovalPolicy(RemovalPolicy.DESTROY);
        Provider.DependOnGrants(resource);
        return resource;
    }

    // Grants of the endpoint this resource set serves; the stack-wide grants are made with the provider.
    private void GrantEndpoint(string endpointName)
    {
        Provider.Role.AddToPrincipalPolicy(new PolicyStatement(new PolicyStatementProps
        {
            // Reads the variant's current instance type; Application Auto Scaling requires DescribeEndpoint and
            // UpdateEndpointWeightsAndCapacities of the caller of RegisterScalableTarget for a SageMaker variant
            // (Application Auto Scaling user guide, identity-based policies for SageMaker endpoints).
            Actions = ["sagemaker:DescribeEndpoint", "sagemaker:UpdateEndpointWeightsAndCapacities"],
            Resources = [SagemakerAddresses.Arn(this, "endpoint", endpointName)],
        }));
    }

    private static HandlerProvider ProviderOf(Construct scope)
    {
        var stack = Stack.Of(scope);
        var container = stack.Node.TryFindChild(ContainerId) as Construct;
        if (container is not null)
        {
            return (HandlerProvider)container.Node.FindChild("Provider");
        }

        container = new Construct(stack, ContainerId);
        var provider = HandlerProvider.Of(
            container,
            "LlmHosting.Lambda.EndpointScaling.Handler",
            "Deregisters and registers SageMaker endpoint variants with Application Auto Scaling around instance-type changes.",
            "Keeps endpoint autoscaling out of the way of instance-type changes (Custom::EndpointScaling).",
            // Up to 6 attempts of 30 s per call plus back-off, for the few calls of one request.
            Duration.Minutes(5));
        var partition = Partitions.Partition(scope);
        var account = stack.Account;
        var region = stack.Region;
        provider.Role.AddToPrincipalPolicy(new PolicyStatement(new PolicyStatementProps
        {
            Actions = ["sagemaker:DescribeEndpointConfig"],
            Resources = [$"arn:{partition}:sagemaker:{region}:{account}:endpoint-config/*"],
        }));
        provider.Role.AddToPrincipalPolicy(new PolicyStatement(new PolicyStatementProps
        {
            // The Describe actions support no resource type. The writes support the resource type scalable-target in the
            // Service Authorization Reference (cfn-lint's Policies.json: arn:...:scalable-target/<id>), but the id is
            // assigned by the registration itself, so what a first RegisterScalableTarget is authorized against is not
            // documented; the Application Auto Scaling user guide ("How Application Auto Scaling works with IAM") says
            // to always use "*", and so do AWS's examples. "*" works under both readings; scalable-target/* only under
            // the first. The actions cannot reach beyond Application Auto Scaling's own targets and policies.
            Actions =
            [
                "application-autoscaling:DescribeScalableTargets", "application-autoscaling:DescribeScalingPolicies",
                "application-autoscaling:RegisterScalableTarget", "application-autoscaling:DeregisterScalableTarget",
                "application-autoscaling:PutScalingPolicy", "application-autoscaling:DeleteScalingPolicy",
            ],
            Resources = ["*"],
        }));
        provider.Role.AddToPrincipalPolicy(new PolicyStatement(new PolicyStatementProps
        {
            // The stack's status tells a rollback's update of the registration from a forward one (the handler's
            // ApplyAsync); resource type stack, this stack only.
            Actions = ["cloudformation:DescribeStacks"],
            Resources = [stack.StackId],
        }));
        provider.Role.AddToPrincipalPolicy(new PolicyStatement(new PolicyStatementProps
        {
            // Target-tracking policies create and delete their alarms as the caller; AWS's managed policy for SageMaker
            // endpoints (AWSApplicationAutoscalingSageMakerEndpointPolicy) narrows them to the TargetTracking- prefix.
            Actions = ["cloudwatch:PutMetricAlarm", "cloudwatch:DescribeAlarms", "cloudwatch:DeleteAlarms"],
            Resources = [$"arn:{partition}:cloudwatch:{region}:{account}:alarm:TargetTracking-*"],
        }));
        provider.Role.AddToPrincipalPolicy(new PolicyStatement(new PolicyStatementProps
        {
            // The first registration in an account creates SageMaker's autoscaling service-linked role.
            Actions = ["iam:CreateServiceLinkedRole"],
            Resources = [ServingAutoScaling.ServiceLinkedRoleArn(scope)],
            Conditions = new Dictionary<string, object>
            {
                ["StringEquals"] = new Dictionary<string, object> { ["iam:AWSServiceName"] = "sagemaker.application-autoscaling.amazonaws.com" },
            },
        }));
        NagSuppressions.Add(provider.Role, "AwsSolutions-IAM5",
            "Application Auto Scaling's Describe actions support no resource type and its writes are documented on * (Application Auto Scaling user guide, How Application Auto Scaling works with IAM), and endpoint configurations and target-tracking alarms get their names at run time, so those grants cover this account's in the region (Service Authorization Reference; AWSApplicationAutoscalingSageMakerEndpointPolicy).",
            "Resource::*",
            "/^Resource::arn:.+:(sagemaker:.+:endpoint-config\\/\\*|cloudwatch:.+:alarm:TargetTracking-\\*)$/");
        return provider;
    }

    // "ml.g6e.xlarge" becomes "MlG6eXlarge".
    private static string IdOf(string name)
        => string.Concat(NonAlphanumeric().Split(name).Where(p => p.Length > 0).Select(p => char.ToUpperInvariant(p[0]) + p[1..]));

    [GeneratedRegex("[^A-Za-z0-9]+")]
    private static partial Regex NonAlphanumeric();
}
