using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using LlmHosting.Constructs.Bedrock;
using LlmHosting.Rules;

namespace LlmHosting.Lambda.BedrockModelImport;

/// <summary>The import job failed; the message is Bedrock's own.</summary>
internal sealed class ModelImportFailedException(string jobArn, string? failureMessage)
    : Exception($"Bedrock model import job {jobArn} failed: {failureMessage ?? "Bedrock gave no failure message"}");

/// <summary>
/// The custom resource lifecycle for the CDK Provider framework: onEvent starts, adopts or deletes an import,
/// isComplete polls the job. Resource properties (all strings): <c>ModelName</c> (base name of the imported
/// model), <c>S3Uri</c> (the model folder), <c>RoleArn</c> (the Bedrock service role), <c>RetainOnDelete</c>
/// (<c>"true"</c> keeps the model when the resource is deleted), and <c>WeightsFingerprint</c> (from the stack's
/// WeightsGate, which has checked the folder with Bedrock's rules before this resource is created or updated; a new
/// fingerprint means new content and imports anew).
/// </summary>
/// <remarks>
/// Bedrock has no API to stop an import job, and the framework stops polling after its TotalTimeout (at most 1 hour)
/// while the job goes on. aws-cdk-lib 2.160's framework then fails the resource with the physical id onEvent
/// returned (runtime/framework.js: onTimeout submits the isComplete request, which carries onEvent's answer), and
/// CloudFormation sends that id in the delete of the rollback (aws-cdk pull request 5525; for a failed update,
/// aws-cdk issues 13527 and 30012). So no import is lost as long as
/// <list type="bullet">
/// <item>the model's name derives from the resource and its content (<see cref="ImportNames"/>): a retried create
/// of the same content finds the running job (ListModelImportJobs) or its model (GetImportedModel) and adopts it
/// instead of starting a second import, and a rollback update back to the old content adopts the old model;</item>
/// <item>a delete whose model a running job will still create waits for that job (isComplete polls it, within the
/// same TotalTimeout) and then deletes the model. If the job outlives that wait too, the delete fails and
/// CloudFormation tries it again: a rollback stops in ROLLBACK_FAILED with the resource kept until the next delete,
/// and the clean-up after an update makes three attempts (CloudFormation User Guide, "Monitor the progress of a
/// stack update").</item>
/// </list>
/// </remarks>
internal sealed partial class ModelImportLifecycle(BedrockClient bedrock, EventsClient events, TextWriter log)
{
    private const string InProgress = "InProgress";

    public async Task<JsonObject> OnEventAsync(JsonObject request, CancellationToken cancellationToken)
    {
        var requestType = Required(request, "RequestType");
        var properties = request["ResourceProperties"] as JsonObject ?? [];
        return requestType switch
        {
            "Create" => await CreateAsync(request, properties, cancellationToken).ConfigureAwait(false),
            "Update" => await UpdateAsync(request, properties, cancellationToken).ConfigureAwait(false),
            "Delete" => await DeleteAsync(request, properties, cancellationToken).ConfigureAwait(false),
            _ => throw new ArgumentException($"Unknown RequestType '{requestType}'."),
        };
    }

    public async Task<JsonObject> IsCompleteAsync(JsonObject request, CancellationToken cancellationToken)
    {
        var jobArn = (string?)request["Data"]?["JobArn"];
        if (jobArn is null)
        {
            // No job to wait for: a delete that found none, an adopted model, or an update Bedrock does not see.
            return new JsonObject { ["IsComplete"] = true };
        }

        var job = await bedrock.GetModelImportJobAsync(jobArn, cancellationToken).ConfigureAwait(false);
        if (Required(request, "RequestType") == "Delete")
        {
            return await FinishDeleteAsync(Required(request, "PhysicalResourceId"), job, cancellationToken).ConfigureAwait(false);
        }

        switch (job.Status)
        {
            case "Completed":
                var modelName = job.ImportedModelName ?? Required(request, "PhysicalResourceId");
                var modelArn = job.ImportedModelArn
                    ?? (await bedrock.GetImportedModelAsync(modelName, cancellationToken).ConfigureAwait(false))?.Arn
                    ?? throw new InvalidOperationException($"Import job {jobArn} completed but model {modelName} does not exist.");
                await PublishAsync(request, job with { ImportedModelArn = modelArn, ImportedModelName = modelName }, cancellationToken).ConfigureAwait(false);
                return new JsonObject
                {
                    ["IsComplete"] = true,
                    ["Data"] = new JsonObject { ["ModelArn"] = modelArn, ["ModelName"] = modelName, ["JobArn"] = job.JobArn },
                };
            case "Failed":
                await PublishAsync(request, job, cancellationToken).ConfigureAwait(false);
                throw new ModelImportFailedException(job.JobArn, job.FailureMessage);
            default:
                log.WriteLine($"Import job {jobArn} is {job.Status}.");
                return new JsonObject { ["IsComplete"] = false };
        }
    }

    private async Task<JsonObject> CreateAsync(JsonObject request, JsonObject properties, CancellationToken cancellationToken)
    {
        var modelName = Required(properties, "ModelName");
        var s3Uri = Required(properties, "S3Uri");
        var roleArn = Required(properties, "RoleArn");
        if (!ImportedModelNameRules.IsValidBaseName(modelName))
        {
            throw new ArgumentException($"ModelName '{modelName}' must be {ImportedModelNameRules.Describe()}.");
        }

        var contentKey = ImportNames.ContentKey(request, properties);
        var importedModelName = ImportNames.ImportedModelName(modelName, contentKey);

        // The job first, then the model: a job that completes between the two calls is then seen as its model.
        if (await FindRunningJobAsync(importedModelName, cancellationToken).ConfigureAwait(false) is { } running)
        {
            log.WriteLine($"Adopted the running import job {running.JobArn} of {importedModelName}, started by an earlier attempt.");
            return Result(importedModelName, new JsonObject { ["JobArn"] = running.JobArn });
        }

        if (await bedrock.GetImportedModelAsync(importedModelName, cancellationToken).ConfigureAwait(false) is { } existing)
        {
            log.WriteLine($"Adopted the imported model {importedModelName}, imported by an earlier attempt.");
            return Result(importedModelName, new JsonObject { ["ModelArn"] = existing.Arn, ["ModelName"] = existing.Name });
        }

        var token = ImportNames.ClientRequestToken(request);
        var jobName = ImportNames.JobName(modelName, contentKey, token);
        var jobArn = await bedrock.CreateModelImportJobAsync(jobName, importedModelName, roleArn, s3Uri, token, cancellationToken).ConfigureAwait(false);
        log.WriteLine($"Started import job {jobArn} of {s3Uri} as {importedModelName}.");
        return Result(importedModelName, new JsonObject { ["JobArn"] = jobArn });
    }

    private async Task<JsonObject> UpdateAsync(JsonObject request, JsonObject properties, CancellationToken cancellationToken)
    {
        var old = request["OldResourceProperties"] as JsonObject ?? [];
        var physicalId = Required(request, "PhysicalResourceId");
        var reimport = ImportNames.ContentProperties.Any(p => (string?)old[p] != (string?)properties[p]);
        var existing = reimport ? null : await bedrock.GetImportedModelAsync(physicalId, cancellationToken).ConfigureAwait(false);
        if (existing is null)
        {
            // A new physical id: CloudFormation then sends a delete for the old model. A rollback to earlier content
            // derives the earlier name and adopts the model that is still there.
            return await CreateAsync(request, properties, cancellationToken).ConfigureAwait(false);
        }

        return Result(physicalId, new JsonObject { ["ModelArn"] = existing.Value.Arn, ["ModelName"] = existing.Value.Name });
    }

    private async Task<JsonObject> DeleteAsync(JsonObject request, JsonObject properties, CancellationToken cancellationToken)
    {
        var physicalId = Required(request, "PhysicalResourceId");
        if ((string?)properties["RetainOnDelete"] == "true")
        {
            log.WriteLine($"Keeping imported model {physicalId}: RetainOnDelete is true.");
            return Result(physicalId, null);
        }

        // A create that failed before naming a model leaves a physical id chosen by the framework.
        if (!ImportedModelNameRules.MatchesPattern(physicalId))
        {
            log.WriteLine($"Nothing to delete: '{physicalId}' is not an imported model name.");
            return Result(physicalId, null);
        }

        // The job first, then the model: a job that completes between the two calls leaves a model that is then deleted.
        if (await FindRunningJobAsync(physicalId, cancellationToken).ConfigureAwait(false) is { } running)
        {
            log.WriteLine($"Import job {running.JobArn} is still creating {physicalId}: waiting for it to end, then deleting the model.");
            return Result(physicalId, new JsonObject { ["JobArn"] = running.JobArn });
        }

        await DeleteModelAsync(physicalId, cancellationToken).ConfigureAwait(false);
        return Result(physicalId, null);
    }

    private async Task<JsonObject> FinishDeleteAsync(string physicalId, ImportJob job, CancellationToken cancellationToken)
    {
        switch (job.Status)
        {
            case InProgress:
                log.WriteLine($"Import job {job.JobArn} is still creating {physicalId}.");
                return new JsonObject { ["IsComplete"] = false };
            case "Completed":
                await DeleteModelAsync(physicalId, cancellationToken).ConfigureAwait(false);
                break;
            default:
                log.WriteLine($"Import job {job.JobArn} ended {job.Status}: it created no model {physicalId}.");
                break;
        }

        return new JsonObject { ["IsComplete"] = true };
    }

    private async Task DeleteModelAsync(string name, CancellationToken cancellationToken)
    {
        var deleted = await bedrock.DeleteImportedModelAsync(name, cancellationToken).ConfigureAwait(false);
        log.WriteLine(deleted ? $"Deleted imported model {name}." : $"Imported model {name} was already gone.");
    }

    private async Task<ImportJobSummary?> FindRunningJobAsync(string importedModelName, CancellationToken cancellationToken)
    {
        if (ImportNames.KeyOf(importedModelName) is not { } key)
        {
            return null;
        }

        // nameContains matches substrings of any job name in the account: the model name picks this import's jobs.
        var jobs = await bedrock.ListModelImportJobsAsync(key, InProgress, cancellationToken).ConfigureAwait(false);
        return jobs.FirstOrDefault(j => j.Status == InProgress && j.ImportedModelName == importedModelName);
    }

    private static JsonObject Result(string physicalId, JsonObject? data)
    {
        var result = new JsonObject { ["PhysicalResourceId"] = physicalId };
        if (data is not null)
        {
            result["Data"] = data;
        }

        return result;
    }

    private async Task PublishAsync(JsonObject request, ImportJob job, CancellationToken cancellationToken)
    {
        var detail = new JsonObject
        {
            ["status"] = job.Status,
            ["jobArn"] = job.JobArn,
            ["jobName"] = job.JobArn.Split('/')[^1],
            ["importedModelName"] = job.ImportedModelName ?? (string?)request["PhysicalResourceId"],
        };
        if (job.Status == ModelImportEvents.StatusCompleted)
        {
            detail["importedModelArn"] = job.ImportedModelArn;
        }
        else
        {
            detail["failureMessage"] = job.FailureMessage;
        }

        detail["stackId"] = (string?)request["StackId"];
        detail["logicalResourceId"] = (string?)request["LogicalResourceId"];
        try
        {
            await events.PutEventAsync(ModelImportEvents.Source, ModelImportEvents.DetailType, [job.JobArn], detail, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is AwsApiException or InvalidOperationException or HttpRequestException)
        {
            // The import itself succeeded or failed on its own; a lost notification must not change that outcome.
            log.WriteLine($"Could not put the {job.Status} event of {job.JobArn} on the default bus: {e.Message}");
        }
    }

    private static string Required(JsonObject node, string name)
        => (string?)node[name] is { Length: > 0 } value ? value : throw new ArgumentException($"The request has no {name}.");
}
