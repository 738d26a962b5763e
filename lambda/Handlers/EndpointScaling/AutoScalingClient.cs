using System.Text.Json.Nodes;

namespace LlmHosting.Lambda.EndpointScaling;

/// <summary>
/// Application Auto Scaling for one SageMaker variant: service namespace <c>sagemaker</c>, resource id
/// <c>endpoint/&lt;name&gt;/variant/&lt;variant&gt;</c>, dimension <c>sagemaker:variant:DesiredInstanceCount</c>
/// (API reference, RegisterScalableTarget ResourceId). Operations and shapes from botocore's
/// <c>application-autoscaling/2016-02-06</c> model; DeregisterScalableTarget and DeleteScalingPolicy answer
/// ObjectNotFoundException for what is not there, and deregistering deletes the target's policies.
/// </summary>
internal sealed class AutoScalingClient(AwsJsonApi api)
{
    /// <summary>The service namespace of SageMaker targets.</summary>
    public const string Namespace = "sagemaker";

    /// <summary>The scalable dimension of a variant's instance count.</summary>
    public const string Dimension = "sagemaker:variant:DesiredInstanceCount";

    /// <summary>The resource id of a variant.</summary>
    public static string ResourceId(string endpointName, string variantName) => $"endpoint/{endpointName}/variant/{variantName}";

    /// <summary>The target's registration with its policies, or null when it is not registered.</summary>
    public async Task<Registration?> DescribeAsync(string resourceId, CancellationToken cancellationToken)
    {
        var response = await api.CallAsync("DescribeScalableTargets", Target(resourceId, ids: true), cancellationToken).ConfigureAwait(false);
        var target = (response?["ScalableTargets"] as JsonArray ?? []).OfType<JsonObject>()
            .FirstOrDefault(t => (string?)t["ResourceId"] == resourceId && (string?)t["ScalableDimension"] == Dimension);
        if (target is null)
        {
            return null;
        }

        return new Registration(
            (int?)target["MinCapacity"] ?? 0,
            (int?)target["MaxCapacity"] ?? 0,
            target["SuspendedState"]?.DeepClone() as JsonObject,
            await DescribePoliciesAsync(resourceId, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>Every policy of the target, over all pages.</summary>
    public async Task<IReadOnlyList<ScalingPolicy>> DescribePoliciesAsync(string resourceId, CancellationToken cancellationToken)
    {
        var policies = new List<ScalingPolicy>();
        string? nextToken = null;
        do
        {
            var request = Target(resourceId);
            if (nextToken is not null)
            {
                request["NextToken"] = nextToken;
            }

            var response = await api.CallAsync("DescribeScalingPolicies", request, cancellationToken).ConfigureAwait(false);
            foreach (var policy in (response?["ScalingPolicies"] as JsonArray ?? []).OfType<JsonObject>())
            {
                var type = (string?)policy["PolicyType"] ?? "";
                var configuration = policy[ScalingPolicy.ConfigurationMember(type)]?.DeepClone() as JsonObject ?? [];
                policies.Add(new ScalingPolicy((string?)policy["PolicyName"] ?? "", type, configuration));
            }

            nextToken = (string?)response?["NextToken"];
        }
        while (!string.IsNullOrEmpty(nextToken));

        return policies;
    }

    /// <summary>
    /// Registers or updates the target (RegisterScalableTarget changes only the parameters it is given). It never sends
    /// RoleARN: for SageMaker, Application Auto Scaling uses its service-linked role and ignores another ("How Application
    /// Auto Scaling works with IAM", Service-linked roles: "If you specify a legacy service role for any other service
    /// ... Application Auto Scaling ignores it. Instead, it uses a service-linked role"), so the caller needs no
    /// iam:PassRole, whether or not passing that role would require it (undocumented).
    /// </summary>
    public async Task RegisterAsync(string resourceId, int minCapacity, int maxCapacity, JsonObject? suspendedState, CancellationToken cancellationToken)
    {
        var request = Target(resourceId);
        request["MinCapacity"] = minCapacity;
        request["MaxCapacity"] = maxCapacity;

        if (suspendedState is not null)
        {
            request["SuspendedState"] = suspendedState.DeepClone();
        }

        await api.CallAsync("RegisterScalableTarget", request, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Creates or replaces one policy.</summary>
    public async Task PutPolicyAsync(string resourceId, ScalingPolicy policy, CancellationToken cancellationToken)
    {
        var request = Target(resourceId);
        request["PolicyName"] = policy.Name;
        request["PolicyType"] = policy.Type;
        request[ScalingPolicy.ConfigurationMember(policy.Type)] = policy.Configuration.DeepClone();
        await api.CallAsync("PutScalingPolicy", request, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Deletes one policy; true when it existed.</summary>
    public async Task<bool> DeletePolicyAsync(string resourceId, string policyName, CancellationToken cancellationToken)
    {
        var request = Target(resourceId);
        request["PolicyName"] = policyName;
        return await api.CallAsync("DeleteScalingPolicy", request, cancellationToken, NotFound).ConfigureAwait(false) is not null;
    }

    /// <summary>Deregisters the target, which deletes its policies too; true when it was registered.</summary>
    public async Task<bool> DeregisterAsync(string resourceId, CancellationToken cancellationToken)
        => await api.CallAsync("DeregisterScalableTarget", Target(resourceId), cancellationToken, NotFound).ConfigureAwait(false) is not null;

    private static bool NotFound(BedrockModelImport.AwsApiException e) => e.ErrorType == "ObjectNotFoundException";

    private static JsonObject Target(string resourceId, bool ids = false)
    {
        var request = new JsonObject { ["ServiceNamespace"] = Namespace };
        if (ids)
        {
            request["ResourceIds"] = new JsonArray(resourceId);
        }
        else
        {
            request["ResourceId"] = resourceId;
        }

        request["ScalableDimension"] = Dimension;
        return request;
    }
}
