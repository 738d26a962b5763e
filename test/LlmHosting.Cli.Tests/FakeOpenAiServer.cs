using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Web;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LlmHosting.Cli.Tests;

/// <summary>What the fake server saw of one request.</summary>
internal sealed record SeenRequest(string Path, string TokenRegion, string AccessKey, string? SessionToken, JsonNode? Body);

/// <summary>
/// A loopback OpenAI-compatible server shaped like a SageMaker endpoint's <c>/openai/v1</c> path. It accepts a request
/// only when its bearer token decodes to a presigned <c>CallWithBearerToken</c> URL for the expected region, then
/// answers according to the endpoint name: <c>ok</c> streams a reply, the others fail the way SageMaker does.
/// </summary>
internal sealed class FakeOpenAiServer : IAsyncDisposable
{
    public const string Reply = "Hello from the fake model.";

    private readonly WebApplication _app;
    private readonly string _expectedRegion;

    private FakeOpenAiServer(string expectedRegion)
    {
        _expectedRegion = expectedRegion;
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        _app = builder.Build();
        _app.MapPost("/endpoints/{endpoint}/openai/v1/chat/completions", (HttpContext context, string endpoint) => HandleAsync(context, endpoint));
        _app.MapPost("/endpoints/{endpoint}/inference-components/{component}/openai/v1/chat/completions", (HttpContext context, string endpoint) => HandleAsync(context, endpoint));
    }

    public ConcurrentQueue<SeenRequest> Requests { get; } = new();

    /// <summary>Why requests were refused (bad token, wrong region...): a passing test expects none.</summary>
    public ConcurrentQueue<string> Rejections { get; } = new();

    public Uri Root { get; private set; } = null!;

    public static async Task<FakeOpenAiServer> StartAsync(string expectedRegion)
    {
        var server = new FakeOpenAiServer(expectedRegion);
        await server._app.StartAsync();
        var address = server._app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        server.Root = new Uri(address);
        return server;
    }

    public Uri BaseUrl(string endpoint, string? component = null) =>
        new(Root, $"/endpoints/{endpoint}" + (component is null ? string.Empty : $"/inference-components/{component}") + "/openai/v1");

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context, string endpoint)
    {
        var problem = CheckToken(context.Request.Headers.Authorization.ToString(), out var seen);
        if (problem is not null)
        {
            Rejections.Enqueue(problem);
            await Json(context, 401, new { message = "fake server: " + problem });
            return;
        }

        var body = await JsonNode.ParseAsync(context.Request.Body);
        Requests.Enqueue(seen! with { Path = context.Request.Path, Body = body });

        switch (endpoint)
        {
            case "ok":
                await StreamAsync(context, body?["model"]?.GetValue<string>() ?? "?");
                break;
            case "denied":
                await Json(context, 403, new { message = "User: arn:aws:sts::123456789012:assumed-role/dev/me is not authorized to perform: sagemaker:InvokeEndpoint" });
                break;
            case "expired":
                await Json(context, 403, new { __type = "ExpiredTokenException", message = "The security token included in the request is expired" });
                break;
            case "missing":
                await Json(context, 404, new { message = "Endpoint missing of account 123456789012 not found." });
                break;
            case "validation":
                await Json(context, 400, new { __type = "ValidationError", message = "Endpoint validation of account 123456789012 not found." });
                break;
            case "unknown-model":
                await Json(context, 404, new { error = new { message = $"The model `{body?["model"]}` does not exist.", type = "NotFoundError", code = 404 } });
                break;
            case "busy":
                await Json(context, 429, new { message = "Rate exceeded" });
                break;
            case "slow":
                await Task.Delay(TimeSpan.FromSeconds(30), context.RequestAborted);
                await StreamAsync(context, "late");
                break;
            default:
                await Json(context, 500, new { message = $"fake server has no behaviour for endpoint '{endpoint}'" });
                break;
        }
    }

    private string? CheckToken(string authorization, out SeenRequest? seen)
    {
        seen = null;
        const string prefix = "Bearer sagemaker-api-key-";
        if (!authorization.StartsWith(prefix, StringComparison.Ordinal))
        {
            return $"Authorization is not a SageMaker bearer token: '{authorization}'";
        }

        string url;
        try
        {
            url = Encoding.UTF8.GetString(Convert.FromBase64String(authorization[prefix.Length..]));
        }
        catch (FormatException)
        {
            return "token is not base64";
        }

        if (!url.StartsWith("sagemaker.amazonaws.com/?", StringComparison.Ordinal))
        {
            return $"token is not a presigned request to the global SageMaker host: {url}";
        }

        var query = HttpUtility.ParseQueryString(url[(url.IndexOf('?') + 1)..]);
        var credential = (query["X-Amz-Credential"] ?? string.Empty).Split('/');
        var problems = new List<string>();
        if (query["Action"] != "CallWithBearerToken") problems.Add($"Action={query["Action"]}");
        if (query["X-Amz-Algorithm"] != "AWS4-HMAC-SHA256") problems.Add($"X-Amz-Algorithm={query["X-Amz-Algorithm"]}");
        if (query["X-Amz-SignedHeaders"] != "host") problems.Add($"X-Amz-SignedHeaders={query["X-Amz-SignedHeaders"]}");
        if (query["Version"] != "1") problems.Add($"Version={query["Version"]}");
        if (!int.TryParse(query["X-Amz-Expires"], out var expires) || expires is < 1 or > 43200) problems.Add($"X-Amz-Expires={query["X-Amz-Expires"]}");
        if ((query["X-Amz-Signature"] ?? string.Empty).Length != 64) problems.Add("X-Amz-Signature is not 64 hex digits");
        if (credential.Length != 5 || credential[3] != "sagemaker" || credential[4] != "aws4_request") problems.Add($"X-Amz-Credential={query["X-Amz-Credential"]}");
        else if (credential[2] != _expectedRegion) problems.Add($"token is for region {credential[2]}, expected {_expectedRegion}");
        if (problems.Count > 0)
        {
            return string.Join("; ", problems);
        }

        seen = new SeenRequest(string.Empty, credential[2], credential[0], query["X-Amz-Security-Token"], null);
        return null;
    }

    private static async Task StreamAsync(HttpContext context, string model)
    {
        context.Response.ContentType = "text/event-stream";
        var words = Reply.Split(' ');
        for (var i = 0; i < words.Length; i++)
        {
            var delta = new JsonObject { ["content"] = (i == 0 ? string.Empty : " ") + words[i] };
            if (i == 0) delta["role"] = "assistant";
            var chunk = new JsonObject
            {
                ["id"] = "chatcmpl-fake",
                ["object"] = "chat.completion.chunk",
                ["created"] = 1_767_225_600,
                ["model"] = model,
                ["choices"] = new JsonArray(new JsonObject
                {
                    ["index"] = 0,
                    ["delta"] = delta,
                    ["finish_reason"] = i == words.Length - 1 ? "stop" : null,
                }),
            };
            await context.Response.WriteAsync($"data: {chunk.ToJsonString()}\n\n");
            await context.Response.Body.FlushAsync();
        }

        await context.Response.WriteAsync("data: [DONE]\n\n");
    }

    private static async Task Json(HttpContext context, int status, object body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(JsonSerializer.Serialize(body));
    }
}
