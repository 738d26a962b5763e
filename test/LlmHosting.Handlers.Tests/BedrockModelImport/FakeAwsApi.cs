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
/// clientRequestToken, ends a job after a set number of polls and a set time on its own clock (so that a job can
/// outlive the custom-resource framework's timeout without a test waiting), and can answer with injected faults.
/// Paths, query parameters and answer shapes follow botocore's bedrock service model (2023-04-20), which
/// <c>FakeAwsApiTests</c> checks by calling the fake with botocore.
/// </summary>
internal sealed partial class FakeAwsApi : IAsyncDisposable
{
    private const string Account = "123456789012";
    private const string Region = "us-east-1";

    private static readonly string[] ListParameters = ["creationTimeAfter", "creationTimeBefore", "statusEquals", "nameContains", "maxResults", "nextToken", "sortBy", "sortOrder"];
    private static readonly string[] Statuses = ["InProgress", "Completed", "Failed"];

    private readonly WebApplication _app;
    private readonly Lock _lock = new();
    private readonly List<Job> _jobs = [];
    private readonly ConcurrentQueue<(int Status, string? ErrorType)> _faults = new();

    private FakeAwsApi(WebApplication app) => _app = app;

    public Uri BaseUri { get; private set; } = null!;

    /// <summary>Polls of GetModelImportJob a job answers InProgress before it ends.</summary>
    public int PollsBeforeEnd { get; set; } = 2;

    /// <summary>How long a job runs on <see cref="Now"/>, besides <see cref="PollsBeforeEnd"/>; zero by default.</summary>
    public TimeSpan JobDuration { get; set; }

    /// <summary>The fake's clock: jobs start at its time and end <see cref="JobDuration"/> later. Tests move it.</summary>
    public DateTimeOffset Now
    {
        get;
        set
        {
            lock (_lock)
            {
                field = value;
                Settle();
            }
        }
    } = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Most job summaries on one page of ListModelImportJobs, so that tests can make the client page.</summary>
    public int MaxPageSize { get; set; } = 1000;

    /// <summary>Which requests (method, path) injected faults apply to; every request by default.</summary>
    public Func<string, string, bool> FaultsApplyTo { get; set; } = (_, _) => true;

    /// <summary>When set, jobs end Failed with this message instead of Completed.</summary>
    public string? FailureMessage { get; set; }

    /// <summary>Every request received, in order.</summary>
    public ConcurrentQueue<Received> Requests { get; } = new();

    /// <summary>Imported models by name.</summary>
    public ConcurrentDictionary<string, string> Models { get; } = new();

    /// <summary>Every entry of every accepted PutEvents call.</summary>
    public ConcurrentQueue<JsonObject> Events { get; } = new();

    public int JobCount
    {
        get
        {
            lock (_lock)
            {
                return _jobs.Count;
            }
        }
    }

    /// <summary>A fault status that makes the fake answer nothing for 5 seconds, to exercise client timeouts.</summary>
    public const int Hang = -1;

    public sealed record Received(string Method, string Path, string? Authorization, string? Target, string Body, string RawUrl, IReadOnlyDictionary<string, string> Headers);

    private sealed class Job(string arn, string name, string modelName, string token, DateTimeOffset createdAt)
    {
        public string Arn { get; } = arn;
        public string Name { get; } = name;
        public string ModelName { get; } = modelName;
        public string Token { get; } = token;
        public DateTimeOffset CreatedAt { get; } = createdAt;
        public int Polls { get; set; }
        public string Status { get; set; } = "InProgress";
        public DateTimeOffset? EndedAt { get; set; }
        public string? ModelArn { get; set; }
        public string? Failure { get; set; }
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
        app.MapGet("/model-import-jobs", (Delegate)fake.ListJobs);
        app.MapGet("/model-import-jobs/{id}", fake.GetJob);
        app.MapGet("/imported-models/{id}", (string id) => fake.Settled(() => fake.Models.TryGetValue(id, out var arn)
            ? Results.Json(new { modelArn = arn, modelName = id })
            : NotFound($"Model {id} not found")));
        app.MapDelete("/imported-models/{id}", (string id) => fake.Settled(() => fake.Models.TryRemove(id, out _) ? Results.Ok() : NotFound($"Model {id} not found")));
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

        if (FaultsApplyTo(context.Request.Method, context.Request.Path.Value!) && _faults.TryDequeue(out var fault))
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
