using System.Net;
using System.Text.Json.Nodes;

namespace LlmHosting.Lambda.BedrockModelImport;

/// <summary>A model import job as GetModelImportJob describes it.</summary>
internal sealed record ImportJob(string JobArn, string Status, string? ImportedModelArn, string? ImportedModelName, string? FailureMessage);

/// <summary>A model import job as ListModelImportJobs summarises it.</summary>
internal sealed record ImportJobSummary(string JobArn, string JobName, string Status, string? ImportedModelName);

/// <summary>
/// The Bedrock control-plane calls the handler needs, over REST (there is no AWSSDK.Bedrock package
/// here). Every call goes through <see cref="SignedHttpClient"/>: SigV4 service <c>bedrock</c>, retries.
/// </summary>
internal sealed class BedrockClient(SignedHttpClient http)
{
    /// <summary>Most pages <see cref="ListModelImportJobsAsync"/> reads.</summary>
    internal const int MaxListPages = 20;

    /// <summary>Starts an import; returns the job ARN. Bedrock returns the same job for a repeated token.</summary>
    public async Task<string> CreateModelImportJobAsync(
        string jobName, string importedModelName, string roleArn, string s3Uri, string clientRequestToken, CancellationToken cancellationToken)
    {
        var body = new JsonObject
        {
            ["jobName"] = jobName,
            ["importedModelName"] = importedModelName,
            ["roleArn"] = roleArn,
            ["modelDataSource"] = new JsonObject { ["s3DataSource"] = new JsonObject { ["s3Uri"] = s3Uri } },
            ["clientRequestToken"] = clientRequestToken,
        };
        var (_, response) = await http.SendAsync("CreateModelImportJob", HttpMethod.Post, "model-import-jobs", body, cancellationToken).ConfigureAwait(false);
        return (string?)response?["jobArn"] ?? throw new InvalidOperationException("CreateModelImportJob answered without a jobArn.");
    }

    /// <summary>The state of an import job.</summary>
    public async Task<ImportJob> GetModelImportJobAsync(string jobIdentifier, CancellationToken cancellationToken)
    {
        var (_, response) = await http.SendAsync(
            "GetModelImportJob", HttpMethod.Get, "model-import-jobs/" + Uri.EscapeDataString(jobIdentifier), null, cancellationToken).ConfigureAwait(false);
        return new ImportJob(
            (string?)response?["jobArn"] ?? jobIdentifier,
            (string?)response?["status"] ?? throw new InvalidOperationException("GetModelImportJob answered without a status."),
            (string?)response?["importedModelArn"],
            (string?)response?["importedModelName"],
            (string?)response?["failureMessage"]);
    }

    /// <summary>
    /// The jobs whose name contains <paramref name="nameContains"/> and whose status is <paramref name="statusEquals"/>,
    /// newest first. Request and answer as botocore's bedrock model gives them: <c>GET /model-import-jobs</c> with
    /// the query parameters nameContains, statusEquals, sortBy (CreationTime), sortOrder, maxResults (1-1000) and
    /// nextToken; the answer's <c>modelImportJobSummaries</c> and <c>nextToken</c>.
    /// </summary>
    public async Task<IReadOnlyList<ImportJobSummary>> ListModelImportJobsAsync(string nameContains, string statusEquals, CancellationToken cancellationToken)
    {
        var jobs = new List<ImportJobSummary>();
        string? nextToken = null;
        for (var page = 1; ; page++)
        {
            var query = $"model-import-jobs?nameContains={Uri.EscapeDataString(nameContains)}&statusEquals={Uri.EscapeDataString(statusEquals)}"
                        + "&sortBy=CreationTime&sortOrder=Descending&maxResults=1000"
                        + (nextToken is null ? "" : "&nextToken=" + Uri.EscapeDataString(nextToken));
            var (_, response) = await http.SendAsync("ListModelImportJobs", HttpMethod.Get, query, null, cancellationToken).ConfigureAwait(false);
            foreach (var summary in (response?["modelImportJobSummaries"]?.AsArray() ?? []).OfType<JsonObject>())
            {
                jobs.Add(new ImportJobSummary(
                    (string?)summary["jobArn"] ?? throw new InvalidOperationException("ListModelImportJobs answered a summary without a jobArn."),
                    (string?)summary["jobName"] ?? "",
                    (string?)summary["status"] ?? throw new InvalidOperationException("ListModelImportJobs answered a summary without a status."),
                    (string?)summary["importedModelName"]));
            }

            nextToken = (string?)response?["nextToken"];
            if (nextToken is null)
            {
                return jobs;
            }

            // A name filter leaves a handful of jobs; a service that keeps answering pages must not keep the handler busy.
            if (page == MaxListPages)
            {
                throw new InvalidOperationException($"ListModelImportJobs for names containing '{nameContains}' still had more results after {MaxListPages} pages.");
            }
        }
    }

    /// <summary>The ARN and name of an imported model, or null when it does not exist.</summary>
    public async Task<(string Arn, string Name)?> GetImportedModelAsync(string modelIdentifier, CancellationToken cancellationToken)
    {
        var (status, response) = await http.SendAsync(
            "GetImportedModel", HttpMethod.Get, "imported-models/" + Uri.EscapeDataString(modelIdentifier), null, cancellationToken,
            accept: HttpStatusCode.NotFound).ConfigureAwait(false);
        if (status == HttpStatusCode.NotFound)
        {
            return null;
        }

        return ((string?)response?["modelArn"] ?? throw new InvalidOperationException("GetImportedModel answered without a modelArn."),
            (string?)response?["modelName"] ?? modelIdentifier);
    }

    /// <summary>Deletes an imported model; returns false when it was already gone (not an error).</summary>
    public async Task<bool> DeleteImportedModelAsync(string modelIdentifier, CancellationToken cancellationToken)
    {
        var (status, _) = await http.SendAsync(
            "DeleteImportedModel", HttpMethod.Delete, "imported-models/" + Uri.EscapeDataString(modelIdentifier), null, cancellationToken,
            accept: HttpStatusCode.NotFound).ConfigureAwait(false);
        return status != HttpStatusCode.NotFound;
    }
}
