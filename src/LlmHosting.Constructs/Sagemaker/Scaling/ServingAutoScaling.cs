using Amazon.CDK;
using Amazon.CDK.AWS.ApplicationAutoScaling;
using Amazon.CDK.AWS.IAM;
using Constructs;

namespace LlmHosting.Constructs.Sagemaker.Scaling;

/// <summary>
/// Autoscaling shared by endpoints (instances of a variant) and inference components (copies): an Application Auto
/// Scaling target with SageMaker's service-linked role and a target-tracking policy.
/// </summary>
internal static class ServingAutoScaling
{
    /// <summary>
    /// SageMaker's autoscaling service-linked role: it holds the SageMaker permissions and is created on first use; a
    /// role of CDK's own would have none (Application Auto Scaling user guide, service-linked roles).
    /// </summary>
    internal static IRole ServiceLinkedRole(Construct scope)
        => Role.FromRoleArn(scope, "AutoScalingRole", ServiceLinkedRoleArn(scope), new FromRoleArnOptions { Mutable = false });

    /// <summary>The ARN of SageMaker's autoscaling service-linked role in the stack's account.</summary>
    internal static string ServiceLinkedRoleArn(Construct scope)
        => $"arn:{Partitions.Partition(scope)}:iam::{Stack.Of(scope).Account}:role/aws-service-role/sagemaker.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_SageMakerEndpoint";

    /// <summary>A scalable target of <paramref name="resourceId"/> registered once <paramref name="after"/> exists, tracking <paramref name="metric"/>.</summary>
    internal static ScalableTarget Create(
        Construct scope, string resourceId, string dimension, int min, int max, IConstruct after,
        string policyId, PredefinedMetric metric, double targetValue, Duration scaleInCooldown, Duration scaleOutCooldown)
    {
        var target = new ScalableTarget(scope, "ScalableTarget", new ScalableTargetProps
        {
            ServiceNamespace = ServiceNamespace.SAGEMAKER,
            ResourceId = resourceId,
            ScalableDimension = dimension,
            MinCapacity = min,
            MaxCapacity = max,
            Role = ServiceLinkedRole(scope),
        });
        // The target names the endpoint or component by name, not by reference: register it only once it exists.
        target.Node.AddDependency(after);
        target.ScaleToTrackMetric(policyId, new BasicTargetTrackingScalingPolicyProps
        {
            PredefinedMetric = metric,
            TargetValue = targetValue,
            ScaleInCooldown = scaleInCooldown,
            ScaleOutCooldown = scaleOutCooldown,
        });
        return target;
    }
}
