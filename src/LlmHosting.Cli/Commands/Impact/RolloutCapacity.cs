using System.Globalization;
using System.Text.Json.Nodes;

namespace LlmHosting.Cli.Commands.Impact;

/// <summary>
/// Instances of <paramref name="InstanceType"/> that a rollout adds at its peak, beyond those serving, for the resource
/// <paramref name="LogicalId"/>; <paramref name="AtMost"/> when they are needed only if no running instance has room (the
/// copies of an inference component).
/// </summary>
internal sealed record CapacityNeed(string InstanceType, int Instances, bool AtMost, string LogicalId, string How)
{
    /// <summary>"peak extra instances: 1 x ml.p5e.48xlarge (blue/green, a new fleet of InitialInstanceCount 1)".</summary>
    public string Describe() => $"peak extra instances: {(AtMost ? "up to " : "")}{Instances} x {InstanceType} ({How})";
}

/// <summary>
/// What an endpoint's or an inference component's rollout needs at its peak, from the new template, so that a reviewer can
/// check quotas and capacity before deploying. Sources: SageMaker guide, "Blue/Green Deployments" (a whole new fleet);
/// botocore's sagemaker model: <c>RollingUpdatePolicy</c> (batches; "If this field is absent, the default value will be
/// set to 100% of total capacity" for the rollback batch), <c>UpdateEndpointInput.RetainAllVariantProperties</c> (without
/// it the new fleet has the new config's <c>InitialInstanceCount</c>), <c>InferenceComponentRollingUpdatePolicy</c>
/// (batches of copies; the rollback default is every copy). A fleet can be as large as its autoscaling maximum
/// (<c>Custom::EndpointScaling</c> or a native scalable target's <c>MaxCapacity</c>, or the variant's managed instance
/// scaling <c>MaxInstanceCount</c>); percentages round up to whole instances or copies.
/// </summary>
internal static class RolloutCapacity
{
    /// <summary>The need of <paramref name="id"/>'s rollout, or null when the change redeploys nothing.</summary>
    public static CapacityNeed? Of(string id, JsonObject resource, IReadOnlyDictionary<string, JsonObject> resources, IReadOnlyList<PropertyChange> changes)
    {
        bool Changed(string property) => changes.Any(c => c.Path.Segments.Count > 0 && c.Path.Segments[0] == property);
        var properties = resource["Properties"] as JsonObject ?? [];
        return (string?)resource["Type"] switch
        {
            SageMakerDeployment.EndpointType when Changed("EndpointConfigName") => Endpoint(id, properties, resources),
            SageMakerDeployment.InferenceComponentType when Changed("Specification") => Component(id, properties, resources),
            _ => null,
        };
    }

    private static CapacityNeed? Endpoint(string id, JsonObject properties, IReadOnlyDictionary<string, JsonObject> resources)
    {
        if (Variant(properties, resources) is not { } variant || TypeOf(variant) is not { } type)
        {
            return null;
        }

        var initial = Number(variant["InitialInstanceCount"]) ?? 1;
        var managed = Number(variant["ManagedInstanceScaling"]?["MaxInstanceCount"]);
        var fleet = Math.Max(initial, managed ?? AutoscalingMaximum(properties, (string?)variant["VariantName"], resources) ?? initial);
        var config = properties["DeploymentConfig"] as JsonObject;
        if (config?["RollingUpdatePolicy"] is JsonObject rolling)
        {
            var batch = rolling["MaximumBatchSize"] is { } step ? Whole(step, fleet) : fleet;
            var rollback = rolling["RollbackMaximumBatchSize"] is { } size ? Whole(size, fleet) : fleet;
            return new CapacityNeed(type, Math.Max(batch, rollback), false, id,
                $"rolling, batches of {Plural(batch, "instance")}, rollback batches of {Plural(rollback, "instance")}, of a fleet of up to {fleet}");
        }

        var retain = properties["RetainAllVariantProperties"] is JsonValue value && value.TryGetValue<bool>(out var kept) && kept;
        // Components must all find room on the new fleet, so an endpoint that hosts them may grow its new fleet to the
        // managed maximum whatever its initial count.
        return retain || managed is not null
            ? new CapacityNeed(type, fleet, false, id, $"blue/green, a second fleet as large as the current one, up to {fleet}")
            : new CapacityNeed(type, initial, false, id, $"blue/green, a new fleet of InitialInstanceCount {initial}");
    }

    private static CapacityNeed? Component(string id, JsonObject properties, IReadOnlyDictionary<string, JsonObject> resources)
    {
        var endpointId = TemplateReferences.Find(properties["EndpointName"]).Select(r => r.Target).FirstOrDefault(resources.ContainsKey);
        var endpoint = endpointId is null ? null : resources[endpointId]["Properties"] as JsonObject;
        if (endpoint is null || Variant(endpoint, resources) is not { } variant || TypeOf(variant) is not { } type)
        {
            return null;
        }

        var copies = Number(properties["RuntimeConfig"]?["CopyCount"]) ?? 1;
        var name = (string?)properties["InferenceComponentName"];
        var most = Math.Max(copies, resources.Values.Where(r => IsTarget(r, $"inference-component/{name}", id)).Select(r => Number(r["Properties"]?["MaxCapacity"])).Max() ?? copies);
        var rolling = properties["DeploymentConfig"]?["RollingUpdatePolicy"];
        var batch = rolling?["MaximumBatchSize"] is { } size ? Whole(size, most) : most;
        var rollback = rolling?["RollbackMaximumBatchSize"] is { } back ? Whole(back, most) : most;
        var extra = Math.Max(batch, rollback);
        var gpus = Number(properties["Specification"]?["ComputeResourceRequirements"]?["NumberOfAcceleratorDevicesRequired"]);
        return new CapacityNeed(type, extra, true, id,
            $"{Plural(extra, "extra copy", "extra copies")}{(gpus is { } g ? $" of {Plural(g, "GPU")} each" : "")}, an instance each when no running one has room; "
            + $"batches of {Plural(batch, "copy", "copies")}, rollback batches of {Plural(rollback, "copy", "copies")}, of up to {most}");
    }

    // The first production variant of the endpoint config the endpoint names.
    private static JsonObject? Variant(JsonObject endpoint, IReadOnlyDictionary<string, JsonObject> resources)
    {
        var configId = TemplateReferences.Find(endpoint["EndpointConfigName"]).Select(r => r.Target).FirstOrDefault(resources.ContainsKey);
        return configId is null ? null : (resources[configId]["Properties"]?["ProductionVariants"] as JsonArray)?.OfType<JsonObject>().FirstOrDefault();
    }

    // The variant's instance type, or for a variant with fallback instance pools (botocore's sagemaker model:
    // ProductionVariant.InstancePools, tried in Priority order when capacity runs out) the first pool's type with the others.
    private static string? TypeOf(JsonObject variant)
    {
        if ((string?)variant["InstanceType"] is { } type)
        {
            return type;
        }

        var pools = SageMakerDeployment.PoolTypesInOrder(variant["InstancePools"] as JsonArray ?? []);
        return pools.Count switch
        {
            0 => null,
            1 => pools[0],
            _ => $"{pools[0]} (fallback {string.Join(", then ", pools.Skip(1))})",
        };
    }

    // The largest MaxCapacity that autoscales the endpoint's variant: the Registration of Custom::EndpointScaling, or a
    // native scalable target (resource id endpoint/<name>/variant/<variant>).
    private static int? AutoscalingMaximum(JsonObject endpoint, string? variant, IReadOnlyDictionary<string, JsonObject> resources)
    {
        var name = (string?)endpoint["EndpointName"];
        var registrations = resources.Values.Where(r => (string?)r["Type"] == "Custom::EndpointScaling"
            && (string?)r["Properties"]?["Role"] == "Scaling" && (string?)r["Properties"]?["EndpointName"] == name && (string?)r["Properties"]?["VariantName"] == variant);
        var targets = resources.Values.Where(r => IsTarget(r, $"endpoint/{name}/variant/{variant}", null));
        return registrations.Concat(targets).Select(r => Number(r["Properties"]?["MaxCapacity"])).Max();
    }

    private static bool IsTarget(JsonObject resource, string resourceId, string? referencedId)
    {
        if ((string?)resource["Type"] != "AWS::ApplicationAutoScaling::ScalableTarget" || (string?)resource["Properties"]?["ServiceNamespace"] != "sagemaker")
        {
            return false;
        }

        var value = resource["Properties"]?["ResourceId"];
        return value is JsonValue literal
            ? (string?)literal == resourceId
            : referencedId is not null && TemplateReferences.Find(value).Any(r => r.Target == referencedId);
    }

    // A capacity size as whole units of a fleet of <total>: a count, or a percentage rounded up to at least one.
    private static int Whole(JsonNode size, int total)
    {
        var value = Number(size["Value"]) ?? total;
        return (string?)size["Type"] == "CAPACITY_PERCENT" ? Math.Max(1, (int)Math.Ceiling(total * value / 100.0)) : value;
    }

    // Template numbers may be written as strings (custom resource properties are).
    private static int? Number(JsonNode? node) => node switch
    {
        JsonValue value when value.TryGetValue<int>(out var number) => number,
        JsonValue value when value.TryGetValue<double>(out var real) => (int)real,
        JsonValue value when value.TryGetValue<string>(out var text) && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) => parsed,
        _ => null,
    };

    private static string Plural(int count, string one, string? many = null)
        => $"{count.ToString(CultureInfo.InvariantCulture)} {(count == 1 ? one : many ?? one + "s")}";
}
