using System.Text.Json.Nodes;

namespace LlmHosting.Lambda.EndpointScaling.Tests;

/// <summary>The operations of the fake: SageMaker's endpoint reads and Application Auto Scaling's targets and policies.</summary>
internal sealed partial class FakeScalingApi
{
    private (int, JsonObject) Dispatch(string operation, JsonObject request) => operation switch
    {
        "DescribeEndpoint" => DescribeEndpoint((string)request["EndpointName"]!),
        "DescribeEndpointConfig" => DescribeEndpointConfig((string)request["EndpointConfigName"]!),
        "DescribeScalableTargets" => Ok(new JsonObject
        {
            ["ScalableTargets"] = new JsonArray(_targets
                .Where(t => (string?)request["ServiceNamespace"] == "sagemaker"
                            && (request["ResourceIds"] is not JsonArray ids || ids.Any(i => (string?)i == t.Key)))
                .Select(t => (JsonNode)Describe(t.Key, t.Value)).ToArray()),
        }),
        "DescribeScalingPolicies" => DescribePolicies(request),
        "RegisterScalableTarget" => Register(request),
        "DeregisterScalableTarget" => Deregister(request),
        "PutScalingPolicy" => PutPolicy(request),
        "DeleteScalingPolicy" => _policies.RemoveAll(p => p.ResourceId == ResourceIdOf(request) && p.Name == (string?)request["PolicyName"]) > 0
            ? Ok([])
            : Error(400, "ObjectNotFoundException", $"No scaling policy found for service namespace: sagemaker, resource ID: {ResourceIdOf(request)}, policy name: {request["PolicyName"]}"),
        _ => Error(400, "UnknownOperationException", operation),
    };

    private (int, JsonObject) Deregister(JsonObject request)
    {
        if (!_targets.Remove(ResourceIdOf(request)))
        {
            return NoTarget(request);
        }

        _policies.RemoveAll(p => p.ResourceId == ResourceIdOf(request));
        return Ok([]);
    }

    private (int, JsonObject) DescribeEndpoint(string name)
    {
        if (!_endpoints.TryGetValue(name, out var endpoint))
        {
            return Error(400, "ValidationException", $"Could not find endpoint \"{name}\".", messageKey: "Message");
        }

        return Ok(new JsonObject
        {
            ["EndpointName"] = name,
            ["EndpointArn"] = $"arn:aws:sagemaker:{Region}:{Account}:endpoint/{name}",
            ["EndpointConfigName"] = endpoint.Config,
            ["ProductionVariants"] = new JsonArray(new JsonObject { ["VariantName"] = endpoint.Variant, ["CurrentInstanceCount"] = 1, ["DesiredInstanceCount"] = 1 }),
            ["EndpointStatus"] = "InService",
            ["CreationTime"] = 1767225600.0,
            ["LastModifiedTime"] = 1767225600.0,
        });
    }

    private (int, JsonObject) DescribeEndpointConfig(string name)
        => _configs.TryGetValue(name, out var variants)
            ? Ok(new JsonObject
            {
                ["EndpointConfigName"] = name,
                ["EndpointConfigArn"] = $"arn:aws:sagemaker:{Region}:{Account}:endpoint-config/{name}",
                ["ProductionVariants"] = new JsonArray(variants.Select(v => (JsonNode)new JsonObject
                {
                    ["VariantName"] = v.Key,
                    ["ModelName"] = "model",
                    ["InitialInstanceCount"] = 1,
                    ["InstanceType"] = v.Value,
                    ["InitialVariantWeight"] = 1.0,
                }).ToArray()),
                ["CreationTime"] = 1767225600.0,
            })
            : Error(400, "ValidationException", $"Could not find endpoint configuration \"{name}\".", messageKey: "Message");

    private (int, JsonObject) DescribePolicies(JsonObject request)
    {
        var all = _policies.Where(p => p.ResourceId == (string?)request["ResourceId"]).ToList();
        var start = int.TryParse((string?)request["NextToken"], out var token) ? token : 0;
        var response = new JsonObject
        {
            ["ScalingPolicies"] = new JsonArray(all.Skip(start).Take(PageSize).Select(p => (JsonNode)new JsonObject
            {
                ["PolicyARN"] = $"arn:aws:autoscaling:{Region}:{Account}:scalingPolicy:0000:resource/sagemaker/{p.ResourceId}:policyName/{p.Name}",
                ["PolicyName"] = p.Name,
                ["ServiceNamespace"] = "sagemaker",
                ["ResourceId"] = p.ResourceId,
                ["ScalableDimension"] = "sagemaker:variant:DesiredInstanceCount",
                ["PolicyType"] = p.Type,
                [p.Type + "PolicyConfiguration"] = p.Configuration.DeepClone(),
                ["Alarms"] = new JsonArray(),
                ["CreationTime"] = 1767225600.0,
            }).ToArray()),
        };
        if (start + PageSize < all.Count)
        {
            response["NextToken"] = (start + PageSize).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return Ok(response);
    }

    private (int, JsonObject) Register(JsonObject request)
    {
        var resourceId = ResourceIdOf(request);
        var parts = resourceId.Split('/');
        if (parts is not ["endpoint", var name, "variant", var variant] || !_endpoints.TryGetValue(name, out var endpoint) || endpoint.Variant != variant)
        {
            return Error(400, "ValidationException", $"The endpoint variant {resourceId} does not exist.");
        }

        var existing = _targets.GetValueOrDefault(resourceId);
        var min = (int?)request["MinCapacity"] ?? existing?.Min;
        var max = (int?)request["MaxCapacity"] ?? existing?.Max;
        if (min is null || max is null || min > max)
        {
            return Error(400, "ValidationException", $"MinCapacity and MaxCapacity are required for a new target and Min may not exceed Max (got {min}, {max}).");
        }

        var suspended = existing?.Suspended.DeepClone().AsObject() ?? new JsonObject
        {
            ["DynamicScalingInSuspended"] = false,
            ["DynamicScalingOutSuspended"] = false,
            ["ScheduledScalingSuspended"] = false,
        };
        foreach (var (key, value) in request["SuspendedState"] as JsonObject ?? [])
        {
            suspended[key] = value?.DeepClone();
        }

        _targets[resourceId] = new Target(min.Value, max.Value, (string?)request["RoleARN"] ?? existing?.RoleArn ?? ServiceLinkedRole, suspended);
        return Ok(new JsonObject { ["ScalableTargetARN"] = $"arn:aws:application-autoscaling:{Region}:{Account}:scalable-target/0123456789abcdef" });
    }

    private (int, JsonObject) PutPolicy(JsonObject request)
    {
        var resourceId = ResourceIdOf(request);
        if (!_targets.ContainsKey(resourceId))
        {
            return NoTarget(request);
        }

        var type = (string?)request["PolicyType"] ?? "";
        if (request[type + "PolicyConfiguration"] is not JsonObject configuration || configuration["TargetValue"] is null)
        {
            return Error(400, "ValidationException", $"{type}PolicyConfiguration with a TargetValue is required for policy type '{type}'.");
        }

        var name = (string)request["PolicyName"]!;
        var index = _policies.FindIndex(p => p.ResourceId == resourceId && p.Name == name);
        var policy = new Policy(resourceId, name, type, configuration.DeepClone().AsObject());
        if (index >= 0)
        {
            _policies[index] = policy;
        }
        else
        {
            _policies.Add(policy);
        }

        return Ok(new JsonObject
        {
            ["PolicyARN"] = $"arn:aws:autoscaling:{Region}:{Account}:scalingPolicy:0000:resource/sagemaker/{resourceId}:policyName/{name}",
            ["Alarms"] = new JsonArray(new JsonObject { ["AlarmName"] = $"TargetTracking-{resourceId}-AlarmHigh", ["AlarmARN"] = $"arn:aws:cloudwatch:{Region}:{Account}:alarm:TargetTracking-{resourceId}-AlarmHigh" }),
        });
    }

    private JsonObject Describe(string resourceId, Target target) => new()
    {
        ["ServiceNamespace"] = "sagemaker",
        ["ResourceId"] = resourceId,
        ["ScalableDimension"] = "sagemaker:variant:DesiredInstanceCount",
        ["MinCapacity"] = target.Min,
        ["MaxCapacity"] = target.Max,
        ["RoleARN"] = target.RoleArn,
        ["CreationTime"] = 1767225600.0,
        ["SuspendedState"] = target.Suspended.DeepClone(),
        ["ScalableTargetARN"] = $"arn:aws:application-autoscaling:{Region}:{Account}:scalable-target/0123456789abcdef",
    };

    private static string ResourceIdOf(JsonObject request) => (string?)request["ResourceId"] ?? "";

    private static (int, JsonObject) NoTarget(JsonObject request)
        => Error(400, "ObjectNotFoundException", $"No scalable target registered for service namespace: sagemaker, resource ID: {ResourceIdOf(request)}, scalable dimension: sagemaker:variant:DesiredInstanceCount");

    private static (int, JsonObject) Ok(JsonObject response) => (200, response);

    private static (int, JsonObject) Error(int status, string type, string message, string messageKey = "message")
        => (status, new JsonObject { ["__type"] = type, [messageKey] = message });
}
