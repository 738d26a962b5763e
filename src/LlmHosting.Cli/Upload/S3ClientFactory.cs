using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.Credentials;
using Amazon.S3;
using LlmHosting.Cli.Commands;

namespace LlmHosting.Cli.Upload;

/// <summary>
/// Builds the S3 client of the model commands the way the AWS SDKs and the AWS CLI read their settings, so that
/// the same environment works for every tool: the endpoint from <c>--endpoint-url</c>, else
/// <c>AWS_ENDPOINT_URL_S3</c>, else <c>AWS_ENDPOINT_URL</c> (the SDKs' service-specific endpoint variables, AWS
/// SDKs and Tools Reference Guide, "Service-specific endpoints"); path-style addressing whenever an endpoint is
/// set, because S3-compatible stores and emulators rarely resolve <c>bucket.host</c> names.
/// </summary>
internal static class S3ClientFactory
{
    /// <summary>Signing region used with a custom endpoint when no region is configured (emulators accept any).</summary>
    private const string EndpointDefaultRegion = "us-east-1";

    /// <summary>
    /// The SDK copies a request body from the file to the connection through a buffer of this size (ClientConfig.BufferSize,
    /// 8 KiB by default): at 8 KiB a 2 GiB upload costs about 260,000 reads and as many socket or TLS writes.
    /// </summary>
    internal const int BodyBufferSize = 256 * 1024;

    /// <summary>The endpoint to use, or null for AWS's own.</summary>
    public static string? EndpointUrl(string? explicitUrl, ClientDependencies dependencies)
        => NonEmpty(explicitUrl) ?? NonEmpty(dependencies.Environment("AWS_ENDPOINT_URL_S3")) ?? NonEmpty(dependencies.Environment("AWS_ENDPOINT_URL"));

    /// <summary>
    /// A client with resolved credentials; throws <see cref="CliException"/> with one line when there are none,
    /// before anything is sent.
    /// </summary>
    public static AmazonS3Client Create(string? explicitEndpointUrl, ClientDependencies dependencies, Action<AmazonS3Config>? configure = null)
    {
        var config = new AmazonS3Config { BufferSize = BodyBufferSize };
        var region = NonEmpty(dependencies.Environment("AWS_REGION")) ?? NonEmpty(dependencies.Environment("AWS_DEFAULT_REGION"));
        if (EndpointUrl(explicitEndpointUrl, dependencies) is { } endpoint)
        {
            if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            {
                throw new CliException($"S3 endpoint '{endpoint}' (--endpoint-url, AWS_ENDPOINT_URL_S3 or AWS_ENDPOINT_URL) is not an http(s) URL.");
            }

            config.ServiceURL = endpoint;
            config.ForcePathStyle = true;
            config.AuthenticationRegion = region ?? EndpointDefaultRegion;
        }
        else if (region is not null)
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(region);
        }

        configure?.Invoke(config);
        return new PayloadHashS3Client(ResolveCredentials(dependencies), config);
    }

    private static AWSCredentials ResolveCredentials(ClientDependencies dependencies)
    {
        if (dependencies.Credentials is { } given)
        {
            return given;
        }

        try
        {
            return DefaultAWSCredentialsIdentityResolver.GetCredentials(null);
        }
        catch (AmazonClientException e)
        {
            throw new CliException(ChatErrors.MissingCredentials(e));
        }
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
