using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LlmHosting.TestSupport;

/// <summary>
/// How the scripted server answers one request: its status, the delay before the first output chunk, the delay
/// between output chunks, the number of output chunks (one token each, as vLLM streams them), whether it sends usage,
/// and whether it breaks the stream with an error event after the first chunk (as vLLM does when generation fails).
/// </summary>
internal sealed record ScriptStep(TimeSpan TimeToFirstToken, TimeSpan InterTokenLatency, int Tokens, int Status = 200, bool Usage = true, bool StreamError = false);

/// <summary>
/// A loopback OpenAI-compatible chat server for load tests, shaped like vLLM's streamed chat completions (a role chunk,
/// one chunk per token, a finish chunk, a usage chunk when <c>stream_options.include_usage</c> is asked for, then
/// <c>data: [DONE]</c>). The script decides each request's answer from the order of arrival (0, 1, 2...). Without
/// delays the whole answer is written at once, so that the server costs little next to the client it measures.
/// Used by the bench tests and by bench/FakeChatServer (scripts/bench-llmhost-bench).
/// </summary>
internal sealed class ScriptedChatServer : IAsyncDisposable
{
    public const int PromptTokens = 42;
    private static readonly byte[] Done = "data: [DONE]\n\n"u8.ToArray();

    private readonly WebApplication _app;
    private readonly Func<int, ScriptStep> _script;
    private int _requests = -1;
    private int _withoutBearerToken;
    private int _withoutUsageRequest;

    private ScriptedChatServer(Func<int, ScriptStep> script, int port)
    {
        _script = script;
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port));
        _app = builder.Build();
        _app.Run(AnswerAsync);
    }

    public Uri Root { get; private set; } = null!;

    /// <summary>A SageMaker-shaped base URL on this server.</summary>
    public Uri BaseUrl => new(Root, "/endpoints/fake/openai/v1");

    public int Requests => Volatile.Read(ref _requests) + 1;

    /// <summary>Requests whose Authorization was not a SageMaker bearer token.</summary>
    public int WithoutBearerToken => Volatile.Read(ref _withoutBearerToken);

    /// <summary>Requests that did not ask for usage in the stream or were not streamed.</summary>
    public int WithoutStreamedUsage => Volatile.Read(ref _withoutUsageRequest);

    public static async Task<ScriptedChatServer> StartAsync(Func<int, ScriptStep> script, int port = 0)
    {
        var server = new ScriptedChatServer(script, port);
        await server._app.StartAsync();
        server.Root = new Uri(server._app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task AnswerAsync(HttpContext context)
    {
        var step = _script(Interlocked.Increment(ref _requests));
        if (!context.Request.Headers.Authorization.ToString().StartsWith("Bearer sagemaker-api-key-", StringComparison.Ordinal))
        {
            Interlocked.Increment(ref _withoutBearerToken);
        }

        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body);
        var text = Encoding.UTF8.GetString(body.GetBuffer(), 0, (int)body.Length);
        if (!text.Contains("\"stream\":true", StringComparison.Ordinal) || !text.Contains("\"include_usage\":true", StringComparison.Ordinal))
        {
            Interlocked.Increment(ref _withoutUsageRequest);
        }

        if (step.Status != 200)
        {
            context.Response.StatusCode = step.Status;
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync($"{{\"error\":{{\"message\":\"scripted failure {step.Status}\",\"type\":\"ScriptedError\",\"code\":{step.Status}}}}}");
            return;
        }

        context.Response.ContentType = "text/event-stream";
        var response = context.Response.Body;
        if (step.TimeToFirstToken == TimeSpan.Zero && step.InterTokenLatency == TimeSpan.Zero && !step.StreamError)
        {
            await response.WriteAsync(WholeAnswer(step.Tokens, step.Usage), context.RequestAborted);
            return;
        }

        await response.WriteAsync(Chunk("{\"role\":\"assistant\",\"content\":\"\"}", "null"), context.RequestAborted);
        await response.FlushAsync(context.RequestAborted);
        await Task.Delay(step.TimeToFirstToken, context.RequestAborted);
        for (var token = 0; token < step.Tokens; token++)
        {
            if (token > 0)
            {
                await Task.Delay(step.InterTokenLatency, context.RequestAborted);
            }

            await response.WriteAsync(Chunk("{\"content\":\" word\"}", "null"), context.RequestAborted);
            await response.FlushAsync(context.RequestAborted);
            if (step.StreamError)
            {
                await response.WriteAsync(Encoding.UTF8.GetBytes("data: {\"error\":{\"message\":\"scripted failure part-way\",\"type\":\"InternalServerError\",\"code\":500}}\n\n"), context.RequestAborted);
                await response.WriteAsync(Done, context.RequestAborted);
                return;
            }
        }

        await response.WriteAsync(Ending(step.Tokens, step.Usage), context.RequestAborted);
    }

    private static readonly Dictionary<(int, bool), byte[]> Answers = [];

    private static byte[] WholeAnswer(int tokens, bool usage)
    {
        lock (Answers)
        {
            if (!Answers.TryGetValue((tokens, usage), out var answer))
            {
                var bytes = new List<byte>(Chunk("{\"role\":\"assistant\",\"content\":\"\"}", "null"));
                for (var i = 0; i < tokens; i++)
                {
                    bytes.AddRange(Chunk("{\"content\":\" word\"}", "null"));
                }

                bytes.AddRange(Ending(tokens, usage));
                Answers[(tokens, usage)] = answer = [.. bytes];
            }

            return answer;
        }
    }

    private static byte[] Ending(int tokens, bool usage) => Encoding.UTF8.GetBytes(
        Encoding.UTF8.GetString(Chunk("{}", "\"length\""))
        + (usage ? $"data: {{\"id\":\"chatcmpl-scripted\",\"object\":\"chat.completion.chunk\",\"created\":1767225600,\"model\":\"fake\",\"choices\":[],\"usage\":{{\"prompt_tokens\":{PromptTokens},\"total_tokens\":{PromptTokens + tokens},\"completion_tokens\":{tokens}}}}}\n\n" : string.Empty)
        + "data: [DONE]\n\n");

    private static byte[] Chunk(string delta, string finishReason) => Encoding.UTF8.GetBytes(
        $"data: {{\"id\":\"chatcmpl-scripted\",\"object\":\"chat.completion.chunk\",\"created\":1767225600,\"model\":\"fake\",\"choices\":[{{\"index\":0,\"delta\":{delta},\"logprobs\":null,\"finish_reason\":{finishReason}}}]}}\n\n");
}
