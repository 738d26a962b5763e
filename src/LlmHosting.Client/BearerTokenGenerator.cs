using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Amazon.Runtime;
using Amazon.Runtime.Credentials;
using Amazon.Runtime.Internal;
using Amazon.Runtime.Internal.Auth;
using Amazon.Util;

namespace LlmHosting.Client;

/// <summary>
/// Makes SageMaker bearer tokens and Bedrock short-term API keys from AWS credentials, exactly as the SageMaker
/// Python SDK's <c>generate_token</c> and <c>aws-bedrock-token-generator</c> do: a SigV4 query-presigned
/// <c>POST https://&lt;service&gt;.amazonaws.com/?Action=CallWithBearerToken</c> (signed by AWSSDK.Core), without
/// its scheme, followed by <c>&amp;Version=1</c>, base64-encoded and prefixed.
/// </summary>
/// <remarks>
/// Signing is local: no request goes to AWS. The identity that signs needs
/// <c>sagemaker:CallWithBearerToken</c> (or <c>bedrock:CallWithBearerToken</c>) and the permissions of the calls
/// made with the token, e.g. <c>sagemaker:InvokeEndpoint</c>.
/// </remarks>
public sealed partial class BearerTokenGenerator
{
    /// <summary>The shortest token lifetime: 1 second.</summary>
    public static readonly TimeSpan MinimumExpiry = TimeSpan.FromSeconds(1);

    /// <summary>The longest token lifetime, and the default: 12 hours.</summary>
    public static readonly TimeSpan MaximumExpiry = TimeSpan.FromHours(12);

    private readonly AWSCredentials? _credentials;
    private readonly TimeProvider _clock;
    private AWSCredentials? _resolvedCredentials;

    /// <summary>Creates a generator; see <see cref="BearerTokenGeneratorOptions"/> for the defaults.</summary>
    /// <exception cref="ArgumentException">No region is given or set, or the region or expiry is invalid.</exception>
    public BearerTokenGenerator(BearerTokenGeneratorOptions? options = null)
        : this(options ?? new BearerTokenGeneratorOptions(), Environment.GetEnvironmentVariable)
    {
    }

    internal BearerTokenGenerator(BearerTokenGeneratorOptions options, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(options);
        var region = options.Region ?? NonEmpty(environment("AWS_REGION")) ?? NonEmpty(environment("AWS_DEFAULT_REGION"));

        var problems = new List<string>();
        if (options.Service is null)
        {
            problems.Add("Service must be set");
        }

        if (region is null)
        {
            problems.Add("Region is not set and neither is the AWS_REGION environment variable");
        }
        else if (!IsRegionName(region))
        {
            problems.Add($"Region '{region}' is not an AWS region name such as us-east-1");
        }

        if (options.Expiry < MinimumExpiry || options.Expiry > MaximumExpiry)
        {
            problems.Add($"Expiry {options.Expiry} must be from 1 second to 12 hours");
        }

        if (options.TimeProvider is null)
        {
            problems.Add("TimeProvider must be set");
        }

        if (problems.Count > 0)
        {
            throw new ArgumentException($"Invalid BearerTokenGeneratorOptions: {string.Join("; ", problems)}.", nameof(options));
        }

        Service = options.Service!;
        Region = region!;
        Expiry = TimeSpan.FromSeconds(Math.Floor(options.Expiry.TotalSeconds));
        _credentials = options.Credentials;
        _clock = options.TimeProvider!;
    }

    /// <summary>The service the tokens are for.</summary>
    public BearerTokenService Service { get; }

    /// <summary>The region the tokens are signed for.</summary>
    public string Region { get; }

    /// <summary>The requested token lifetime in whole seconds; a token may be shorter when the credentials expire sooner.</summary>
    public TimeSpan Expiry { get; }

    internal TimeProvider Clock => _clock;

    /// <summary>
    /// Makes a token valid from now for <see cref="Expiry"/>, or until the credentials expire when that is sooner.
    /// </summary>
    /// <exception cref="CredentialsExpiredException">The credentials have expired.</exception>
    /// <exception cref="AmazonClientException">No credentials could be found in the default credential chain.</exception>
    public async Task<BearerToken> GenerateAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var source = _credentials ?? (_resolvedCredentials ??= await DefaultAWSCredentialsIdentityResolver.GetCredentialsAsync().ConfigureAwait(false));
        var credentials = await source.GetCredentialsAsync().ConfigureAwait(false);
        var now = _clock.GetUtcNow();
        var expiry = ClampToCredentials(Expiry, now, source.Expiration);
        return Sign(Service, credentials, Region, now, expiry);
    }

    /// <summary>
    /// Signs a token with the given credentials, time and lifetime. Deterministic: the same inputs always give the
    /// same token. <see cref="GenerateAsync"/> is the usual entry point.
    /// </summary>
    /// <param name="service">The service the token is for.</param>
    /// <param name="credentials">The access key, secret key and, for temporary credentials, session token.</param>
    /// <param name="region">The region of the credential scope.</param>
    /// <param name="signedAt">The signing time; fractions of a second are dropped.</param>
    /// <param name="expiry">The lifetime, whole seconds from 1 second to 12 hours.</param>
    /// <exception cref="ArgumentOutOfRangeException">The expiry is out of range or not whole seconds.</exception>
    public static BearerToken Sign(BearerTokenService service, ImmutableCredentials credentials, string region, DateTimeOffset signedAt, TimeSpan expiry)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(credentials);
        ArgumentException.ThrowIfNullOrWhiteSpace(region);
        if (expiry < MinimumExpiry || expiry > MaximumExpiry || expiry.Ticks % TimeSpan.TicksPerSecond != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(expiry), expiry, "The expiry must be whole seconds from 1 second to 12 hours.");
        }

        var at = DateTimeOffset.FromUnixTimeSeconds(signedAt.ToUnixTimeSeconds());
        var expires = ((long)expiry.TotalSeconds).ToString(CultureInfo.InvariantCulture);

        var request = new DefaultRequest(new CallWithBearerTokenRequest(), service.SigningName)
        {
            HttpMethod = "POST",
            Endpoint = new Uri($"https://{service.Host}"),
            ResourcePath = "/",
            // A POST carries its parameters in the body unless told otherwise; these belong to the query string.
            UseQueryString = true,
        };
        request.Parameters["Action"] = "CallWithBearerToken";
        request.Parameters["X-Amz-Expires"] = expires;
        if (credentials.UseToken)
        {
            request.Parameters["X-Amz-Security-Token"] = credentials.Token;
        }

        // This overload takes the region and time explicitly and never consults the client configuration.
        var signed = AWS4PreSignedUrlSigner.SignRequest(
            request, null!, null, credentials.AccessKey, credentials.SecretKey, service.SigningName, region, at.UtcDateTime);
        var authParameters = signed.ForQueryParameters
            .Split('&')
            .Select(pair => pair.Split('=', 2))
            .ToDictionary(pair => pair[0], pair => pair[1], StringComparer.Ordinal);

        // Same parameter order as botocore's SigV4QueryAuth, so that the tokens match the Python SDKs' byte for byte.
        var url = new StringBuilder(service.Host).Append("/?Action=CallWithBearerToken");
        Append(url, "X-Amz-Algorithm", authParameters["X-Amz-Algorithm"]);
        Append(url, "X-Amz-Credential", authParameters["X-Amz-Credential"]);
        Append(url, "X-Amz-Date", authParameters["X-Amz-Date"]);
        Append(url, "X-Amz-Expires", expires);
        Append(url, "X-Amz-SignedHeaders", authParameters["X-Amz-SignedHeaders"]);
        if (credentials.UseToken)
        {
            Append(url, "X-Amz-Security-Token", AWSSDKUtils.UrlEncode(credentials.Token, false));
        }

        Append(url, "X-Amz-Signature", authParameters["X-Amz-Signature"]);
        url.Append("&Version=1");

        var value = service.TokenPrefix + Convert.ToBase64String(Encoding.UTF8.GetBytes(url.ToString()));
        return new BearerToken(value, region, at, at + expiry);
    }

    /// <summary>
    /// The lifetime a token signed at <paramref name="now"/> gets: the requested one, cut to the credentials'
    /// remaining life (whole seconds) when they expire.
    /// </summary>
    internal static TimeSpan ClampToCredentials(TimeSpan requested, DateTimeOffset now, DateTime? credentialsExpiration)
    {
        if (credentialsExpiration is not { } expiration)
        {
            return requested;
        }

        var expiresAt = new DateTimeOffset(DateTime.SpecifyKind(expiration.ToUniversalTime(), DateTimeKind.Utc));
        var signedAt = DateTimeOffset.FromUnixTimeSeconds(now.ToUnixTimeSeconds());
        var remaining = TimeSpan.FromSeconds(Math.Floor((expiresAt - signedAt).TotalSeconds));
        if (remaining < MinimumExpiry)
        {
            throw new CredentialsExpiredException(expiresAt);
        }

        return remaining < requested ? remaining : requested;
    }

    /// <summary>Whether <paramref name="region"/> is shaped like an AWS region name (<c>us-east-1</c>).</summary>
    internal static bool IsRegionName(string region) => Rules.AwsRegionRules.IsValid(region);

    private static void Append(StringBuilder url, string name, string encodedValue) =>
        url.Append('&').Append(name).Append('=').Append(encodedValue);

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();


    /// <summary>The SDK's request type is only a carrier here: the presigned request is never sent.</summary>
    private sealed class CallWithBearerTokenRequest : AmazonWebServiceRequest
    {
    }
}
