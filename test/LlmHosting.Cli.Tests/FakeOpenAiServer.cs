using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Web;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LlmHosting.Cli.Tests;

/// <summary>What the fake server saw of one request.</summary>
internal sealed record SeenRequest(string Path, string TokenRegion, string AccessKey, string? SessionToken, JsonNode? Body)
{
    /// <summary>The service the credential is for: <c>sagemaker</c>, <c>bedrock</c>, or <c>bedrock-mantle</c> (a SigV4 signature for Mantle).</summary>
    public string Service { get; init; } = "sagemaker";

    /// <summary><c>bearer</c> (a token) or <c>sigv4</c> (a signed request).</summary>
    public string Scheme { get; init; } = "bearer";

    /// <summary>The request target exactly as sent (percent-encoding kept).</summary>
    public string RawTarget { get; init; } = string.Empty;
}

/// <summary>
/// A loopback server shaped like the doors of the model directory: a SageMaker endpoint's or inference component's
/// <c>/openai/v1</c> path, Bedrock runtime's <c>/openai/v1</c> path, the Mantle Responses path and Bedrock
/// <c>InvokeModel</c> (see FakeOpenAiServer.Bedrock.cs). It accepts a request only when its credential is right for
/// the door and the expected region: a <c>sagemaker-api-key-</c> or <c>bedrock-api-key-</c> token that decodes to a
/// presigned <c>CallWithBearerToken</c> URL, or a SigV4 <c>Authorization</c> header with service <c>bedrock</c>
/// (<c>bedrock-mantle</c> on Mantle's <c>/v1/responses</c>) whose payload hash matches the body. SageMaker paths answer according to the endpoint name: <c>ok</c> streams a reply,
/// <c>cold</c> refuses twice the way a component without a copy does, <c>starting</c> always refuses so, the others
/// fail the way SageMaker does.
/// </summary>
internal sealed partial class FakeOpenAiServer : IAsyncDisposable
{
    public const string Reply = "Hello from the fake model.";

    /// <summary>SageMaker's answer when an inference component has no copy (AWS ML blog on scale to zero, 2024-12).</summary>
    public const string NoCapacity = "Inference Component has no capacity to process this request. ApplicationAutoScaling may be in-progress (if configured) or try to increase the capacity by invoking UpdateInferenceComponentRuntimeConfig API.";

    /// <summary>How many times a <c>cold</c> target refuses before it answers.</summary>
    public const int ColdRefusals = 2;

    private readonly WebApplication _app;
    private readonly string _expectedRegion;
    private readonly ConcurrentDictionary<string, int> _refusals = new(StringComparer.Ordinal);

    private FakeOpenAiServer(string expectedRegion)
    {
        _expectedRegion = expectedRegion;
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        _app = builder.Build();
        // One dispatcher over the raw target: InvokeModel's model id is percent-encoded, and routing would decode it.
        _app.Run(DispatchAsync);
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

    private async Task DispatchAsync(HttpContext context)
    {
        var rawTarget = context.Features.Get<IHttpRequestFeature>()!.RawTarget;
        var path = rawTarget.Split('?')[0];
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (context.Request.Method != "POST")
        {
            await Json(context, 405, new { message = $"fake server: {context.Request.Method} is not allowed" });
            return;
        }

        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer);
        var body = buffer.ToArray();
        var sageMaker = segments.Length >= 5 && segments[0] == "endpoints" && path.EndsWith("/openai/v1/chat/completions", StringComparison.Ordinal);
        var problem = sageMaker
            ? CheckToken(context.Request.Headers.Authorization.ToString(), "sagemaker", out var seen)
            : CheckBedrockCredential(context, body, path == MantleResponsesPath ? "bedrock-mantle" : "bedrock", out seen);
        if (problem is not null)
        {
            Rejections.Enqueue(problem);
            await Json(context, sageMaker ? 401 : 403, new { message = "fake server: " + problem });
            return;
        }

        var json = body.Length == 0 ? null : JsonNode.Parse(body);
        Requests.Enqueue(seen! with { Path = context.Request.Path, Body = json, RawTarget = rawTarget });
        if (sageMaker)
        {
            await SageMakerAsync(context, segments[1], path, json);
        }
        else
        {
            await BedrockAsync(context, path, segments, json);
        }
    }

    private async Task SageMakerAsync(HttpContext context, string endpoint, string path, JsonNode? body)
    {
        var model = body?["model"]?.GetValue<string>() ?? "?";
        switch (endpoint)
        {
            case "ok":
                await ChatAsync(context, body);
                break;
            case "starting":
            case "cold" when Refuse(path):
                await Json(context, 400, new { __type = "ValidationError", message = NoCapacity });
                break;
            case "cold":
                await ChatAsync(context, body);
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
                await Json(context, 404, new { error = new { message = $"The model `{model}` does not exist.", type = "NotFoundError", code = 404 } });
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

    /// <summary>True for the first <see cref="ColdRefusals"/> requests to a cold target.</summary>
    private bool Refuse(string key) => _refusals.AddOrUpdate(key, 1, (_, count) => count + 1) <= ColdRefusals;

    private string? CheckToken(string authorization, string service, out SeenRequest? seen)
    {
        seen = null;
        var prefix = $"Bearer {service}-api-key-";
        if (!authorization.StartsWith(prefix, StringComparison.Ordinal))
        {
            return $"Authorization is not a {(service == "sagemaker" ? "SageMaker bearer token" : "Bedrock API key")}: '{authorization}'";
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

        if (!url.StartsWith($"{service}.amazonaws.com/?", StringComparison.Ordinal))
        {
            return $"token is not a presigned request to the global {service} host: {url}";
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
        if (credential.Length != 5 || credential[3] != service || credential[4] != "aws4_request") problems.Add($"X-Amz-Credential={query["X-Amz-Credential"]}");
        else if (credential[2] != _expectedRegion) problems.Add($"token is for region {credential[2]}, expected {_expectedRegion}");
        if (problems.Count > 0)
        {
            return string.Join("; ", problems);
        }

        seen = new SeenRequest(string.Empty, credential[2], credential[0], query["X-Amz-Security-Token"], null) { Service = service };
        return null;
    }

    /// <summary>A Bedrock API key, or a SigV4 header for <paramref name="signingName"/> in the expected region whose payload hash is the body's.</summary>
    private string? CheckBedrockCredential(HttpContext context, byte[] body, string signingName, out SeenRequest? seen)
    {
        var authorization = context.Request.Headers.Authorization.ToString();
        if (!authorization.StartsWith("AWS4-HMAC-SHA256 ", StringComparison.Ordinal))
        {
            return CheckToken(authorization, "bedrock", out seen);
        }

        seen = null;
        var fields = authorization["AWS4-HMAC-SHA256 ".Length..].Split(',', StringSplitOptions.TrimEntries)
            .Select(field => field.Split('=', 2))
            .ToDictionary(pair => pair[0], pair => pair.Length > 1 ? pair[1] : string.Empty, StringComparer.Ordinal);
        var credential = fields.GetValueOrDefault("Credential", string.Empty).Split('/');
        var signedHeaders = fields.GetValueOrDefault("SignedHeaders", string.Empty).Split(';');
        var date = context.Request.Headers["X-Amz-Date"].ToString();
        var payloadHash = Convert.ToHexStringLower(SHA256.HashData(body));
        var problems = new List<string>();
        if (credential.Length != 5 || credential[3] != signingName || credential[4] != "aws4_request") problems.Add($"Credential={fields.GetValueOrDefault("Credential")}");
        else if (credential[2] != _expectedRegion) problems.Add($"signature is for region {credential[2]}, expected {_expectedRegion}");
        else if (date.Length != 16 || !date.StartsWith(credential[1], StringComparison.Ordinal)) problems.Add($"X-Amz-Date '{date}' does not match the credential date {credential[1]}");
        foreach (var header in new[] { "host", "x-amz-date", "x-amz-content-sha256" }.Where(h => !signedHeaders.Contains(h)))
        {
            problems.Add($"{header} is not signed");
        }

        if (context.Request.Headers["X-Amz-Content-SHA256"].ToString() != payloadHash) problems.Add("X-Amz-Content-SHA256 is not the body's SHA-256");
        if (fields.GetValueOrDefault("Signature", string.Empty).Length != 64) problems.Add("Signature is not 64 hex digits");
        if (problems.Count > 0)
        {
            return string.Join("; ", problems);
        }

        var token = context.Request.Headers["X-Amz-Security-Token"].ToString();
        seen = new SeenRequest(string.Empty, credential[2], credential[0], token.Length == 0 ? null : token, null) { Service = signingName, Scheme = "sigv4" };
        return null;
    }

    private static async Task Json(HttpContext context, int status, object body, string? errorType = null)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        if (errorType is not null)
        {
            context.Response.Headers["x-amzn-ErrorType"] = errorType;
        }

        await context.Response.WriteAsync(JsonSerializer.Serialize(body));
    }
}
