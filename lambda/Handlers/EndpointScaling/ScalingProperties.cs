using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace LlmHosting.Lambda.EndpointScaling;

/// <summary>The three roles of the <c>Custom::EndpointScaling</c> resources around one endpoint variant.</summary>
internal enum ScalingRole
{
    /// <summary>Runs before the endpoint: deregisters the target when the instance type is about to change.</summary>
    Pause,

    /// <summary>One per instance type, between Pause and the endpoint: registers the paused target again after a rollback.</summary>
    Restore,

    /// <summary>Runs after the endpoint: the target and policies of the template.</summary>
    Scaling,
}

/// <summary>
/// The resource properties of a <c>Custom::EndpointScaling</c> resource, read and checked. CloudFormation passes every
/// scalar of a custom resource's properties as a string, so numbers and booleans are converted here; JSON numbers and
/// booleans are accepted too. Every problem is reported at once, in one line that names the property and the value.
/// </summary>
internal sealed record ScalingProperties(
    ScalingRole Role,
    string EndpointName,
    string VariantName,
    string InstanceType,
    Registration? Template,
    string Snapshot)
{
    private static readonly string[] PolicyKeys = ["PolicyName", "PolicyType", "TargetTrackingScalingPolicyConfiguration"];
    private static readonly string[] TargetTrackingKeys = ["TargetValue", "PredefinedMetricSpecification", "ScaleInCooldown", "ScaleOutCooldown", "DisableScaleIn"];
    private static readonly string[] MetricKeys = ["PredefinedMetricType", "ResourceLabel"];

    /// <summary>The Application Auto Scaling resource id of the variant.</summary>
    public string ResourceId => AutoScalingClient.ResourceId(EndpointName, VariantName);

    /// <summary>Reads the properties; throws <see cref="EndpointScalingException"/> listing every problem.</summary>
    public static ScalingProperties Read(JsonObject? properties)
    {
        properties ??= [];
        var problems = new List<string>();
        var roleName = Text(properties, "Role", problems);
        ScalingRole? role = Enum.TryParse<ScalingRole>(roleName, ignoreCase: false, out var parsed) && Enum.IsDefined(parsed) ? parsed : null;
        if (role is null && roleName.Length > 0)
        {
            problems.Add($"Role '{roleName}' is not one of {string.Join(", ", Enum.GetNames<ScalingRole>())}");
        }

        var endpointName = Text(properties, "EndpointName", problems);
        var variantName = Text(properties, "VariantName", problems);
        var instanceType = Text(properties, "InstanceType", problems);
        var template = role == ScalingRole.Scaling ? ReadTemplate(properties, problems) : null;
        var snapshot = (string?)Scalar(properties["Snapshot"]) ?? "";
        if (problems.Count > 0)
        {
            throw new EndpointScalingException($"Invalid Custom::EndpointScaling properties: {string.Join("; ", problems)}.");
        }

        return new ScalingProperties(role!.Value, endpointName, variantName, instanceType, template, snapshot);
    }

    private static Registration ReadTemplate(JsonObject properties, List<string> problems)
    {
        var min = Integer(properties, "MinCapacity", "MinCapacity", problems, required: true);
        var max = Integer(properties, "MaxCapacity", "MaxCapacity", problems, required: true);
        if (min > max)
        {
            problems.Add($"MinCapacity {min} is above MaxCapacity {max}");
        }

        var policies = new List<ScalingPolicy>();
        var list = properties["Policies"];
        if (list is not (null or JsonArray))
        {
            problems.Add($"Policies must be a list of policies, not {list.ToJsonString()}");
        }

        foreach (var (item, i) in (list as JsonArray ?? []).Select((p, i) => (p, i)))
        {
            var where = $"Policies[{i}]";
            if (item is not JsonObject policy)
            {
                problems.Add($"{where} must be an object");
                continue;
            }

            Unknown(policy, PolicyKeys, where, problems);
            var name = Text(policy, "PolicyName", problems, where + ".");
            var type = Text(policy, "PolicyType", problems, where + ".");
            if (type.Length > 0 && type != "TargetTrackingScaling")
            {
                problems.Add($"{where}.PolicyType '{type}' is not allowed: only TargetTrackingScaling");
            }

            if (policy["TargetTrackingScalingPolicyConfiguration"] is not JsonObject tracking)
            {
                problems.Add($"{where}.TargetTrackingScalingPolicyConfiguration is required");
                continue;
            }

            policies.Add(new ScalingPolicy(name, type, ReadTargetTracking(tracking, where + ".TargetTrackingScalingPolicyConfiguration", problems)));
        }

        foreach (var duplicate in policies.GroupBy(p => p.Name).Where(g => g.Count() > 1))
        {
            problems.Add($"PolicyName '{duplicate.Key}' is used {duplicate.Count()} times");
        }

        // A RoleArn property (templates before the handler stopped sending it) is ignored: see AutoScalingClient.RegisterAsync.
        return new Registration(min, max, null, policies);
    }

    private static JsonObject ReadTargetTracking(JsonObject tracking, string where, List<string> problems)
    {
        Unknown(tracking, TargetTrackingKeys, where, problems);
        var result = new JsonObject();
        var targetText = (string?)Scalar(tracking["TargetValue"]);
        if (!double.TryParse(targetText, NumberStyles.Float, CultureInfo.InvariantCulture, out var target) || !double.IsFinite(target))
        {
            problems.Add($"{where}.TargetValue '{targetText}' is not a number");
        }

        result["TargetValue"] = target;
        if (tracking["PredefinedMetricSpecification"] is JsonObject metric)
        {
            Unknown(metric, MetricKeys, where + ".PredefinedMetricSpecification", problems);
            var spec = new JsonObject { ["PredefinedMetricType"] = Text(metric, "PredefinedMetricType", problems, where + ".PredefinedMetricSpecification.") };
            if ((string?)Scalar(metric["ResourceLabel"]) is { Length: > 0 } label)
            {
                spec["ResourceLabel"] = label;
            }

            result["PredefinedMetricSpecification"] = spec;
        }
        else
        {
            problems.Add($"{where}.PredefinedMetricSpecification is required");
        }

        foreach (var cooldown in new[] { "ScaleInCooldown", "ScaleOutCooldown" })
        {
            if (tracking[cooldown] is not null)
            {
                result[cooldown] = Integer(tracking, cooldown, $"{where}.{cooldown}", problems, required: false);
            }
        }

        if (tracking["DisableScaleIn"] is { } disable)
        {
            var text = (string?)Scalar(disable);
            if (text is not ("true" or "false"))
            {
                problems.Add($"{where}.DisableScaleIn '{text}' is not true or false");
            }

            result["DisableScaleIn"] = text == "true";
        }

        return result;
    }

    private static int Integer(JsonObject node, string key, string where, List<string> problems, bool required)
    {
        var text = (string?)Scalar(node[key]);
        if (text is null)
        {
            if (required)
            {
                problems.Add($"{where} is required");
            }

            return 0;
        }

        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
        {
            problems.Add($"{where} '{text}' is not a whole number of at least 0");
        }

        return value;
    }

    private static string Text(JsonObject node, string key, List<string> problems, string prefix = "")
    {
        if ((string?)Scalar(node[key]) is { Length: > 0 } value)
        {
            return value;
        }

        problems.Add($"{prefix}{key} is required");
        return "";
    }

    private static void Unknown(JsonObject node, string[] known, string where, List<string> problems)
    {
        foreach (var key in node.Select(p => p.Key).Where(k => !known.Contains(k)))
        {
            problems.Add($"{where} has unknown key '{key}' (known: {string.Join(", ", known)})");
        }
    }

    // A scalar as CloudFormation sends it (a string) or as JSON (number, boolean); null when absent or not a scalar.
    private static JsonValue? Scalar(JsonNode? node) => node is JsonValue value
        ? value.GetValueKind() switch
        {
            JsonValueKind.String => value,
            JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => JsonValue.Create(value.ToJsonString()),
            _ => null,
        }
        : null;
}
