using System.Collections.Concurrent;
using System.Text;
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
internal sealed class FakeAwsApi : IAsyncDisposable
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

        var jobName = (string?)body["jobName"] ?? "";
        if (jobName.Length > 63 || !System.Text.RegularExpressions.Regex.IsMatch(jobName, @"^[a-zA-Z0-9](-*[a-zA-Z0-9\+\-\.])*$"))
        {
            problems.Add($"jobName '{jobName}' is invalid");
        }

        if (problems.Count > 0)
        {
            return Results.Json(new { message = string.Join("; ", problems) }, statusCode: 400);
        }

        var token = (string)body["clientRequestToken"]!;
        lock (_lock)
        {
            Settle();
            if (_jobs.FirstOrDefault(j => j.Token == token) is { } repeated)
            {
                return Results.Json(new { jobArn = repeated.Arn }, statusCode: 201);
            }

            // Stricter than documented (botocore lists ConflictException without saying when): a second job for a
            // model name that exists or is being imported, or a job name used before, is refused.
            if (Models.ContainsKey(name) || _jobs.Any(j => j.Status == "InProgress" && j.ModelName == name) || _jobs.Any(j => j.Name == jobName))
            {
                context.Response.Headers["x-amzn-ErrorType"] = "ConflictException";
                return Results.Json(new { message = $"Job name {jobName} or model name {name} is already in use" }, statusCode: 409);
            }

            var job = new Job($"arn:aws:bedrock:{Region}:{Account}:model-import-job/{Guid.NewGuid().ToString("N")[..12]}", jobName, name, token, Now);
            _jobs.Add(job);
            return Results.Json(new { jobArn = job.Arn }, statusCode: 201);
        }
    }

    private IResult GetJob(string id)
    {
        // Like the real API, the identifier is a job ARN or name, URL-encoded as one path segment.
        id = Uri.UnescapeDataString(id);
        lock (_lock)
        {
            var job = _jobs.FirstOrDefault(j => j.Arn == id || j.Name == id);
            if (job is null)
            {
                return NotFound($"Job {id} not found");
            }

            job.Polls++;
            Settle();
            return Results.Json(Compact(new JsonObject
            {
                ["jobArn"] = job.Arn,
                ["jobName"] = job.Name,
                ["importedModelName"] = job.ModelName,
                ["importedModelArn"] = job.ModelArn,
                ["status"] = job.Status,
                ["failureMessage"] = job.Failure,
                ["creationTime"] = Timestamp(job.CreatedAt),
                ["endTime"] = job.EndedAt is { } ended ? Timestamp(ended) : null,
            }));
        }
    }

    private IResult ListJobs(HttpContext context)
    {
        var query = context.Request.Query;
        var problems = query.Keys.Where(k => !ListParameters.Contains(k)).Select(k => $"unknown query parameter {k}").ToList();
        var status = query["statusEquals"].FirstOrDefault();
        if (status is not null && !Statuses.Contains(status))
        {
            problems.Add($"statusEquals '{status}' is not one of {string.Join(", ", Statuses)}");
        }

        if (query["sortBy"].FirstOrDefault() is { } sortBy && sortBy != "CreationTime")
        {
            problems.Add($"sortBy '{sortBy}' is not CreationTime");
        }

        var sortOrder = query["sortOrder"].FirstOrDefault() ?? "Descending";
        if (sortOrder is not ("Ascending" or "Descending"))
        {
            problems.Add($"sortOrder '{sortOrder}' is not Ascending or Descending");
        }

        var maxResults = 1000;
        if (query["maxResults"].FirstOrDefault() is { } max && (!int.TryParse(max, out maxResults) || maxResults is < 1 or > 1000))
        {
            problems.Add($"maxResults '{max}' is not 1-1000");
        }

        var offset = 0;
        if (query["nextToken"].FirstOrDefault() is { } next && !TryReadToken(next, out offset))
        {
            problems.Add($"nextToken '{next}' is invalid");
        }

        if (problems.Count > 0)
        {
            context.Response.Headers["x-amzn-ErrorType"] = "ValidationException";
            return Results.Json(new { message = string.Join("; ", problems) }, statusCode: 400);
        }

        var nameContains = query["nameContains"].FirstOrDefault();
        lock (_lock)
        {
            Settle();
            var matching = _jobs
                .Select((job, index) => (job, index))
                .Where(j => (nameContains is null || j.job.Name.Contains(nameContains, StringComparison.Ordinal)) && (status is null || j.job.Status == status))
                .OrderBy(j => j.job.CreatedAt).ThenBy(j => j.index)
                .Select(j => j.job)
                .ToList();
            if (sortOrder == "Descending")
            {
                matching.Reverse();
            }

            var page = matching.Skip(offset).Take(Math.Min(maxResults, MaxPageSize)).Select(job => Compact(new JsonObject
            {
                ["jobArn"] = job.Arn,
                ["jobName"] = job.Name,
                ["status"] = job.Status,
                ["creationTime"] = Timestamp(job.CreatedAt),
                ["endTime"] = job.EndedAt is { } ended ? Timestamp(ended) : null,
                ["importedModelArn"] = job.ModelArn,
                ["importedModelName"] = job.ModelName,
            })).ToArray();
            var answer = new JsonObject { ["modelImportJobSummaries"] = new JsonArray(page) };
            if (offset + page.Length < matching.Count)
            {
                answer["nextToken"] = Convert.ToBase64String(Encoding.UTF8.GetBytes($"offset:{offset + page.Length}"));
            }

            return Results.Json(answer);
        }
    }

    // Ends every job whose polls and time are up, once: a Completed job creates its model then, and a model
    // deleted afterwards stays deleted.
    private void Settle()
    {
        foreach (var job in _jobs.Where(j => j.Status == "InProgress" && j.Polls > PollsBeforeEnd && Now >= j.CreatedAt + JobDuration))
        {
            job.EndedAt = Now;
            if (FailureMessage is not null)
            {
                job.Status = "Failed";
                job.Failure = FailureMessage;
                continue;
            }

            job.Status = "Completed";
            job.ModelArn = $"arn:aws:bedrock:{Region}:{Account}:imported-model/{Guid.NewGuid().ToString("N")[..12]}";
            Models[job.ModelName] = job.ModelArn;
        }
    }

    private IResult Settled(Func<IResult> answer)
    {
        lock (_lock)
        {
            Settle();
            return answer();
        }
    }

    private static bool TryReadToken(string token, out int offset)
    {
        offset = 0;
        try
        {
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(token));
            return text.StartsWith("offset:", StringComparison.Ordinal) && int.TryParse(text["offset:".Length..], out offset);
        }
        catch (FormatException)
        {
            return false;
        }
    }

    // The real API leaves out the members it has no value for.
    private static JsonObject Compact(JsonObject answer)
    {
        foreach (var key in answer.Where(p => p.Value is null).Select(p => p.Key).ToList())
        {
            answer.Remove(key);
        }

        return answer;
    }

    // botocore's bedrock model gives its Timestamp shape timestampFormat iso8601.
    private static string Timestamp(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);

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
