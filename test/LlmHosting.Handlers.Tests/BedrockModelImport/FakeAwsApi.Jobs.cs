using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace LlmHosting.Lambda.BedrockModelImport.Tests;

/// <summary>The model import jobs of the fake: CreateModelImportJob, GetModelImportJob, ListModelImportJobs, and their clock.</summary>
internal sealed partial class FakeAwsApi
{
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
}
