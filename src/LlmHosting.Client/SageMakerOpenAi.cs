using System.ClientModel;
using System.ClientModel.Primitives;
using System.Text.RegularExpressions;
using OpenAI;
using OpenAI.Chat;

namespace LlmHosting.Client;

/// <summary>
/// The OpenAI-compatible path of SageMaker endpoints and inference components, and an OpenAI
/// <see cref="ChatClient"/> that calls it with fresh bearer tokens.
/// </summary>
public static partial class SageMakerOpenAi
{
    private const string ApiKeyPlaceholder = "replaced-by-a-bearer-token-on-every-request";

    /// <summary>
    /// The <c>/openai/v1</c> base URL of an endpoint, or of one inference component on it:
    /// <c>https://runtime.sagemaker.&lt;region&gt;.&lt;suffix&gt;/endpoints/&lt;endpoint&gt;[/inference-components/&lt;component&gt;]/openai/v1</c>.
    /// </summary>
    /// <param name="region">The endpoint's region, e.g. <c>us-east-1</c>.</param>
    /// <param name="endpointName">The endpoint name.</param>
    /// <param name="inferenceComponentName">The inference component; default: none, the endpoint's own model.</param>
    /// <param name="domainSuffix">Default: <c>amazonaws.com</c> (<c>amazonaws.com.cn</c> in China regions).</param>
    public static Uri BaseUrl(string region, string endpointName, string? inferenceComponentName = null, string domainSuffix = "amazonaws.com")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(region);
        ArgumentException.ThrowIfNullOrWhiteSpace(endpointName);
        var component = inferenceComponentName is null ? string.Empty : $"/inference-components/{Uri.EscapeDataString(inferenceComponentName)}";
        return new Uri($"https://runtime.sagemaker.{region}.{domainSuffix}/endpoints/{Uri.EscapeDataString(endpointName)}{component}/openai/v1");
    }

    /// <summary>
    /// Reads the region from a SageMaker runtime host (<c>runtime.sagemaker.&lt;region&gt;.amazonaws.com</c>).
    /// </summary>
    /// <returns>The region, or null when the host is not a SageMaker runtime host (e.g. a proxy or a local server).</returns>
    public static string? RegionOf(Uri baseUrl)
    {
        ArgumentNullException.ThrowIfNull(baseUrl);
        var match = RuntimeHost().Match(baseUrl.Host);
        return match.Success ? match.Groups["region"].Value : null;
    }

    /// <summary>
    /// Creates an OpenAI chat client for a SageMaker <c>/openai/v1</c> base URL that signs a bearer token for
    /// its requests (reusing it while it has plenty of life left).
    /// </summary>
    /// <param name="baseUrl">The endpoint's or component's <c>/openai/v1</c> URL, see <see cref="BaseUrl"/>.</param>
    /// <param name="model">
    /// The model name the server knows. vLLM serves a model under <c>SM_VLLM_SERVED_MODEL_NAME</c> when set, else
    /// under its path (<c>/opt/ml/model</c> for weights from S3) or Hugging Face id.
    /// </param>
    /// <param name="generator">
    /// Makes the tokens. Default: SageMaker tokens for the region of <paramref name="baseUrl"/> (else
    /// <c>AWS_REGION</c>), 12 hours, default credential chain.
    /// </param>
    /// <param name="options">Client options (timeout, retries, transport); its <c>Endpoint</c> is set to <paramref name="baseUrl"/>.</param>
    public static ChatClient CreateChatClient(Uri baseUrl, string model, BearerTokenGenerator? generator = null, OpenAIClientOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(baseUrl);
        ArgumentException.ThrowIfNullOrWhiteSpace(model);
        generator ??= new BearerTokenGenerator(new BearerTokenGeneratorOptions { Region = RegionOf(baseUrl) });
        options ??= new OpenAIClientOptions();
        options.Endpoint = baseUrl;
        // The SDK insists on an API key and sends it before the policies added just in front of the transport; the
        // bearer token policy there replaces it on every attempt, so the placeholder never leaves the process.
        // (The constructor taking an AuthenticationPolicy directly is still marked experimental in OpenAI 2.x.)
        options.AddPolicy(new BearerTokenPipelinePolicy(new BearerTokenCache(generator)), PipelinePosition.BeforeTransport);
        return new ChatClient(model, new ApiKeyCredential(ApiKeyPlaceholder), options);
    }

    [GeneratedRegex(@"^runtime\.sagemaker\.(?<region>[a-z]{2}(-[a-z]+)+-[0-9]+)\.amazonaws\.com(\.cn)?$", RegexOptions.IgnoreCase)]
    private static partial Regex RuntimeHost();
}
