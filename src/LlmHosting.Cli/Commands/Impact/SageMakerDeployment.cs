using System.Text.Json.Nodes;

namespace LlmHosting.Cli.Commands.Impact;

/// <summary>
/// How SageMaker rolls out an update that CloudFormation makes in place: an endpoint whose EndpointConfigName
/// changes, or an inference component whose Specification changes, is redeployed by SageMaker with the
/// <c>DeploymentConfig</c> of the new template. Sources: botocore's sagemaker service model (DeploymentConfig,
/// BlueGreenUpdatePolicy: "If no update policy is specified, SageMaker uses a blue/green deployment strategy with
/// all at once traffic shifting by default"; UpdateEndpointInput.RetainAllVariantProperties: "The default is
/// false", so the variant's instance count comes from the new config; InferenceComponentDeploymentConfig) and the
/// AWS::SageMaker::Endpoint and AWS::SageMaker::InferenceComponent schemas of cfn-lint.
/// </summary>
internal static class SageMakerDeployment
{
    /// <summary>A real-time endpoint.</summary>
    public const string EndpointType = "AWS::SageMaker::Endpoint";

    /// <summary>An inference component on an endpoint.</summary>
    public const string InferenceComponentType = "AWS::SageMaker::InferenceComponent";

    /// <summary>What SageMaker does for this in-place update, or null when it redeploys nothing.</summary>
    public static string? Describe(string type, IReadOnlyList<PropertyChange> changes, JsonObject newProperties)
    {
        bool Changed(string property) => changes.Any(c => c.Path.Segments.Count > 0 && c.Path.Segments[0] == property);
        return type switch
        {
            EndpointType when Changed("EndpointConfigName") => "SageMaker redeploys the endpoint: " + EndpointPolicy(newProperties),
            InferenceComponentType when Changed("Specification") => "SageMaker redeploys the component's copies: " + ComponentPolicy(newProperties),
            InferenceComponentType when Changed("RuntimeConfig") => "SageMaker sets the copy count to the template's RuntimeConfig.CopyCount",
            _ => null,
        };
    }

    /// <summary>
    /// Why redeploying endpoint <paramref name="endpointId"/> fails, or null: "If the update would change the instance
    /// type for any model that is a target for auto scaling, the update fails", and so does removing such a variant
    /// (SageMaker developer guide, "Update endpoints that use auto scaling": deregister the scalable target first).
    /// The old template says which variants are registered while CloudFormation updates the endpoint, because
    /// removed or replaced scalable targets are deleted only afterwards.
    /// </summary>
    public static string? AutoscalingConflict(string endpointId, IReadOnlyDictionary<string, JsonObject> before, IReadOnlyDictionary<string, JsonObject> after)
    {
        var oldVariants = InstanceTypes(before[endpointId], before);
        var newVariants = InstanceTypes(after[endpointId], after);
        var endpointName = (string?)before[endpointId]["Properties"]?["EndpointName"];
        foreach (var (variant, oldType) in oldVariants)
        {
            var newType = newVariants.GetValueOrDefault(variant);
            var target = newType == oldType ? null : before.FirstOrDefault(r => Autoscales(r.Value, endpointId, endpointName, variant)).Key;
            if (target is not null)
            {
                var change = newType is null ? "is removed" : $"changes instance type {oldType} → {newType}";
                return $"variant {variant} {change} while {target} autoscales it: SageMaker fails the update unless the scalable target is deregistered first";
            }
        }

        return null;
    }

    // VariantName → InstanceType of the endpoint config that the endpoint names (by Ref or Fn::GetAtt); a variant with
    // instance pools, which replace InstanceType, runs on its pools' types in priority order.
    private static Dictionary<string, string> InstanceTypes(JsonObject endpoint, IReadOnlyDictionary<string, JsonObject> resources)
    {
        var configId = TemplateReferences.Find(endpoint["Properties"]?["EndpointConfigName"]).Select(r => r.Target).FirstOrDefault();
        var variants = configId is not null && resources.TryGetValue(configId, out var config) ? config["Properties"]?["ProductionVariants"] as JsonArray : null;
        return (variants ?? []).OfType<JsonObject>()
            .Where(v => v["VariantName"] is JsonValue && (v["InstanceType"] is JsonValue || v["InstancePools"] is JsonArray))
            .ToDictionary(v => (string)v["VariantName"]!, v => v["InstanceType"] is JsonValue type ? (string)type! : PoolTypes((JsonArray)v["InstancePools"]!));
    }

    private static string PoolTypes(JsonArray pools) => string.Join(",", PoolTypesInOrder(pools));

    /// <summary>
    /// The instance types of a variant's instance pools in the order SageMaker tries them (botocore's sagemaker model:
    /// <c>ProductionVariant.InstancePools</c>, lowest <c>Priority</c> first).
    /// </summary>
    internal static IReadOnlyList<string> PoolTypesInOrder(JsonArray pools)
        => pools.OfType<JsonObject>()
            .OrderBy(p => p["Priority"] is JsonValue priority && priority.TryGetValue<int>(out var value) ? value : int.MaxValue)
            .Select(p => (string?)p["InstanceType"]).OfType<string>().ToList();

    // ResourceId is "endpoint/<name>/variant/<variant>", literal or built from a reference to the endpoint.
    private static bool Autoscales(JsonObject resource, string endpointId, string? endpointName, string variant)
    {
        if ((string?)resource["Type"] != "AWS::ApplicationAutoScaling::ScalableTarget" || (string?)resource["Properties"]?["ServiceNamespace"] != "sagemaker")
        {
            return false;
        }

        var resourceId = resource["Properties"]?["ResourceId"];
        return resourceId is JsonValue literal
            ? (string?)literal == $"endpoint/{endpointName}/variant/{variant}"
            : TemplateReferences.Find(resourceId).Any(r => r.Target == endpointId) && resourceId!.ToJsonString().Contains($"/variant/{variant}", StringComparison.Ordinal);
    }

    private static string EndpointPolicy(JsonObject properties)
    {
        var config = properties["DeploymentConfig"] as JsonObject;
        var parts = new List<string>();
        if (config?["BlueGreenUpdatePolicy"] is JsonObject blueGreen)
        {
            parts.Add("blue/green, " + TrafficRouting(blueGreen["TrafficRoutingConfiguration"] as JsonObject));
            AddSeconds(parts, blueGreen, "TerminationWaitInSeconds", "old fleet kept {0} s after the shift");
            AddSeconds(parts, blueGreen, "MaximumExecutionTimeoutInSeconds", "timeout {0} s");
        }
        else if (config?["RollingUpdatePolicy"] is JsonObject rolling)
        {
            parts.Add(Rolling(rolling));
        }
        else
        {
            parts.Add("blue/green, all at once (no DeploymentConfig update policy: SageMaker's default)");
        }

        parts.Add(Rollback(config));
        parts.Add(properties["RetainAllVariantProperties"] is JsonValue retain && retain.TryGetValue<bool>(out var keep) && keep
            ? "variant properties such as the autoscaled instance count kept (RetainAllVariantProperties)"
            : "instance count reset to the new config's InitialInstanceCount (RetainAllVariantProperties not set)");
        return string.Join("; ", parts);
    }

    private static string ComponentPolicy(JsonObject properties)
    {
        var config = properties["DeploymentConfig"] as JsonObject;
        return config?["RollingUpdatePolicy"] is JsonObject rolling
            ? $"{Rolling(rolling)}; {Rollback(config)}"
            : "no DeploymentConfig: SageMaker's default update, no automatic rollback";
    }

    private static string TrafficRouting(JsonObject? routing) => (string?)routing?["Type"] switch
    {
        "CANARY" => $"canary of {Size(routing!["CanarySize"])}, then the rest after {Seconds(routing!["WaitIntervalInSeconds"])}",
        "LINEAR" => $"linear steps of {Size(routing!["LinearStepSize"])} every {Seconds(routing!["WaitIntervalInSeconds"])}",
        "ALL_AT_ONCE" => "all traffic in one step",
        var other => $"traffic routing {other ?? "not set"}",
    };

    private static string Rolling(JsonObject rolling)
    {
        var text = $"rolling, batches of {Size(rolling["MaximumBatchSize"])}, each watched for {Seconds(rolling["WaitIntervalInSeconds"])}";
        if (rolling["RollbackMaximumBatchSize"] is { } rollbackBatch)
        {
            text += $", rollback in batches of {Size(rollbackBatch)}";
        }

        if (rolling["MaximumExecutionTimeoutInSeconds"] is { } timeout)
        {
            text += $", timeout {Seconds(timeout)}";
        }

        return text;
    }

    private static string Rollback(JsonObject? config)
    {
        var alarms = (config?["AutoRollbackConfiguration"]?["Alarms"] as JsonArray)?.Select(a => AlarmName(a?["AlarmName"])).ToList();
        return alarms is { Count: > 0 } ? $"automatic rollback on alarms {string.Join(", ", alarms)}" : "no automatic rollback";
    }

    // An alarm of the same template is referenced by Ref, which returns the alarm's name: show its logical id.
    private static string AlarmName(JsonNode? name) => name switch
    {
        JsonValue literal => (string?)literal ?? "?",
        JsonObject { Count: 1 } reference when reference["Ref"] is JsonValue id => (string)id!,
        _ => "(computed name)",
    };

    private static string Size(JsonNode? size)
    {
        var value = size?["Value"]?.ToJsonString() ?? "?";
        return (string?)size?["Type"] switch
        {
            "CAPACITY_PERCENT" => $"{value}% of capacity",
            "INSTANCE_COUNT" => $"{value} instance(s)",
            "COPY_COUNT" => $"{value} copy(ies)",
            var other => $"{value} ({other ?? "no type"})",
        };
    }

    private static string Seconds(JsonNode? seconds) => seconds is null ? "0 s" : $"{seconds.ToJsonString()} s";

    private static void AddSeconds(List<string> parts, JsonObject policy, string property, string format)
    {
        if (policy[property] is { } value)
        {
            parts.Add(string.Format(System.Globalization.CultureInfo.InvariantCulture, format, value.ToJsonString()));
        }
    }
}
