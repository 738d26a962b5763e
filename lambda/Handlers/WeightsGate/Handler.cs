using System.Text.Json;
using System.Text.Json.Nodes;
using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.Credentials;
using Amazon.S3;
using LlmHosting.ModelValidation;

namespace LlmHosting.Lambda.WeightsGate;

/// <summary>
/// Lambda entry point of the WeightsGate custom resource (CDK Provider framework, onEvent only):
/// <c>LlmHosting.Handlers::LlmHosting.Lambda.WeightsGate.Handler::OnEvent</c>. The only place that reads the environment.
/// </summary>
public sealed class Handler
{
    /// <summary>Overrides the S3 endpoint (default: the SDK's regional endpoint), with path-style addressing.</summary>
    public const string S3EndpointVariable = "S3_ENDPOINT_URL";

    private readonly WeightsGateCheck _check;

    /// <summary>Creates the handler from the Lambda environment (region, credentials, optional endpoint).</summary>
    public Handler()
        : this(FromEnvironment())
    {
    }

    internal Handler(WeightsGateCheck check) => _check = check;

    /// <summary>The Provider framework's onEvent handler: checks the folder on create and update.</summary>
    /// <param name="input">The CloudFormation custom resource request, as JSON.</param>
    public async Task<Stream> OnEvent(Stream input)
    {
        var request = (await JsonNode.ParseAsync(input).ConfigureAwait(false)) as JsonObject
            ?? throw new ArgumentException("The handler input is not a JSON object.");
        var response = await _check.OnEventAsync(request, CancellationToken.None).ConfigureAwait(false);
        return new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(response));
    }

    private static WeightsGateCheck FromEnvironment()
    {
        var regionName = Environment.GetEnvironmentVariable("AWS_REGION")
            ?? throw new InvalidOperationException("AWS_REGION is not set.");
        var config = new AmazonS3Config
        {
            RegionEndpoint = RegionEndpoint.GetBySystemName(regionName),
            // Throttling and 5XX are retried with back-off before the check gives up (well inside the 2-minute timeout).
            RetryMode = RequestRetryMode.Standard,
            MaxErrorRetry = 5,
            Timeout = TimeSpan.FromSeconds(20),
        };
        if (Environment.GetEnvironmentVariable(S3EndpointVariable) is { Length: > 0 } endpoint)
        {
            config.ServiceURL = endpoint;
            config.ForcePathStyle = true;
        }

        var s3 = new AmazonS3Client(DefaultAWSCredentialsIdentityResolver.GetCredentials(null), config);
        return new WeightsGateCheck(uri => S3ModelFolder.FromUri(s3, uri), Console.Out);
    }
}
