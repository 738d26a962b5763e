using System.ClientModel.Primitives;
using LlmHosting.Client;
using OpenAI;
using OpenAI.Chat;

namespace LlmHosting.Cli.Commands.Bench;

/// <summary>
/// The endpoint a benchmark calls, resolved the way <c>llmhost chat</c> resolves it: a model of an environment's model
/// directory by name (any kind; the client library's <see cref="ModelClients"/> makes its credential), or a SageMaker
/// <c>/openai/v1</c> base URL with a SageMaker bearer token for its region. Both clients share one connection pool.
/// </summary>
internal sealed class BenchTarget : IDisposable
{
    private readonly HttpClient _http;

    private BenchTarget(HttpClient http) => _http = http;

    /// <summary>The client of the measured requests: no retries of any kind, so that each result is one attempt.</summary>
    public ChatClient Client { get; private init; } = null!;

    /// <summary>The client of the warm-up requests: it waits for a cold model within the timeout, as chat does.</summary>
    public ChatClient WarmupClient { get; private init; } = null!;

    public required Uri Url { get; init; }
    public required string Region { get; init; }

    /// <summary>The <c>model</c> value sent.</summary>
    public required string ModelId { get; init; }

    /// <summary>What the report calls the model: its directory name, or the served name.</summary>
    public required string Name { get; init; }

    /// <summary>What access denied means for this door (see <see cref="DirectoryChat"/>); null: SageMaker's permissions.</summary>
    public string? AccessNeeded { get; init; }

    /// <summary>Whether the server is vLLM as far as we know (SageMaker kinds and --base-url), which reads <c>ignore_eos</c>.</summary>
    public required bool IsVllm { get; init; }

    public static async Task<BenchTarget> ResolveAsync(BenchRequest request, TimeSpan timeout, ClientDependencies dependencies, CancellationToken cancellationToken)
    {
        var http = CreateHttpClient(timeout);
        try
        {
            return request.UsesDirectory
                ? await FromDirectoryAsync(request, timeout, http, dependencies, cancellationToken)
                : await FromBaseUrlAsync(request, timeout, http, dependencies, cancellationToken);
        }
        catch
        {
            http.Dispose();
            throw;
        }
    }

    public void Dispose() => _http.Dispose();

    private static async Task<BenchTarget> FromDirectoryAsync(BenchRequest request, TimeSpan timeout, HttpClient http, ClientDependencies dependencies, CancellationToken cancellationToken)
    {
        var directory = await DirectoryLocator.LoadAsync(request.Directory, request.OutputsFile, request.Environment, dependencies, cancellationToken);
        ModelEntry model;
        try
        {
            model = directory.Get(request.Model!);
        }
        catch (UnknownModelException e)
        {
            throw new CliException(e.Message);
        }

        // Sign once before sending, so that missing or expired credentials are reported as such (as chat does).
        var service = model.Auth == ModelAuth.SageMakerBearerToken ? BearerTokenService.SageMaker : BearerTokenService.Bedrock;
        await ChatCommand.GenerateTokenAsync(ChatCommand.CreateGenerator(model.Region, dependencies, service: service), cancellationToken);
        ModelClientOptions Options(ColdStartRetryOptions coldStart) => new() { Credentials = dependencies.Credentials, TimeProvider = dependencies.Clock, ColdStart = coldStart };
        return new BenchTarget(http)
        {
            Client = ModelClients.CreateChatClient(model, Options(new ColdStartRetryOptions { MaxRetries = 0, TransientRetries = 0 }), ClientOptions(http, timeout)),
            WarmupClient = ModelClients.CreateChatClient(
                model, Options(new ColdStartRetryOptions { MaxElapsed = timeout, InitialDelay = dependencies.ColdStartDelay, TransientRetries = 0 }), ClientOptions(http, timeout)),
            Url = (model.ChatCompletionsBaseUrl ?? model.RuntimeEndpoint)!,
            Region = model.Region,
            ModelId = model.ModelId,
            Name = model.Name,
            AccessNeeded = DirectoryChat.AccessNeeded(model, responses: false),
            IsVllm = model.Kind.IsSageMaker,
        };
    }

    private static async Task<BenchTarget> FromBaseUrlAsync(BenchRequest request, TimeSpan timeout, HttpClient http, ClientDependencies dependencies, CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(request.BaseUrl, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp))
        {
            throw new CliException($"--base-url '{request.BaseUrl}' is not an http(s) URL such as https://runtime.sagemaker.us-east-1.amazonaws.com/endpoints/<endpoint>/openai/v1.");
        }

        var region = dependencies.ResolveRegion(request.Region, url);
        var generator = ChatCommand.CreateGenerator(region, dependencies);
        await ChatCommand.GenerateTokenAsync(generator, cancellationToken);
        var client = SageMakerOpenAi.CreateChatClient(url, request.Model!, generator, ClientOptions(http, timeout));
        return new BenchTarget(http)
        {
            Client = client,
            WarmupClient = client,
            Url = url,
            Region = region,
            ModelId = request.Model!,
            Name = request.Model!,
            IsVllm = true,
        };
    }

    private static OpenAIClientOptions ClientOptions(HttpClient http, TimeSpan timeout) => new()
    {
        Transport = new HttpClientPipelineTransport(http),
        NetworkTimeout = timeout,
        RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
    };

    /// <summary>
    /// One pool of connections for the whole run: kept open between requests (HTTP/1.1 keep-alive, as many as are in
    /// flight), no redirects, connecting within the request timeout.
    /// </summary>
    private static HttpClient CreateHttpClient(TimeSpan timeout) => new(new SocketsHttpHandler
    {
        AllowAutoRedirect = false,
        ConnectTimeout = timeout,
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(2),
    })
    {
        Timeout = Timeout.InfiniteTimeSpan,
    };
}
