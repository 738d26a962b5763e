using System.ClientModel;
using System.ClientModel.Primitives;
using System.CommandLine;
using System.Net.Sockets;
using Amazon.Runtime;
using LlmHosting.Client;
using OpenAI;
using OpenAI.Chat;

namespace LlmHosting.Cli.Commands;

/// <summary>
/// <c>llmhost chat</c>: sends one prompt to a deployed model and streams the answer to standard output. With a model
/// directory (<c>--env</c> and <c>--model</c>, or <c>--directory</c>) it calls any kind of model by its name
/// (see <see cref="DirectoryChat"/>); with <c>--base-url</c> or <c>--target</c> it calls a SageMaker <c>/openai/v1</c>
/// path with a fresh SageMaker bearer token.
/// </summary>
internal static class ChatCommand
{
    /// <summary>
    /// The model name sent when neither --model nor a <c>...ServedModelName</c> stack output gives one: vLLM serves a
    /// model under its path unless <c>SM_VLLM_SERVED_MODEL_NAME</c> says otherwise, and the app loads weights from
    /// S3 with <c>SM_VLLM_MODEL=/opt/ml/model</c>.
    /// </summary>
    public const string DefaultModel = "/opt/ml/model";

    /// <summary>Default --timeout in seconds: long enough for a cold model to answer a short prompt.</summary>
    public const int DefaultTimeoutSeconds = 120;

    public const string DefaultOutputsFile = "cdk-outputs.json";

    public static Command Create() => Create(new ClientDependencies());

    internal static Command Create(ClientDependencies dependencies)
    {
        var prompt = new Argument<string?>("prompt")
        {
            Description = "The prompt. Default: read from standard input (e.g. echo 'Hi' | llmhost chat ...).",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var baseUrl = new Option<string?>("--base-url")
        {
            Description = "The endpoint's or inference component's OpenAI base URL, "
                + "https://runtime.sagemaker.<region>.amazonaws.com/endpoints/<endpoint>[/inference-components/<component>]/openai/v1.",
        };
        var outputsFile = new Option<string?>("--outputs-file")
        {
            Description = $"The file written by `cdk deploy --outputs-file`; its stack outputs ending with '{StackOutputs.BaseUrlSuffix}' are the base URLs. Default: {DefaultOutputsFile} when --base-url is not given.",
        };
        var environment = new Option<string?>("--env")
        {
            Description = "The environment (dev, staging, prod...). With --model: the model of that name in the environment's model directory "
                + $"({DefaultOutputsFile}, else the SSM parameter /<namePrefix>/model-directory). With --target: only the stack of this environment.",
        };
        var directory = new Option<string?>("--directory")
        {
            Description = "A model directory file; --model names the model to call.",
        };
        var api = new Option<string>("--api")
        {
            Description = "With a model directory: chat (Chat Completions, every kind) or responses (the Responses API, where the directory offers it).",
            DefaultValueFactory = _ => "chat",
        };
        api.AcceptOnlyFromAmong("chat", "responses");
        var target = new Option<string?>("--target")
        {
            Description = "With an outputs file: only the base URL whose output name or URL contains this text, when there are several.",
        };
        var region = new Option<string?>("--region")
        {
            Description = "The region to sign the token for. Default: the region in the base URL's host, else AWS_REGION.",
        };
        var model = new Option<string?>("--model")
        {
            Description = "With --env or --directory: the model's name in the directory (llmhost models lists them). "
                + $"Otherwise the model name the server serves; default: the stack output '<name>{StackOutputs.ServedModelNameSuffix}' next to the base URL, else {DefaultModel} (vLLM's name for weights loaded from S3 unless SM_VLLM_SERVED_MODEL_NAME is set).",
        };
        var reasoningEffort = new Option<string?>("--reasoning-effort")
        {
            Description = "How hard a reasoning model (gpt-oss, Qwen3) thinks before answering. Default: the model's own.",
        };
        reasoningEffort.AcceptOnlyFromAmong("low", "medium", "high");
        var maxTokens = new Option<int?>("--max-tokens")
        {
            Description = "The most tokens the answer may have. Default: the server's limit.",
        };
        var timeout = new Option<int>("--timeout")
        {
            Description = "Seconds to wait for the whole answer, 1 to 3600.",
            DefaultValueFactory = _ => DefaultTimeoutSeconds,
        };

        var command = new Command("chat", "Send a prompt to a deployed model through its OpenAI-compatible API and stream the answer.")
        {
            prompt, baseUrl, outputsFile, environment, directory, target, region, model, api, reasoningEffort, maxTokens, timeout,
        };
        command.Validators.Add(result =>
        {
            if (result.GetValue(baseUrl) is not null && (result.GetValue(outputsFile) is not null || result.GetValue(environment) is not null || result.GetValue(target) is not null))
            {
                result.AddError("Pass either --base-url or --outputs-file (with --env/--target), not both.");
            }

            if (result.GetValue(directory) is not null && (result.GetValue(baseUrl) is not null || result.GetValue(environment) is not null || result.GetValue(outputsFile) is not null || result.GetValue(target) is not null))
            {
                result.AddError("Pass --directory alone (with --model), without --base-url, --env, --outputs-file or --target.");
            }
        });

        command.SetAction(async (parse, cancellationToken) =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            var request = new ChatRequest
            {
                Prompt = parse.GetValue(prompt),
                BaseUrl = parse.GetValue(baseUrl),
                OutputsFile = parse.GetValue(outputsFile),
                Environment = parse.GetValue(environment),
                Directory = parse.GetValue(directory),
                Api = parse.GetValue(api)!,
                Target = parse.GetValue(target),
                Region = parse.GetValue(region),
                Model = parse.GetValue(model),
                ReasoningEffort = parse.GetValue(reasoningEffort),
                MaxTokens = parse.GetValue(maxTokens),
                TimeoutSeconds = parse.GetValue(timeout),
            };
            try
            {
                await RunAsync(request, dependencies, output, cancellationToken);
                return ExitCodes.Success;
            }
            catch (CliException e)
            {
                await error.WriteLineAsync("error: " + e.Message);
                return e.ExitCode;
            }
        });
        return command;
    }

    private static async Task RunAsync(ChatRequest request, ClientDependencies dependencies, TextWriter output, CancellationToken cancellationToken)
    {
        if (request.TimeoutSeconds is < 1 or > 3600)
        {
            throw new CliException($"--timeout {request.TimeoutSeconds} must be from 1 to 3600 seconds.");
        }

        if (request.MaxTokens is < 1)
        {
            throw new CliException($"--max-tokens {request.MaxTokens} must be at least 1.");
        }

        if (request.UsesDirectory)
        {
            await DirectoryChat.RunAsync(request, dependencies, output, cancellationToken);
            return;
        }

        if (request.Api != "chat")
        {
            throw new CliException("--api responses needs a model directory: pass --env <environment> --model <name>, or --directory <file> --model <name>.");
        }

        var (url, servedModel) = ResolveTarget(request, dependencies);
        var model = request.Model ?? servedModel ?? DefaultModel;
        var region = dependencies.ResolveRegion(request.Region, url);
        var prompt = ReadPrompt(request.Prompt, dependencies);

        var generator = CreateGenerator(region, dependencies);
        // Sign once before sending, so that missing or expired credentials are reported as such.
        await GenerateTokenAsync(generator, cancellationToken);

        var options = new OpenAIClientOptions
        {
            NetworkTimeout = request.Timeout,
            // A smoke test reports throttling instead of hiding it behind retries.
            RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
        };
        var client = SageMakerOpenAi.CreateChatClient(url, model, generator, options);
        await ChatAnswer.WriteStreamAsync(
            deadline => ChatAnswer.TextOf(client.CompleteChatStreamingAsync([new UserChatMessage(prompt)], ChatAnswer.CompletionOptions(request), deadline)),
            e => ChatErrors.Explain(e, url, region, model, request.Timeout), request.Timeout, output, cancellationToken);
    }

    internal static BearerTokenGenerator CreateGenerator(string region, ClientDependencies dependencies, TimeSpan? expiry = null, BearerTokenService? service = null)
    {
        try
        {
            return new BearerTokenGenerator(new BearerTokenGeneratorOptions
            {
                Service = service ?? BearerTokenService.SageMaker,
                Region = region,
                Credentials = dependencies.Credentials,
                TimeProvider = dependencies.Clock,
                Expiry = expiry ?? BearerTokenGenerator.MaximumExpiry,
            });
        }
        catch (ArgumentException e)
        {
            throw new CliException(e.Message);
        }
    }

    internal static async Task<BearerToken> GenerateTokenAsync(BearerTokenGenerator generator, CancellationToken cancellationToken)
    {
        try
        {
            return await generator.GenerateAsync(cancellationToken);
        }
        catch (CredentialsExpiredException e)
        {
            throw new CliException(ChatErrors.ExpiredCredentials(e.ExpiredAt));
        }
        catch (AmazonClientException e)
        {
            throw new CliException(ChatErrors.MissingCredentials(e));
        }
    }

    private static (Uri Url, string? ServedModel) ResolveTarget(ChatRequest request, ClientDependencies dependencies)
    {
        if (request.BaseUrl is { } text)
        {
            if (!Uri.TryCreate(text, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp))
            {
                throw new CliException($"--base-url '{text}' is not an http(s) URL such as https://runtime.sagemaker.us-east-1.amazonaws.com/endpoints/<endpoint>/openai/v1.");
            }

            return (url, null);
        }

        var file = request.OutputsFile ?? DefaultOutputsFile;
        var path = Path.Combine(dependencies.WorkingDirectory, file);
        if (request.OutputsFile is null && !File.Exists(path))
        {
            throw new CliException($"Nothing to call: pass --base-url <url>, or --outputs-file <file> written by `cdk deploy --outputs-file {DefaultOutputsFile}`.");
        }

        var chosen = StackOutputs.Select(path, request.Environment, request.Target, Path.Combine(dependencies.WorkingDirectory, "cdk", "config"));
        return (chosen.BaseUrl, chosen.ServedModelName);
    }

    internal static string ReadPrompt(string? argument, ClientDependencies dependencies)
    {
        var prompt = argument ?? dependencies.Stdin()?.ReadToEnd();
        return string.IsNullOrWhiteSpace(prompt)
            ? throw new CliException("No prompt: pass it as an argument (llmhost chat \"Hello\") or on standard input.")
            : prompt.Trim();
    }
}
