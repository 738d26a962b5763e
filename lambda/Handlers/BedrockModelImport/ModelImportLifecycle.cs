using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using LlmHosting.Constructs.Bedrock;
using LlmHosting.Rules;

namespace LlmHosting.Lambda.BedrockModelImport;

/// <summary>The import job failed; the message is Bedrock's own.</summary>
internal sealed class ModelImportFailedException(string jobArn, string? failureMessage)
    : Exception($"Bedrock model import job {jobArn} failed: {failureMessage ?? "Bedrock gave no failure message"}");

/// <summary>
/// The custom resource lifecycle for the CDK Provider framework: onEvent starts or deletes an import,
/// isComplete polls the job. Resource properties (all strings): <c>ModelName</c> (base name of the imported
/// model), <c>S3Uri</c> (the model folder), <c>RoleArn</c> (the Bedrock service role), <c>RetainOnDelete</c>
/// (<c>"true"</c> keeps the model when the resource is deleted), and <c>WeightsFingerprint</c> (from the stack's
/// WeightsGate, which has checked the folder with Bedrock's rules before this resource is created or updated; a new
/// fingerprint means new content and imports anew).
/// </summary>
internal sealed partial class ModelImportLifecycle(BedrockClient bedrock, EventsClient events, TextWriter log)
{
    /// <summary>Length of the suffix that makes each import's names unique.</summary>
    internal const int SuffixLength = ImportedModelNameRules.SuffixLength;

    public async Task<JsonObject> OnEventAsync(JsonObject request, CancellationToken cancellationToken)
    {
        var requestType = Required(request, "RequestType");
        var properties = request["ResourceProperties"] as JsonObject ?? [];
        switch (requestType)
        {
            case "Create":
                return await CreateAsync(request, properties, cancellationToken).ConfigureAwait(false);
            case "Update":
                return await UpdateAsync(request, properties, cancellationToken).ConfigureAwait(false);
            case "Delete":
                await DeleteAsync(request, properties, cancellationToken).ConfigureAwait(false);
                return new JsonObject { ["PhysicalResourceId"] = Required(request, "PhysicalResourceId") };
            default:
                throw new ArgumentException($"Unknown RequestType '{requestType}'.");
        }
    }

    public async Task<JsonObject> IsCompleteAsync(JsonObject request, CancellationToken cancellationToken)
    {
        var jobArn = (string?)request["Data"]?["JobArn"];
        if (Required(request, "RequestType") == "Delete" || jobArn is null)
        {
            // Deletes finish in onEvent, and an update that changed nothing Bedrock cares about started no job.
            return new JsonObject { ["IsComplete"] = true };
        }

        var job = await bedrock.GetModelImportJobAsync(jobArn, cancellationToken).ConfigureAwait(false);
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

    /// <summary>
    /// The idempotency token of an import. The CloudFormation request id stays the same when the same
    /// request is delivered again (a retried create), and differs for every new request (an update that
    /// replaces the model), so a retry gets the same job and a replacement gets a new one.
    /// </summary>
    internal static string ClientRequestToken(JsonObject request)
    {
        var key = string.Join('\n', Required(request, "StackId"), Required(request, "LogicalResourceId"), Required(request, "RequestId"));
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
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

        var token = ClientRequestToken(request);
        var importedModelName = $"{modelName}-{token[..SuffixLength]}";
        var jobName = importedModelName.Replace('_', '-');
        var jobArn = await bedrock.CreateModelImportJobAsync(jobName, importedModelName, roleArn, s3Uri, token, cancellationToken).ConfigureAwait(false);
        log.WriteLine($"Started import job {jobArn} of {s3Uri} as {importedModelName}.");
        return new JsonObject
        {
            ["PhysicalResourceId"] = importedModelName,
            ["Data"] = new JsonObject { ["JobArn"] = jobArn },
        };
    }

    private async Task<JsonObject> UpdateAsync(JsonObject request, JsonObject properties, CancellationToken cancellationToken)
    {
        var old = request["OldResourceProperties"] as JsonObject ?? [];
        var physicalId = Required(request, "PhysicalResourceId");
        var reimport = new[] { "ModelName", "S3Uri", "WeightsFingerprint" }.Any(p => (string?)old[p] != (string?)properties[p]);
        var existing = reimport ? null : await bedrock.GetImportedModelAsync(physicalId, cancellationToken).ConfigureAwait(false);
        if (existing is null)
        {
            // A new physical id: CloudFormation then sends a delete for the old model.
            return await CreateAsync(request, properties, cancellationToken).ConfigureAwait(false);
        }

        return new JsonObject
        {
            ["PhysicalResourceId"] = physicalId,
            ["Data"] = new JsonObject { ["ModelArn"] = existing.Value.Arn, ["ModelName"] = existing.Value.Name },
        };
    }

    private async Task DeleteAsync(JsonObject request, JsonObject properties, CancellationToken cancellationToken)
    {
        var physicalId = Required(request, "PhysicalResourceId");
        if ((string?)properties["RetainOnDelete"] == "true")
        {
            log.WriteLine($"Keeping imported model {physicalId}: RetainOnDelete is true.");
            return;
        }

        // A create that failed before naming a model leaves a physical id chosen by the framework.
        if (!ImportedModelNameRules.MatchesPattern(physicalId))
        {
            log.WriteLine($"Nothing to delete: '{physicalId}' is not an imported model name.");
            return;
        }

        var deleted = await bedrock.DeleteImportedModelAsync(physicalId, cancellationToken).ConfigureAwait(false);
        log.WriteLine(deleted ? $"Deleted imported model {physicalId}." : $"Imported model {physicalId} was already gone.");
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
