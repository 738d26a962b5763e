using System.Text.Json;
using System.Text.Json.Nodes;

namespace LlmHosting.Lambda.EndpointScaling;

/// <summary>
/// One scaling policy as Application Auto Scaling stores it: name, type and the configuration member that goes with the
/// type (shape ScalingPolicy of <c>application-autoscaling/2016-02-06</c>; the same configuration shapes are PutScalingPolicy's
/// input, so a described policy can be put again unchanged).
/// </summary>
internal sealed record ScalingPolicy(string Name, string Type, JsonObject Configuration)
{
    /// <summary>The request and response member that holds the configuration of a policy of <paramref name="type"/>.</summary>
    public static string ConfigurationMember(string type) => type switch
    {
        "TargetTrackingScaling" => "TargetTrackingScalingPolicyConfiguration",
        "StepScaling" => "StepScalingPolicyConfiguration",
        "PredictiveScaling" => "PredictiveScalingPolicyConfiguration",
        _ => throw new EndpointScalingException($"Unknown scaling policy type '{type}'; Application Auto Scaling knows TargetTrackingScaling, StepScaling and PredictiveScaling."),
    };
}

/// <summary>A variant's registration as a scalable target, with its policies.</summary>
/// <param name="MinCapacity">Lowest instance count.</param>
/// <param name="MaxCapacity">Highest instance count.</param>
/// <param name="SuspendedState">The SuspendedState object as described, or null when it was not given.</param>
/// <param name="Policies">The scaling policies.</param>
/// <remarks>No RoleARN: Application Auto Scaling uses SageMaker's service-linked role (<see cref="AutoScalingClient.RegisterAsync"/>).</remarks>
internal sealed record Registration(int MinCapacity, int MaxCapacity, JsonObject? SuspendedState, IReadOnlyList<ScalingPolicy> Policies);

/// <summary>
/// What the Pause role took away before an instance-type change: the registration and the instance type the endpoint ran
/// then. Carried as compact JSON in the Pause resource's <c>Snapshot</c> attribute, which the Restore resource of the new
/// type receives as a property.
/// </summary>
internal sealed record ScalingSnapshot(string InstanceType, Registration Registration)
{
    /// <summary>The snapshot as compact JSON.</summary>
    public string ToJson()
    {
        var policies = new JsonArray(Registration.Policies.Select(p => (JsonNode)new JsonObject
        {
            ["PolicyName"] = p.Name,
            ["PolicyType"] = p.Type,
            ["Configuration"] = p.Configuration.DeepClone(),
        }).ToArray());
        var json = new JsonObject
        {
            ["InstanceType"] = InstanceType,
            ["MinCapacity"] = Registration.MinCapacity,
            ["MaxCapacity"] = Registration.MaxCapacity,
            ["SuspendedState"] = Registration.SuspendedState?.DeepClone(),
            ["Policies"] = policies,
        };
        return json.ToJsonString();
    }

    /// <summary>Reads a snapshot written by <see cref="ToJson"/>; a damaged one fails with a message that names the problem.</summary>
    public static ScalingSnapshot Parse(string json)
    {
        try
        {
            var node = JsonNode.Parse(json) as JsonObject ?? throw new JsonException("not a JSON object");
            var policies = (node["Policies"] as JsonArray ?? []).Select(p => new ScalingPolicy(
                    (string?)p?["PolicyName"] ?? throw new JsonException("a policy has no PolicyName"),
                    (string?)p!["PolicyType"] ?? throw new JsonException("a policy has no PolicyType"),
                    p["Configuration"]?.DeepClone() as JsonObject ?? throw new JsonException("a policy has no Configuration")))
                .ToList();
            return new ScalingSnapshot(
                (string?)node["InstanceType"] ?? throw new JsonException("no InstanceType"),
                new Registration(
                    (int?)node["MinCapacity"] ?? throw new JsonException("no MinCapacity"),
                    (int?)node["MaxCapacity"] ?? throw new JsonException("no MaxCapacity"),
                    node["SuspendedState"]?.DeepClone() as JsonObject,
                    policies));
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            throw new EndpointScalingException($"Snapshot is not a scaling snapshot ({e.Message}): {Shorten(json)}", e);
        }
    }

    private static string Shorten(string text) => text.Length <= 200 ? text : text[..200] + "...";
}
