using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace LlmHosting.Lambda.EndpointScaling;

/// <summary>
/// The <c>Custom::EndpointScaling</c> resources (CDK Provider framework, onEvent only) that replace the native scalable
/// target and policies of a single-model endpoint, so that an instance-type change deploys: SageMaker fails an
/// UpdateEndpoint that changes the instance type of a variant registered with Application Auto Scaling (SageMaker
/// developer guide, "Update endpoints that use auto scaling"), and CloudFormation deletes removed resources only after
/// every update. The template orders them <c>Pause -&gt; Restore&lt;type&gt; -&gt; Endpoint -&gt; Scaling</c>:
/// <list type="bullet">
/// <item>Pause, on an update that changes InstanceType while the endpoint runs another type, records the registration in
/// its <c>Snapshot</c> attribute and deregisters the target before the endpoint is updated.</item>
/// <item>Restore&lt;type&gt; receives that snapshot; when it is deleted (the cleanup after a rollback or after success) and
/// the endpoint runs the snapshot's type with no target registered, it registers the snapshot again.</item>
/// <item>Scaling registers the template's target and policies when the endpoint runs the template's type. When it runs
/// another type during a rollback (the stack's status says so), it deregisters: the rollback is about to change the type
/// back, and the old Restore registers the old target then. Otherwise it fails, so that CloudFormation rolls the stack
/// back: the endpoint did not take the new type (SageMaker rolled its update back on its own, and CloudFormation may
/// report that update as successful: UNCONFIRMED either way), and succeeding would leave the variant deregistered and
/// the old Restore, deleted in the clean-up, with an empty snapshot.</item>
/// </list>
/// </summary>
internal sealed class EndpointScalingResource(SageMakerClient sageMaker, AutoScalingClient autoScaling, CloudFormationClient cloudFormation, TextWriter log)
{
    /// <summary>CloudFormation's limit on a custom resource response body (User Guide, "Custom resource response objects").</summary>
    internal const int MaxResponseBytes = 4096;

    private static readonly JsonSerializerOptions ResponseJson = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public async Task<JsonObject> OnEventAsync(JsonObject request, CancellationToken cancellationToken)
    {
        var requestType = (string?)request["RequestType"];
        if (requestType is not ("Create" or "Update" or "Delete"))
        {
            throw new EndpointScalingException($"Unknown RequestType '{requestType}'.");
        }

        var properties = ScalingProperties.Read(request["ResourceProperties"] as JsonObject);
        var physicalId = $"{properties.Role}:{properties.ResourceId}";
        try
        {
            JsonObject? data = (properties.Role, requestType) switch
            {
                (ScalingRole.Pause, "Update") => await PauseAsync(request, properties, cancellationToken).ConfigureAwait(false),
                (ScalingRole.Pause, "Create") => new JsonObject { ["Snapshot"] = "" },
                (ScalingRole.Restore, "Delete") => await RestoreAsync(properties, cancellationToken).ConfigureAwait(false),
                (ScalingRole.Scaling, "Create" or "Update") => await ApplyAsync(request, requestType, properties, cancellationToken).ConfigureAwait(false),
                (ScalingRole.Scaling, "Delete") => await RemoveAsync(properties, cancellationToken).ConfigureAwait(false),
                _ => null,
            };
            var response = new JsonObject
            {
                // A Delete must answer the id it was given (the Provider framework refuses a change during deletion).
                ["PhysicalResourceId"] = requestType == "Delete" ? (string?)request["PhysicalResourceId"] ?? physicalId : physicalId,
            };
            if (data is not null)
            {
                response["Data"] = data;
            }

            return response;
        }
        catch (EndpointScalingException e)
        {
            throw new EndpointScalingException($"{properties.Role} of {properties.ResourceId} ({requestType}): {e.Message}", e);
        }
    }

    /// <summary>
    /// The size of the body the Provider framework sends to CloudFormation for this response (its cfn-response.js:
    /// <c>JSON.stringify({Status, Reason, StackId, RequestId, PhysicalResourceId, LogicalResourceId, NoEcho, Data})</c>,
    /// Reason "SUCCESS", NoEcho left out).
    /// </summary>
    internal static int ResponseBytes(JsonObject request, string physicalId, JsonObject data)
    {
        var body = new JsonObject
        {
            ["Status"] = "SUCCESS",
            ["Reason"] = "SUCCESS",
            ["StackId"] = (string?)request["StackId"],
            ["RequestId"] = (string?)request["RequestId"],
            ["PhysicalResourceId"] = physicalId,
            ["LogicalResourceId"] = (string?)request["LogicalResourceId"],
            ["Data"] = data.DeepClone(),
        };
        return Encoding.UTF8.GetByteCount(body.ToJsonString(ResponseJson));
    }

    private async Task<JsonObject> PauseAsync(JsonObject request, ScalingProperties properties, CancellationToken cancellationToken)
    {
        var nothing = new JsonObject { ["Snapshot"] = "" };
        var oldType = (string?)request["OldResourceProperties"]?["InstanceType"];
        if (oldType == properties.InstanceType)
        {
            return nothing;
        }

        // Pause only when the endpoint update that follows will really change the type. The rollback of a failed Pause
        // (or of a deployment whose endpoint update failed) also arrives as an update with a changed InstanceType, but the
        // endpoint already runs the type it rolls back to; deregistering then would lose a registration that no
        // Restore resource holds.
        var current = await sageMaker.CurrentInstanceTypeAsync(properties.EndpointName, properties.VariantName, cancellationToken).ConfigureAwait(false);
        if (current is null || current == properties.InstanceType)
        {
            log.WriteLine($"Pause {properties.ResourceId}: the endpoint {(current is null ? "does not exist" : "already runs " + current)}; nothing to pause.");
            return nothing;
        }

        var registration = await autoScaling.DescribeAsync(properties.ResourceId, cancellationToken).ConfigureAwait(false);
        if (registration is null)
        {
            log.WriteLine($"Pause {properties.ResourceId}: no scalable target is registered; nothing to pause.");
            return nothing;
        }

        var snapshot = new ScalingSnapshot(current, registration).ToJson();
        var data = new JsonObject { ["Snapshot"] = snapshot };
        var bytes = ResponseBytes(request, $"{properties.Role}:{properties.ResourceId}", data);
        if (bytes > MaxResponseBytes)
        {
            // Checked before deregistering: a snapshot CloudFormation cannot store would lose the registration.
            throw new EndpointScalingException(
                $"the snapshot of the registration ({registration.Policies.Count} policies) makes a response of {bytes} bytes, above CloudFormation's "
                + $"{MaxResponseBytes}; nothing was changed. Remove policies or shorten their names, or deregister the target by hand before deploying.");
        }

        await autoScaling.DeregisterAsync(properties.ResourceId, cancellationToken).ConfigureAwait(false);
        log.WriteLine($"Pause {properties.ResourceId}: deregistered for the change {current} -> {properties.InstanceType}; snapshot {snapshot}");
        return data;
    }

    private async Task<JsonObject?> RestoreAsync(ScalingProperties properties, CancellationToken cancellationToken)
    {
        if (properties.Snapshot.Length == 0)
        {
            return null;
        }

        var snapshot = ScalingSnapshot.Parse(properties.Snapshot);
        var current = await sageMaker.CurrentInstanceTypeAsync(properties.EndpointName, properties.VariantName, cancellationToken).ConfigureAwait(false);
        if (current != snapshot.InstanceType)
        {
            log.WriteLine($"Restore {properties.ResourceId}: the endpoint {(current is null ? "does not exist" : "runs " + current)}, the snapshot is of {snapshot.InstanceType}; nothing to restore.");
            return null;
        }

        if (await autoScaling.DescribeAsync(properties.ResourceId, cancellationToken).ConfigureAwait(false) is not null)
        {
            log.WriteLine($"Restore {properties.ResourceId}: a scalable target is registered; nothing to restore.");
            return null;
        }

        var registration = snapshot.Registration;
        await autoScaling.RegisterAsync(properties.ResourceId, registration.MinCapacity, registration.MaxCapacity, registration.SuspendedState, cancellationToken).ConfigureAwait(false);
        foreach (var policy in registration.Policies)
        {
            await autoScaling.PutPolicyAsync(properties.ResourceId, policy, cancellationToken).ConfigureAwait(false);
        }

        log.WriteLine($"Restore {properties.ResourceId}: registered the snapshot of {snapshot.InstanceType} again ({registration.MinCapacity}-{registration.MaxCapacity}, {registration.Policies.Count} policies).");
        return null;
    }

    private async Task<JsonObject?> ApplyAsync(JsonObject request, string requestType, ScalingProperties properties, CancellationToken cancellationToken)
    {
        var current = await sageMaker.CurrentInstanceTypeAsync(properties.EndpointName, properties.VariantName, cancellationToken).ConfigureAwait(false)
            ?? throw new EndpointScalingException($"endpoint {properties.EndpointName} does not exist.");
        if (current != properties.InstanceType)
        {
            // A rollback's update of this resource comes with the old properties while the endpoint still runs the new
            // type, which the rollback is about to change back; the same request outside a rollback means the endpoint
            // never took the template's type. Only the stack's status tells the two apart (a Create is never a rollback).
            var status = requestType == "Update"
                ? await cloudFormation.StackStatusAsync((string?)request["StackId"] ?? throw new EndpointScalingException("the request has no StackId."), cancellationToken).ConfigureAwait(false)
                : null;
            if (status?.Contains("ROLLBACK_IN_PROGRESS", StringComparison.Ordinal) != true)
            {
                throw new EndpointScalingException(
                    $"the endpoint runs {current}, not {properties.InstanceType} as this deployment set (stack {status ?? "creating"}): SageMaker did not complete its update "
                    + "(DescribeEndpoint shows its FailureReason). Failing, so that CloudFormation rolls the stack back and the previous autoscaling is registered again.");
            }

            var removed = await autoScaling.DeregisterAsync(properties.ResourceId, cancellationToken).ConfigureAwait(false);
            log.WriteLine($"Scaling {properties.ResourceId}: stack {status}, the endpoint runs {current}, not {properties.InstanceType}; {(removed ? "deregistered" : "nothing registered")} until it does.");
            return null;
        }

        var template = properties.Template!;
        await autoScaling.RegisterAsync(properties.ResourceId, template.MinCapacity, template.MaxCapacity, null, cancellationToken).ConfigureAwait(false);
        var existing = await autoScaling.DescribePoliciesAsync(properties.ResourceId, cancellationToken).ConfigureAwait(false);
        foreach (var policy in template.Policies)
        {
            await autoScaling.PutPolicyAsync(properties.ResourceId, policy, cancellationToken).ConfigureAwait(false);
        }

        // Put before delete, so that the target is never without a policy while the set changes.
        foreach (var stale in existing.Where(e => template.Policies.All(p => p.Name != e.Name)))
        {
            await autoScaling.DeletePolicyAsync(properties.ResourceId, stale.Name, cancellationToken).ConfigureAwait(false);
        }

        log.WriteLine($"Scaling {properties.ResourceId}: registered {template.MinCapacity}-{template.MaxCapacity} with policies {string.Join(", ", template.Policies.Select(p => p.Name))}.");
        return null;
    }

    private async Task<JsonObject?> RemoveAsync(ScalingProperties properties, CancellationToken cancellationToken)
    {
        var current = await sageMaker.CurrentInstanceTypeAsync(properties.EndpointName, properties.VariantName, cancellationToken).ConfigureAwait(false);
        if (current != properties.InstanceType)
        {
            log.WriteLine($"Scaling {properties.ResourceId}: the endpoint {(current is null ? "does not exist" : "runs " + current)}; not ours to deregister.");
            return null;
        }

        var removed = await autoScaling.DeregisterAsync(properties.ResourceId, cancellationToken).ConfigureAwait(false);
        log.WriteLine($"Scaling {properties.ResourceId}: {(removed ? "deregistered" : "was not registered")}.");
        return null;
    }
}
