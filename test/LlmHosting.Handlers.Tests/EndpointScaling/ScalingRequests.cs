using System.Text.Json.Nodes;

namespace LlmHosting.Lambda.EndpointScaling.Tests;

/// <summary>Custom resource requests for one variant of an endpoint, with properties as CloudFormation passes them (strings).</summary>
internal static class ScalingRequests
{
    public const string Endpoint = "llm-prod-gpt-oss-120b";
    public const string ResourceId = $"endpoint/{Endpoint}/variant/AllTraffic";

    public static JsonObject Policy(string name, string target) => new()
    {
        ["PolicyName"] = name,
        ["PolicyType"] = "TargetTrackingScaling",
        ["TargetTrackingScalingPolicyConfiguration"] = new JsonObject
        {
            ["TargetValue"] = target,
            ["PredefinedMetricSpecification"] = new JsonObject { ["PredefinedMetricType"] = "SageMakerVariantInvocationsPerInstance" },
            ["ScaleInCooldown"] = "300",
            ["ScaleOutCooldown"] = "60",
        },
    };

    public static JsonObject Common(string role, string instanceType) => new()
    {
        ["ServiceToken"] = "arn:aws:lambda:us-east-1:123456789012:function:provider",
        ["Role"] = role,
        ["EndpointName"] = Endpoint,
        ["VariantName"] = "AllTraffic",
        ["InstanceType"] = instanceType,
    };

    public static JsonObject Scaling(string min, string max, params JsonObject[] policies)
    {
        var properties = Common("Scaling", "ml.p5.48xlarge");
        properties["MinCapacity"] = min;
        properties["MaxCapacity"] = max;
        properties["RoleArn"] = FakeScalingApi.ServiceLinkedRole;
        properties["Policies"] = new JsonArray(policies.Select(p => (JsonNode)p).ToArray());
        return properties;
    }

    public static JsonObject PauseUpdate(string from, string to)
        => Request("Update", Common("Pause", to), Common("Pause", from), $"Pause:{ResourceId}");

    public static JsonObject Request(string type, JsonObject properties, JsonObject? old = null, string? physicalId = null)
    {
        var request = new JsonObject
        {
            ["RequestType"] = type,
            ["StackId"] = "arn:aws:cloudformation:us-east-1:123456789012:stack/llm-prod-Serving/0c0a3e40-0000-11f0-0000-0a0b0c0d0e0f",
            ["RequestId"] = "6f6c2f1e-2d4b-4b8e-9a41-3c1b2a9d8e77",
            ["LogicalResourceId"] = "GptOss120bScalingPauseA1B2C3D4",
            ["ResourceType"] = "Custom::EndpointScaling",
            ["ResourceProperties"] = properties,
        };
        if (old is not null)
        {
            request["OldResourceProperties"] = old;
        }

        if (physicalId is not null)
        {
            request["PhysicalResourceId"] = physicalId;
        }

        return request;
    }
}
