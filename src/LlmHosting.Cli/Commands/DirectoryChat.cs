using System.ClientModel.Primitives;
using System.Runtime.CompilerServices;
using LlmHosting.Client;
using OpenAI;
using OpenAI.Chat;
using OpenAI.Responses;

namespace LlmHosting.Cli.Commands;

/// <summary>
/// <c>llmhost chat</c> with a model directory: picks the model by name and calls it through the client library, so
/// that every kind works the same way (SageMaker endpoints and components, Bedrock on-demand and imported models).
/// A model that may be cold is retried while it starts, within <c>--timeout</c>.
/// </summary>
internal static class DirectoryChat
{
    public static async Task RunAsync(ChatRequest request, ClientDependencies dependencies, TextWriter output, CancellationToken cancellationToken)
    {
        if (request.Model is null)
        {
            throw new CliException("Which model? Pass --model <name>; `llmhost models` lists the names of the directory.");
        }

        if (request.Region is not null)
        {
            throw new CliException("--region does not apply with a model directory: each model's region comes from the directory.");
        }

        var directory = await DirectoryLocator.LoadAsync(request.Directory, request.OutputsFile, request.Environment, dependencies, cancellationToken);
        ModelEntry model;
        try
        {
            model = directory.Get(request.Model);
        }
        catch (UnknownModelException e)
        {
            throw new CliException(e.Message);
        }

        var responses = request.Api == "responses";
        if (responses && model.ResponsesBaseUrl is null)
        {
            throw new CliException($"Model {model.Name} ({model.Kind}) offers no Responses API: only Bedrock on-demand models with a responsesBaseUrl do. Use --api chat.");
        }

        var prompt = ChatCommand.ReadPrompt(request.Prompt, dependencies);
        // Sign once before sending, so that missing or expired credentials are reported as such.
        var service = model.Auth == ModelAuth.SageMakerBearerToken ? BearerTokenService.SageMaker : BearerTokenService.Bedrock;
        await ChatCommand.GenerateTokenAsync(ChatCommand.CreateGenerator(model.Region, dependencies, service: service), cancellationToken);

        var options = new ModelClientOptions
        {
            Credentials = dependencies.Credentials,
            TimeProvider = dependencies.Clock,
            // A cold model is worth waiting for within --timeout; throttling is reported, not hidden behind retries.
            ColdStart = new ColdStartRetryOptions { MaxElapsed = request.Timeout, InitialDelay = dependencies.ColdStartDelay, TransientRetries = 0 },
        };
        var url = (responses ? model.ResponsesBaseUrl : model.ChatCompletionsBaseUrl ?? model.RuntimeEndpoint)!;
        IAsyncEnumerable<string> Answer(CancellationToken deadline) => responses
            ? ResponseText(model, prompt, request, options, deadline)
            : ChatAnswer.TextOf(ModelClients.CreateChatClient(model, options, Configure(new OpenAIClientOptions(), request))
                .CompleteChatStreamingAsync([new UserChatMessage(prompt)], ChatAnswer.CompletionOptions(request), deadline));
        var modelId = responses ? model.ResponsesModel : model.ModelId;
        await ChatAnswer.WriteStreamAsync(
            Answer, e => ChatErrors.Explain(e, url, model.Region, modelId, request.Timeout, AccessNeeded(model, responses)), request.Timeout, output, cancellationToken);
    }

#pragma warning disable OPENAI001 // The Responses API is experimental in OpenAI 2.x; the package version is pinned centrally.
    private static async IAsyncEnumerable<string> ResponseText(
        ModelEntry model, string prompt, ChatRequest request, ModelClientOptions options, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var client = ModelClients.CreateResponsesClient(model, options, Configure(new ResponsesClientOptions(), request));
        // Mantle's name of the model (openai.gpt-oss-120b), not Bedrock runtime's (openai.gpt-oss-120b-1:0).
        var create = new CreateResponseOptions { Model = model.ResponsesModel, StreamingEnabled = true, MaxOutputTokenCount = request.MaxTokens };
        create.InputItems.Add(ResponseItem.CreateUserMessageItem(prompt));
        if (request.ReasoningEffort is not null)
        {
            // The Responses API takes reasoning.effort (OpenAI API reference, Responses: reasoning.effort).
            create.ReasoningOptions = new ResponseReasoningOptions { ReasoningEffortLevel = new ResponseReasoningEffortLevel(request.ReasoningEffort) };
        }

        await foreach (var update in await client.CreateResponseStreamingAsync(create, cancellationToken))
        {
            switch (update)
            {
                case StreamingResponseOutputTextDeltaUpdate delta:
                    yield return delta.Delta;
                    break;
                case StreamingResponseErrorUpdate error:
                    throw new CliException($"The model's stream failed: {error.Message} ({error.Code}).", ExitCodes.RequestFailed);
                case StreamingResponseFailedUpdate failed:
                    throw new CliException($"The response failed: {failed.Response.Error?.Message ?? "no reason given"}.", ExitCodes.RequestFailed);
            }
        }
    }
#pragma warning restore OPENAI001

    private static T Configure<T>(T options, ChatRequest request)
        where T : ClientPipelineOptions
    {
        options.NetworkTimeout = request.Timeout;
        options.RetryPolicy = new ClientRetryPolicy(maxRetries: 0);
        return options;
    }

    internal static string? AccessNeeded(ModelEntry model, bool responses) => model.Kind.IsSageMaker
        ? null
        : responses
            // Mantle is authorized by its own actions (Bedrock User Guide, "Making inference requests", bedrock-mantle endpoint).
            ? "the identity needs bedrock-mantle:CreateInference on the account's Mantle projects in " + model.Region
                + (model.Auth == ModelAuth.BedrockApiKey ? " and bedrock-mantle:CallWithBearerToken (Resource \"*\")" : string.Empty)
                + $", and Mantle must serve {model.ResponsesModel} in {model.Region}"
            : "the identity needs bedrock:InvokeModel and bedrock:InvokeModelWithResponseStream on the model"
                + (model.Auth == ModelAuth.BedrockApiKey ? " and bedrock:CallWithBearerToken (Resource \"*\")" : string.Empty)
                + $", and the model must be offered to the account in {model.Region}";
}
