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
            ?? throw new EndpointScalingException($"Variant {variantName} of endpoint configuration {configName} has no InstanceType (serverless variants do not autoscale this way).");
    }
}
