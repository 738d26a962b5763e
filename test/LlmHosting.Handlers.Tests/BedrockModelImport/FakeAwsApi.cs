using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace LlmHosting.Lambda.BedrockModelImport.Tests;

/// <summary>
/// A loopback fake of the Bedrock model import REST API and of EventBridge PutEvents (Kestrel on 127.0.0.1,
/// a free port). It rejects unsigned requests and malformed bodies as the real services would, honours
/// clientRequestToken, finishes a job after a set number of polls, and can answer with injected faults.
/// </summary>
internal sealed class FakeAwsApi : IAsyncDisposable
{
    private const string Account = "123456789012";
    private const string Region = "us-east-1";

    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, Job> _jobsByToken = new();
    private readonly ConcurrentQueue<(int Status, string? ErrorType)> _faults = new();

    private FakeAwsApi(WebApplication app) => _app = app;

    public Uri BaseUri { get; private set; } = null!;

    /// <summary>Polls of GetModelImportJob a job answers InProgress before it ends.</summary>
    public int PollsBeforeEnd { get; set; } = 2;

    /// <summary>When set, jobs end Failed with this message instead of Completed.</summary>
    public string? FailureMessage { get; set; }

    /// <summary>Every request received, in order.</summary>
    public ConcurrentQueue<Received> Requests { get; } = new();

    /// <summary>Imported models by name.</summary>
    public ConcurrentDictionary<string, string> Models { get; } = new();

    /// <summary>Every entry of every accepted PutEvents call.</summary>
    public ConcurrentQueue<JsonObject> Events { get; } = new();

    public int JobCount => _jobsByToken.Count;

    /// <summary>A fault status that makes the fake answer nothing for 5 seconds, to exercise client timeouts.</summary>
    public const int Hang = -1;

    public sealed record Received(string Method, string Path, string? Authorization, string? Target, string Body, string RawUrl, IReadOnlyDictionary<string, string> Headers);

    private sealed class Job(string arn, string name, string modelName)
    {
        public string Arn { get; } = arn;
        public string Name { get; } = name;
        public string ModelName { get; } = modelName;
        public int Polls { get; set; }
    }

    public static async Task<FakeAwsApi> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var fake = new FakeAwsApi(app);
        app.Use(fake.CheckSignatureAndFaults);
        app.MapPost("/model-import-jobs", (Delegate)fake.CreateJob);
        app.MapGet("/model-import-jobs/{id}", fake.GetJob);
        app.MapGet("/imported-models/{id}", (string id) => fake.Models.TryGetValue(id, out var arn)
            ? Results.Json(new { modelArn = arn, modelName = id })
            : NotFound($"Model {id} not found"));
        app.MapDelete("/imported-models/{id}", (string id) => fake.Models.TryRemove(id, out _) ? Results.Ok() : NotFound($"Model {id} not found"));
        app.MapPost("/", (Delegate)fake.PutEvents);
        await app.StartAsync();
        fake.BaseUri = new Uri(app.Urls.Single() + "/");
        return fake;
    }

    /// <summary>The next answers (before any real handling) will be these statuses, in order.</summary>
    public void InjectFaults(params (int Status, string? ErrorType)[] faults)
    {
        foreach (var fault in faults)
        {
            _faults.Enqueue(fault);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task CheckSignatureAndFaults(HttpContext context, Func<Task> next)
    {
        context.Request.EnableBuffering();
        var body = await new StreamReader(context.Request.Body).ReadToEndAsync();
        context.Request.Body.Position = 0;
        var authorization = context.Request.Headers.Authorization.FirstOrDefault();
        var target = context.Request.Headers["X-Amz-Target"].FirstOrDefault();
        var rawUrl = $"http://{context.Request.Host}{context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpRequestFeature>()!.RawTarget}";
        var headers = context.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString());
        Requests.Enqueue(new Received(context.Request.Method, context.Request.Path.Value!, authorization, target, body, rawUrl, headers));

        var service = target is null ? "bedrock" : "events";
        var scope = $"/{Region}/{service}/aws4_request";
        if (authorization is null
            || !authorization.StartsWith("AWS4-HMAC-SHA256 Credential=", StringComparison.Ordinal)
            || !authorization.Contains(scope, StringComparison.Ordinal)
            || !authorization.Contains("SignedHeaders=", StringComparison.Ordinal)
            || !authorization.Contains("host", StringComparison.Ordinal)
            || !authorization.Contains("Signature=", StringComparison.Ordinal)
            || !context.Request.Headers.ContainsKey("X-Amz-Date"))
        {
            await Results.Json(new { message = "Missing or malformed SigV4 Authorization" }, statusCode: 403).ExecuteAsync(context);
            return;
        }

        if (_faults.TryDequeue(out var fault))
        {
            if (fault.Status == Hang)
            {
                await Task.Delay(TimeSpan.FromSeconds(5), context.RequestAborted).ContinueWith(_ => { });
                return;
            }

            if (fault.ErrorType is not null)
            {
                context.Response.Headers["x-amzn-ErrorType"] = fault.ErrorType + ":http://internal.amazon.com/coral/com.amazon.bedrock/";
            }

            await Results.Json(new { message = $"injected {fault.Status}" }, statusCode: fault.Status).ExecuteAsync(context);
            return;
        }

        await next();
    }

    private async Task<IResult> CreateJob(HttpContext context)
    {
        var body = (await System.Text.Json.JsonSerializer.DeserializeAsync<JsonObject>(context.Request.Body))!;
        var problems = new List<string>();
        foreach (var field in new[] { "jobName", "importedModelName", "roleArn", "clientRequestToken" })
        {
            if (body[field] is null)
            {
                problems.Add(field + " is required");
            }
        }

        var s3Uri = (string?)body["modelDataSource"]?["s3DataSource"]?["s3Uri"];
        if (s3Uri is null || !s3Uri.StartsWith("s3://", StringComparison.Ordinal))
        {
            problems.Add("modelDataSource.s3DataSource.s3Uri must be an s3:// URI");
        }

        var name = (string?)body["importedModelName"] ?? "";
        if (name.Length > 63 || !System.Text.RegularExpressions.Regex.IsMatch(name, "^([0-9a-zA-Z][_-]?)+$"))
        {
            problems.Add($"importedModelName '{name}' is invalid");
        }

        if (problems.Count > 0)
        {
            return Results.Json(new { message = string.Join("; ", problems) }, statusCode: 400);
        }

        var token = (string)body["clientRequestToken"]!;
        var job = _jobsByToken.GetOrAdd(token, _ => new Job(
            $"arn:aws:bedrock:{Region}:{Account}:model-import-job/{Guid.NewGuid().ToString("N")[..12]}",
            (string)body["jobName"]!,
            name));
        return Results.Json(new { jobArn = job.Arn }, statusCode: 201);
    }

    private IResult GetJob(string id)
    {
        // Like the real API, the identifier is a job ARN or name, URL-encoded as one path segment.
        id = Uri.UnescapeDataString(id);
        var job = _jobsByToken.Values.FirstOrDefault(j => j.Arn == id || j.Name == id);
        if (job is null)
        {
            return NotFound($"Job {id} not found");
        }

        job.Polls++;
        if (job.Polls <= PollsBeforeEnd)
        {
            return Results.Json(new { jobArn = job.Arn, jobName = job.Name, importedModelName = job.ModelName, status = "InProgress" });
        }

        if (FailureMessage is not null)
        {
            return Results.Json(new { jobArn = job.Arn, jobName = job.Name, importedModelName = job.ModelName, status = "Failed", failureMessage = FailureMessage });
        }

        var modelArn = Models.GetOrAdd(job.ModelName, _ => $"arn:aws:bedrock:{Region}:{Account}:imported-model/{Guid.NewGuid().ToString("N")[..12]}");
        return Results.Json(new { jobArn = job.Arn, jobName = job.Name, importedModelName = job.ModelName, importedModelArn = modelArn, status = "Completed" });
    }

    private async Task<IResult> PutEvents(HttpContext context)
    {
        if (context.Request.Headers["X-Amz-Target"] != "AWSEvents.PutEvents" || context.Request.ContentType != "application/x-amz-json-1.1")
        {
            return Results.Json(new { __type = "UnknownOperationException" }, statusCode: 400);
        }

        var body = (await System.Text.Json.JsonSerializer.DeserializeAsync<JsonObject>(context.Request.Body))!;
        foreach (var entry in body["Entries"]!.AsArray())
        {
            Events.Enqueue(entry!.AsObject());
        }

        return Results.Json(new { FailedEntryCount = 0, Entries = new[] { new { EventId = Guid.NewGuid().ToString() } } });
    }

    private static IResult NotFound(string message)
    {
        return Results.Json(new { message }, statusCode: 404);
    }
}
