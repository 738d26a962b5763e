using System.Text.Json.Nodes;
using LlmHosting.Lambda.BedrockModelImport;

namespace LlmHosting.Lambda.EndpointScaling;

/// <summary>
/// The two SageMaker reads the handler needs (service model <c>sagemaker/2017-07-24</c>: DescribeEndpoint gives the
/// endpoint's EndpointConfigName; DescribeEndpointConfig gives each ProductionVariant's InstanceType).
/// </summary>
internal sealed class SageMakerClient(AwsJsonApi api)
{
    /// <summary>
    /// The instance type the endpoint runs <paramref name="variantName"/> on now, or null when the endpoint does not exist.
    /// </summary>
    public async Task<string?> CurrentInstanceTypeAsync(string endpointName, string variantName, CancellationToken cancellationToken)
    {
        // DescribeEndpoint models no error of its own: a missing endpoint is a ValidationException "Could not find endpoint ..."
        // (as moto's sagemaker backend and AWS samples such as aws-samples/aws-sagemaker-build's EndpointStatus.js match it).
        var endpoint = await api.CallAsync(
            "DescribeEndpoint",
            new JsonObject { ["EndpointName"] = endpointName },
            cancellationToken,
            e => e.ErrorType == "ValidationException" && (e.ErrorMessage ?? "").StartsWith("Could not find endpoint", StringComparison.OrdinalIgnoreCase)).ConfigureAwait(false);
        if (endpoint is null)
        {
            return null;
        }

        var configName = (string?)endpoint["EndpointConfigName"]
            ?? throw new EndpointScalingException($"SageMaker described endpoint {endpointName} without an EndpointConfigName.");
        var config = await api.CallAsync("DescribeEndpointConfig", new JsonObject { ["EndpointConfigName"] = configName }, cancellationToken).ConfigureAwait(false);
        var variants = (config?["ProductionVariants"] as JsonArray ?? []).OfType<JsonObject>().ToList();
        var variant = variants.FirstOrDefault(v => (string?)v["VariantName"] == variantName)
            ?? throw new EndpointScalingException(
                $"Endpoint {endpointName} (configuration {configName}) has no production variant '{variantName}'; it has: {string.Join(", ", variants.Select(v => (string?)v["VariantName"]))}.");
        return (string?)variant["InstanceType"]
            ?? PoolTypes(variant)
            ?? throw new EndpointScalingException($"Variant {variantName} of endpoint configuration {configName} has no InstanceType (serverless variants do not autoscale this way).");
    }

    /// <summary>
    /// The instance types of a variant that has instance pools instead of an InstanceType, in priority order and joined by
    /// commas (the form the construct writes into the resources' InstanceType), or null without pools. Pools replace
    /// InstanceType (SageMaker developer guide, "Deploy to multiple instance types with instance pools"; botocore
    /// <c>ProductionVariant.InstancePools[]{InstanceType, Priority}</c>).
    /// </summary>
    internal static string? PoolTypes(JsonObject variant)
    {
        var pools = (variant["InstancePools"] as JsonArray ?? []).OfType<JsonObject>().ToList();
        return pools.Count == 0
            ? null
            : string.Join(",", pools.OrderBy(p => (int?)p["Priority"] ?? int.MaxValue).Select(p => (string?)p["InstanceType"]));
    }
}
