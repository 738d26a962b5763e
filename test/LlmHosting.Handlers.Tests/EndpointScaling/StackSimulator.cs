using System.Globalization;
using System.Text.Json.Nodes;

namespace LlmHosting.Lambda.EndpointScaling.Tests;

/// <summary>The order in which CloudFormation reverts the updated resources of a failed update; we rely on neither.</summary>
public enum RollbackOrder
{
    /// <summary>Pause, Restore, Endpoint, Scaling.</summary>
    Dependency,

    /// <summary>Scaling, Endpoint, Restore, Pause.</summary>
    Reverse,
}

/// <summary>Autoscaling of the template: capacity range and target-tracking policies (name, target value).</summary>
internal sealed record ScalingSettings(int Min, int Max, params (string Name, double Target)[] Policies);

/// <summary>What the construct puts in the template for one variant: its type, its model and optional autoscaling.</summary>
internal sealed record VariantTemplate(string InstanceType, string Model, ScalingSettings? Scaling);

/// <summary>
/// Drives the handler with the requests CloudFormation sends for one endpoint variant and its
/// <c>Custom::EndpointScaling</c> resources (<c>Pause -&gt; Restore&lt;type&gt; -&gt; Endpoint -&gt; Scaling</c>), and
/// stands in for the AWS::SageMaker::Endpoint resource through the fake's endpoint operations. An update visits the
/// resources in dependency order and updates those whose resolved properties changed (the Restore's <c>Snapshot</c> is
/// <c>Fn::GetAtt Pause.Snapshot</c>); success deletes the removed resources in the cleanup, in reverse dependency order;
/// a failure reverts each touched resource (the failed one included) in the chosen order and then deletes the created ones.
/// The fake's DescribeStacks answers the stack status of each phase (CREATE_IN_PROGRESS, UPDATE_IN_PROGRESS,
/// UPDATE_ROLLBACK_IN_PROGRESS, ..., as CloudFormation's StackStatus enum names them).
/// </summary>
internal sealed class StackSimulator(FakeScalingApi api, EndpointScalingResource handler, string endpointName)
{
    public const string Variant = "AllTraffic";
    private const string StackId = $"arn:aws:cloudformation:{FakeScalingApi.Region}:{FakeScalingApi.Account}:stack/serving/1";
    private const string SnapshotReference = "Fn::GetAtt Pause.Snapshot";

    private readonly List<Deployed> _deployed = [];

    /// <summary>Every resource operation, in order ("Update Pause", "Update Endpoint ml.g6e.2xlarge", ...).</summary>
    public List<string> Operations { get; } = [];

    /// <summary>The failure reason of every resource that failed, in order.</summary>
    public List<string> Failures { get; } = [];

    public string ResourceId => $"endpoint/{endpointName}/variant/{Variant}";

    private sealed record Resource(string LogicalId, string Kind, JsonObject Properties);

    private sealed record Deployed(string LogicalId, string Kind, JsonObject Properties, string PhysicalId, JsonObject? Data);

    /// <summary>Deploys the template; false when the update failed and was rolled back.</summary>
    /// <param name="template">The new template.</param>
    /// <param name="failAfter">A logical id after which another resource of the stack fails.</param>
    /// <param name="endpointUpdateFails">SageMaker fails the endpoint update (a model that does not start) and keeps the old type.</param>
    /// <param name="order">The order of the rollback's updates.</param>
    /// <param name="endpointRollsBackSilently">SageMaker rolls the endpoint update back on its own and CloudFormation reports success.</param>
    public async Task<bool> DeployAsync(
        VariantTemplate template, string? failAfter = null, bool endpointUpdateFails = false, RollbackOrder order = RollbackOrder.Dependency, bool endpointRollsBackSilently = false)
    {
        var resources = Resources(template);
        var creating = _deployed.Count == 0;
        api.StackStatus = creating ? "CREATE_IN_PROGRESS" : "UPDATE_IN_PROGRESS";
        var touched = new List<(string LogicalId, Deployed? Before, JsonObject Attempted)>();
        var failed = false;
        foreach (var resource in resources)
        {
            var properties = Resolve(resource.Properties);
            var before = Find(resource.LogicalId);
            if (before is null || !JsonNode.DeepEquals(before.Properties, properties))
            {
                touched.Add((resource.LogicalId, before, properties));
                if (!await ApplyAsync(resource with { Properties = properties }, before, endpointUpdateFails, endpointRollsBackSilently))
                {
                    failed = true;
                    break;
                }
            }

            if (failAfter == resource.LogicalId)
            {
                Failures.Add($"{failAfter}'s successor failed");
                failed = true;
                break;
            }
        }

        if (!failed)
        {
            api.StackStatus = creating ? "CREATE_COMPLETE" : "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS";
            foreach (var removed in _deployed.Where(d => resources.All(r => r.LogicalId != d.LogicalId)).Reverse().ToList())
            {
                await RemoveAsync(removed);
            }

            // Keep the dependency order of the template: a later deletion of the stack goes in reverse of it.
            _deployed.Sort((a, b) => resources.FindIndex(r => r.LogicalId == a.LogicalId).CompareTo(resources.FindIndex(r => r.LogicalId == b.LogicalId)));
            return true;
        }

        api.StackStatus = creating ? "ROLLBACK_IN_PROGRESS" : "UPDATE_ROLLBACK_IN_PROGRESS";
        var updated = touched.Where(t => t.Before is not null).ToList();
        foreach (var (_, before, attempted) in order == RollbackOrder.Dependency ? updated : Enumerable.Reverse(updated))
        {
            await RevertAsync(before!, attempted);
        }

        api.StackStatus = creating ? "ROLLBACK_IN_PROGRESS" : "UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS";
        foreach (var (logicalId, _, _) in Enumerable.Reverse(touched).Where(t => t.Before is null))
        {
            if (Find(logicalId) is { } created)
            {
                await RemoveAsync(created);
            }
        }

        return false;
    }

    /// <summary>Deletes the stack: every resource, in reverse dependency order.</summary>
    public async Task DeleteStackAsync()
    {
        api.StackStatus = "DELETE_IN_PROGRESS";
        foreach (var deployed in Enumerable.Reverse(_deployed).ToList())
        {
            await RemoveAsync(deployed);
        }
    }

    private List<Resource> Resources(VariantTemplate template)
    {
        var endpoint = new Resource("Endpoint", "Endpoint", new JsonObject { ["InstanceType"] = template.InstanceType, ["Model"] = template.Model });
        if (template.Scaling is not { } scaling)
        {
            return [endpoint];
        }

        JsonObject Common(string role) => new()
        {
            ["ServiceToken"] = $"arn:aws:lambda:{FakeScalingApi.Region}:{FakeScalingApi.Account}:function:provider",
            ["Role"] = role,
            ["EndpointName"] = endpointName,
            ["VariantName"] = Variant,
            ["InstanceType"] = template.InstanceType,
        };
        var restore = Common("Restore");
        restore["Snapshot"] = SnapshotReference;
        var apply = Common("Scaling");
        apply["MinCapacity"] = scaling.Min.ToString(CultureInfo.InvariantCulture);
        apply["MaxCapacity"] = scaling.Max.ToString(CultureInfo.InvariantCulture);
        apply["Policies"] = new JsonArray(scaling.Policies.Select(p => (JsonNode)new JsonObject
        {
            ["PolicyName"] = p.Name,
            ["PolicyType"] = "TargetTrackingScaling",
            ["TargetTrackingScalingPolicyConfiguration"] = new JsonObject
            {
                ["TargetValue"] = p.Target.ToString(CultureInfo.InvariantCulture),
                ["PredefinedMetricSpecification"] = new JsonObject { ["PredefinedMetricType"] = "SageMakerVariantInvocationsPerInstance" },
                ["ScaleInCooldown"] = "300",
                ["ScaleOutCooldown"] = "60",
            },
        }).ToArray());
        return
        [
            new Resource("Pause", "Custom", Common("Pause")),
            new Resource($"Restore[{template.InstanceType}]", "Custom", restore),
            endpoint,
            new Resource("Scaling", "Custom", apply),
        ];
    }

    private JsonObject Resolve(JsonObject properties)
    {
        var resolved = properties.DeepClone().AsObject();
        if ((string?)resolved["Snapshot"] == SnapshotReference)
        {
            resolved["Snapshot"] = (string?)Find("Pause")?.Data?["Snapshot"] ?? throw new InvalidOperationException("Pause has no Snapshot attribute.");
        }

        return resolved;
    }

    private async Task<bool> ApplyAsync(Resource resource, Deployed? before, bool endpointUpdateFails, bool endpointRollsBackSilently)
    {
        var type = (string)resource.Properties["InstanceType"]!;
        if (resource.Kind == "Endpoint")
        {
            Operations.Add($"{(before is null ? "Create" : "Update")} Endpoint {type}");
            if (before is null)
            {
                api.CreateEndpoint(endpointName, Variant, type);
            }
            else if (!api.UpdateEndpoint(endpointName, type, endpointUpdateFails, endpointRollsBackSilently))
            {
                Failures.Add($"Endpoint update to {type} failed");
                return false;
            }

            Store(new Deployed(resource.LogicalId, resource.Kind, resource.Properties, endpointName, null));
            return true;
        }

        Operations.Add($"{(before is null ? "Create" : "Update")} {resource.LogicalId}");
        var response = await SendAsync(before is null ? "Create" : "Update", resource.LogicalId, resource.Properties, before?.Properties, before?.PhysicalId);
        if (response is null)
        {
            return false;
        }

        var physicalId = (string)response["PhysicalResourceId"]!;
        if (before is not null && physicalId != before.PhysicalId)
        {
            Failures.Add($"{resource.LogicalId} changed its physical id from {before.PhysicalId} to {physicalId}");
        }

        Store(new Deployed(resource.LogicalId, resource.Kind, resource.Properties, physicalId, response["Data"]?.DeepClone().AsObject()));
        return true;
    }

    private async Task RevertAsync(Deployed before, JsonObject attempted)
    {
        if (before.Kind == "Endpoint")
        {
            var type = (string)before.Properties["InstanceType"]!;
            Operations.Add($"Rollback Endpoint {type}");
            if (!api.UpdateEndpoint(endpointName, type))
            {
                Failures.Add($"Rollback of Endpoint to {type} failed (UPDATE_ROLLBACK_FAILED)");
            }

            Store(before);
            return;
        }

        Operations.Add($"Rollback {before.LogicalId}");
        var response = await SendAsync("Update", before.LogicalId, before.Properties, attempted, before.PhysicalId);
        Store(before with { Data = response?["Data"]?.DeepClone().AsObject() ?? before.Data });
    }

    private async Task RemoveAsync(Deployed deployed)
    {
        _deployed.Remove(deployed);
        if (deployed.Kind == "Endpoint")
        {
            Operations.Add("Delete Endpoint");
            api.DeleteEndpoint(endpointName);
            return;
        }

        Operations.Add($"Delete {deployed.LogicalId}");
        await SendAsync("Delete", deployed.LogicalId, deployed.Properties, null, deployed.PhysicalId);
    }

    private async Task<JsonObject?> SendAsync(string requestType, string logicalId, JsonObject properties, JsonObject? old, string? physicalId)
    {
        var request = new JsonObject
        {
            ["RequestType"] = requestType,
            ["ServiceToken"] = properties["ServiceToken"]?.DeepClone(),
            ["ResponseURL"] = "https://cloudformation-custom-resource-response.s3.amazonaws.com/presigned",
            ["StackId"] = StackId,
            ["RequestId"] = Guid.NewGuid().ToString(),
            ["LogicalResourceId"] = logicalId,
            ["ResourceType"] = "Custom::EndpointScaling",
            ["ResourceProperties"] = properties.DeepClone(),
        };
        if (physicalId is not null)
        {
            request["PhysicalResourceId"] = physicalId;
        }

        if (old is not null)
        {
            request["OldResourceProperties"] = old.DeepClone();
        }

        try
        {
            return await handler.OnEventAsync(request, CancellationToken.None);
        }
        catch (EndpointScalingException e)
        {
            Failures.Add(e.Message);
            return null;
        }
    }

    private Deployed? Find(string logicalId) => _deployed.FirstOrDefault(d => d.LogicalId == logicalId);

    private void Store(Deployed deployed)
    {
        var index = _deployed.FindIndex(d => d.LogicalId == deployed.LogicalId);
        if (index >= 0)
        {
            _deployed[index] = deployed;
        }
        else
        {
            _deployed.Add(deployed);
        }
    }
}
