using System.Text.Json;
using System.Text.Json.Nodes;
using Amazon;
using AWSCredentials = Amazon.Runtime.AWSCredentials;
using Amazon.Runtime.Credentials;
using LlmHosting.Lambda.BedrockModelImport;

namespace LlmHosting.Lambda.EndpointScaling;

/// <summary>
/// Lambda entry point of the EndpointScaling custom resources (CDK Provider framework, onEvent only):
/// <c>LlmHosting.Handlers::LlmHosting.Lambda.EndpointScaling.Handler::OnEvent</c>. The only place that reads the environment.
/// </summary>
public sealed class Handler
{
    /// <summary>Overrides the SageMaker endpoint (default <c>https://api.sagemaker.&lt;region&gt;.&lt;dns suffix&gt;/</c>).</summary>
    public const string SageMakerEndpointVariable = "SAGEMAKER_ENDPOINT_URL";

    /// <summary>Overrides the Application Auto Scaling endpoint (default <c>https://application-autoscaling.&lt;region&gt;.&lt;dns suffix&gt;/</c>).</summary>
    public const string AutoScalingEndpointVariable = "AUTOSCALING_ENDPOINT_URL";

    /// <summary>Overrides the CloudFormation endpoint (default <c>https://cloudformation.&lt;region&gt;.&lt;dns suffix&gt;/</c>).</summary>
    public const string CloudFormationEndpointVariable = "CLOUDFORMATION_ENDPOINT_URL";

    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(30) };

    private readonly EndpointScalingResource _resource;

    /// <summary>Creates the handler from the Lambda environment (region, credentials, optional endpoints).</summary>
    public Handler()
        : this(FromEnvironment())
    {
    }

    internal Handler(EndpointScalingResource resource) => _resource = resource;

    /// <summary>The Provider framework's onEvent handler: pauses, restores or applies the variant's autoscaling.</summary>
    /// <param name="input">The CloudFormation custom resource request, as JSON.</param>
    public async Task<Stream> OnEvent(Stream input)
    {
        var request = (await JsonNode.ParseAsync(input).ConfigureAwait(false)) as JsonObject
            ?? throw new EndpointScalingException("The handler input is not a JSON object.");
        var response = await _resource.OnEventAsync(request, CancellationToken.None).ConfigureAwait(false);
        return new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(response));
    }

    private static EndpointScalingResource FromEnvironment()
    {
        var regionName = Environment.GetEnvironmentVariable("AWS_REGION")
            ?? throw new InvalidOperationException("AWS_REGION is not set.");
        var region = RegionEndpoint.GetBySystemName(regionName);
        var credentials = DefaultAWSCredentialsIdentityResolver.GetCredentials(null);
        // Hosts from botocore's models: endpointPrefix api.sagemaker, application-autoscaling and cloudformation.
        var sageMakerUri = EndpointFromEnvironment(SageMakerEndpointVariable) ?? new Uri($"https://api.sagemaker.{regionName}.{region.PartitionDnsSuffix}/");
        var autoScalingUri = EndpointFromEnvironment(AutoScalingEndpointVariable) ?? new Uri($"https://application-autoscaling.{regionName}.{region.PartitionDnsSuffix}/");
        var cloudFormationUri = EndpointFromEnvironment(CloudFormationEndpointVariable) ?? new Uri($"https://cloudformation.{regionName}.{region.PartitionDnsSuffix}/");
        return Connect(Http, new ServiceUris(sageMakerUri, autoScalingUri, cloudFormationUri), region, credentials, new RetryPolicy(), Console.Out);
    }

    /// <summary>The resource logic over signed clients of the three services (signing names sagemaker, application-autoscaling and cloudformation, per botocore).</summary>
    internal static EndpointScalingResource Connect(HttpClient http, ServiceUris uris, RegionEndpoint region, AWSCredentials credentials, RetryPolicy retry, TextWriter log)
    {
        var sageMaker = new AwsJsonApi(new SignedHttpClient(http, uris.SageMaker, "sagemaker", region, credentials, retry), "SageMaker", "SageMaker", "sagemaker", retry);
        var autoScaling = new AwsJsonApi(
            new SignedHttpClient(http, uris.AutoScaling, "application-autoscaling", region, credentials, retry),
            "Application Auto Scaling", "AnyScaleFrontendService", "application-autoscaling", retry);
        var cloudFormation = new CloudFormationClient(new SignedHttpClient(http, uris.CloudFormation, "cloudformation", region, credentials, retry));
        return new EndpointScalingResource(new SageMakerClient(sageMaker), new AutoScalingClient(autoScaling), cloudFormation, log);
    }

    /// <summary>Where the handler reaches each service.</summary>
    internal sealed record ServiceUris(Uri SageMaker, Uri AutoScaling, Uri CloudFormation);

    private static Uri? EndpointFromEnvironment(string name)
        => Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? new Uri(value.EndsWith('/') ? value : value + "/") : null;
}
