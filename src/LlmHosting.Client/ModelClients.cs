using System.ClientModel;
using System.ClientModel.Primitives;
using System.Diagnostics.CodeAnalysis;
using OpenAI;
using OpenAI.Chat;
using OpenAI.Responses;

namespace LlmHosting.Client;

/// <summary>
/// Makes OpenAI clients for the models of a <see cref="ModelDirectory"/>, so that an application switches models by
/// name: each client gets the entry's base URL and <c>model</c>, and an auto-refreshing credential of the entry's
/// kind (a SageMaker bearer token, a Bedrock short-term API key, or a SigV4 signature for service <c>bedrock</c>, and
/// <c>bedrock-mantle</c> on Mantle's Responses API).
/// Imported Bedrock models, which have no <c>/openai/v1</c> path, are served through the same <see cref="ChatClient"/>
/// by mapping chat completions to <c>InvokeModel</c>. Models that may be cold get patient retries
/// (<see cref="ColdStartRetryOptions"/>).
/// </summary>
/// <remarks>
/// Reasoning effort reaches every door through the OpenAI SDK's typed options: <c>ChatCompletionOptions.ReasoningEffortLevel</c>
/// sends Chat Completions' <c>reasoning_effort</c>, which vLLM, Bedrock runtime's <c>/openai/v1</c> path and the
/// <c>InvokeModel</c> body of OpenAI-format models all read (AWS Bedrock user guide, "OpenAI models": the request body
/// of InvokeModel and Chat Completions takes the fields of OpenAI's Create chat completion); the Responses API takes
/// <c>reasoning.effort</c> (<c>CreateResponseOptions.ReasoningOptions.ReasoningEffortLevel</c>).
/// </remarks>
public static class ModelClients
{
    private const string ApiKeyPlaceholder = "replaced-by-a-fresh-credential-on-every-request";

    // Bedrock runtime's signing name (botocore bedrock-runtime metadata.signingName).
    private const string BedrockSigningName = "bedrock";

    // Mantle is its own service: IAM prefix bedrock-mantle (Service Authorization Reference; cfn-lint's Policies.json),
    // and OpenAI's SDKs sign Mantle requests for service bedrock-mantle (openai-go bedrock/auth.go and its SigV4
    // fixture testdata/sigv4.json). The Bedrock User Guide names no signing name for Mantle: UNCONFIRMED by AWS documentation.
    private const string MantleSigningName = "bedrock-mantle";

    /// <summary>Creates a chat client for the model named <paramref name="name"/> in <paramref name="directory"/>.</summary>
    /// <exception cref="UnknownModelException">The directory has no such model; the message lists the names it has.</exception>
    /// <inheritdoc cref="CreateChatClient(ModelEntry, ModelClientOptions?, OpenAIClientOptions?)" path="/param"/>
    public static ChatClient CreateChatClient(ModelDirectory directory, string name, ModelClientOptions? options = null, OpenAIClientOptions? clientOptions = null)
    {
        ArgumentNullException.ThrowIfNull(directory);
        return CreateChatClient(directory.Get(name), options, clientOptions);
    }

    /// <summary>Creates a chat client for a model of a directory, whatever its kind.</summary>
    /// <param name="model">The model, e.g. <c>directory.Get("gpt-oss-20b")</c>.</param>
    /// <param name="options">Credentials, clock, token lifetime, cold-start retries. Default: <see cref="ModelClientOptions"/>' defaults.</param>
    /// <param name="clientOptions">OpenAI client options (timeout, transport...); its <c>Endpoint</c> is set from the entry.</param>
    public static ChatClient CreateChatClient(ModelEntry model, ModelClientOptions? options = null, OpenAIClientOptions? clientOptions = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        options ??= new ModelClientOptions();
        clientOptions ??= new OpenAIClientOptions();
        if (model.Kind == ModelKind.BedrockImported)
        {
            clientOptions.Endpoint = model.RuntimeEndpoint ?? throw MissingUrl(model, "runtimeEndpoint");
            clientOptions.AddPolicy(new InvokeModelPipelinePolicy(model.RuntimeEndpoint, model.ModelId), PipelinePosition.BeforeTransport);
        }
        else
        {
            clientOptions.Endpoint = model.ChatCompletionsBaseUrl ?? throw MissingUrl(model, "chatCompletionsBaseUrl");
        }

        Configure(model, options, clientOptions, BedrockSigningName);
        return new ChatClient(model.ModelId, new ApiKeyCredential(ApiKeyPlaceholder), clientOptions);
    }

    /// <summary>
    /// Creates a Responses API client for a model whose door offers it (Bedrock on-demand models on the Mantle
    /// endpoint). The Responses API takes the model per request: pass <see cref="ModelEntry.ResponsesModel"/>, Mantle's
    /// name of the model (<c>openai.gpt-oss-120b</c>), which is not always <see cref="ModelEntry.ModelId"/>.
    /// </summary>
    /// <param name="model">The model; its <see cref="ModelEntry.ResponsesBaseUrl"/> must be set.</param>
    /// <param name="options">Credentials, clock, token lifetime, cold-start retries.</param>
    /// <param name="clientOptions">Responses client options; its <c>Endpoint</c> is set from the entry.</param>
    /// <exception cref="NotSupportedException">The model's door offers no Responses API.</exception>
    [Experimental("OPENAI001")]
    public static ResponsesClient CreateResponsesClient(ModelEntry model, ModelClientOptions? options = null, ResponsesClientOptions? clientOptions = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        options ??= new ModelClientOptions();
        clientOptions ??= new ResponsesClientOptions();
        clientOptions.Endpoint = model.ResponsesBaseUrl ?? throw new NotSupportedException(
            $"Model {model.Name} ({model.Kind}) offers no Responses API: only Bedrock on-demand models with a responsesBaseUrl (Bedrock's Mantle endpoint) do. Use chat completions.");
        Configure(model, options, clientOptions, MantleSigningName);
        return new ResponsesClient(new ApiKeyCredential(ApiKeyPlaceholder), clientOptions);
    }

    private static void Configure(ModelEntry model, ModelClientOptions options, ClientPipelineOptions clientOptions, string signingName)
    {
        ArgumentNullException.ThrowIfNull(options.TimeProvider);
        ArgumentNullException.ThrowIfNull(options.ColdStart);
        options.ColdStart.Validate();
        if (model.MayBeCold)
        {
            clientOptions.RetryPolicy = new ColdStartRetryPolicy(model, options.ColdStart, options.TimeProvider);
        }

        // Added in front of the transport, after the SDK's own key policy and after any InvokeModel mapping, so that
        // the credential is made for the request as it is finally sent, on every attempt.
        clientOptions.AddPolicy(AuthenticationPolicy(model, options, signingName), PipelinePosition.BeforeTransport);
    }

    private static PipelinePolicy AuthenticationPolicy(ModelEntry model, ModelClientOptions options, string signingName)
    {
        if (model.Auth == ModelAuth.SigV4)
        {
            return new SigV4PipelinePolicy(signingName, model.Region, options.Credentials, options.TimeProvider);
        }

        // Mantle takes "your Bedrock API key" (Bedrock User Guide, "Inference using Responses API", bedrock-mantle) and
        // documents no key of its own, so the same bedrock-api-key- token serves both doors; that Mantle accepts a
        // short-term key is UNCONFIRMED (see the README). Its identity also needs bedrock-mantle:CallWithBearerToken.
        var generator = new BearerTokenGenerator(new BearerTokenGeneratorOptions
        {
            Service = model.Auth == ModelAuth.BedrockApiKey ? BearerTokenService.Bedrock : BearerTokenService.SageMaker,
            Region = model.Region,
            Credentials = options.Credentials,
            TimeProvider = options.TimeProvider,
            Expiry = options.TokenExpiry,
        });
        return new BearerTokenPipelinePolicy(new BearerTokenCache(generator));
    }

    private static ArgumentException MissingUrl(ModelEntry model, string field) =>
        new($"Model {model.Name} ({model.Kind}) has no {field}.", nameof(model));
}
