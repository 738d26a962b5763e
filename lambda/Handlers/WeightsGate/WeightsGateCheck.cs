using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Amazon.Runtime;
using Amazon.S3;
using LlmHosting.ModelValidation;

namespace LlmHosting.Lambda.WeightsGate;

/// <summary>The folder is not fit to be loaded; the message names the folder and every problem.</summary>
internal sealed class WeightsNotReadyException(string message) : Exception(message);

/// <summary>S3 could not be read; the message says why and what to do, without a stack trace.</summary>
internal sealed class WeightsUnreadableException(string message, Exception inner) : Exception(message, inner);

/// <summary>
/// The WeightsGate custom resource (CDK Provider framework, onEvent only): on create and update, lists the folder and
/// checks it with the rules of <c>llmhost validate-model</c> (<see cref="ModelFolderValidator"/>) and, when the
/// resource names the expected objects of an upload's manifest, compares them with the listing. Resource properties
/// (strings): <c>S3Uri</c>, <c>Rules</c> (<c>SageMaker</c> or <c>Bedrock</c>), optional <c>ExpectedFiles</c>
/// (<c>[{Key, Size, ETag}]</c>) and <c>StartFiles</c> (<c>[{Key, Sha256}]</c>: the files the start contracts of the
/// network-isolated models that read the folder need). Shards are read by their headers only. Data: <c>Fingerprint</c> (<see cref="WeightsManifest.Fingerprint"/> of the listing),
/// <c>FileCount</c>, <c>TotalBytes</c>. Deleting checks nothing.
/// </summary>
internal sealed class WeightsGateCheck(Func<string, S3ModelFolder> folderFor, TextWriter log)
{
    /// <summary>Problems listed in the failure message; CloudFormation shows a status reason of limited length.</summary>
    internal const int MaxProblemsInMessage = 15;

    public async Task<JsonObject> OnEventAsync(JsonObject request, CancellationToken cancellationToken)
    {
        var requestType = Required(request, "RequestType");
        if (requestType == "Delete")
        {
            return new JsonObject { ["PhysicalResourceId"] = Required(request, "PhysicalResourceId") };
        }

        if (requestType is not ("Create" or "Update"))
        {
            throw new ArgumentException($"Unknown RequestType '{requestType}'.");
        }

        var properties = request["ResourceProperties"] as JsonObject ?? [];
        var s3Uri = Required(properties, "S3Uri");
        var rulesName = Required(properties, "Rules");
        if (!Enum.TryParse<ModelFolderRules>(rulesName, ignoreCase: false, out var rules) || !Enum.IsDefined(rules))
        {
            throw new ArgumentException($"Rules '{rulesName}' is not one of {string.Join(", ", Enum.GetNames<ModelFolderRules>())}.");
        }

        var folder = folderFor(s3Uri);
        // The synthesized models say which start files they need (StartFiles); a folder only Bedrock imports needs none, so the
        // gate does not guess them from config.json as llmhost does.
        var check = new ModelFolderCheck { Rules = rules, StartContract = StartContract.HuggingFaceFolder, RequiredFiles = StartFiles(properties) };
        var (listing, report) = await ReadAsync(folder, check, s3Uri, cancellationToken).ConfigureAwait(false);
        var problems = report.Problems.Select(p => p.Key.Length == 0 ? $"(folder): {p.Message}" : p.ToString()).ToList();
        if (Expected(properties, folder.Prefix) is { } manifest)
        {
            problems.AddRange(manifest.Differences(listing).Select(d => $"{d} (the deployed manifest of the upload)"));
        }

        if (problems.Count > 0)
        {
            var shown = problems.Take(MaxProblemsInMessage).ToList();
            var more = problems.Count > shown.Count ? $"; and {problems.Count - shown.Count} more" : "";
            throw new WeightsNotReadyException(
                $"Model weights at {s3Uri} are not ready for {rules} ({problems.Count} problem(s)): {string.Join("; ", shown)}{more}. "
                + $"Upload them (llmhost upload-model), check them with `llmhost validate-model {s3Uri} --for {rules.ToString().ToLowerInvariant()}`, then deploy again.");
        }

        var fingerprint = new WeightsManifest(folder.Prefix, listing.Select(o => new ManifestEntry(o.Key, o.Size, "", o.ETag)).ToList()).Fingerprint;
        log.WriteLine(
            $"{s3Uri}: {listing.Count} objects, {ModelFolderValidator.FormatSize(report.TotalSizeInBytes)}, fit for {rules} ({check.RequiredFiles.Count} start file(s); "
            + $"{folder.GetRequests} GET request(s), {ModelFolderValidator.FormatSize(folder.BytesRead)} read); fingerprint {fingerprint}.");
        return new JsonObject
        {
            ["PhysicalResourceId"] = s3Uri,
            ["Data"] = new JsonObject
            {
                ["Fingerprint"] = fingerprint,
                ["FileCount"] = listing.Count.ToString(CultureInfo.InvariantCulture),
                ["TotalBytes"] = report.TotalSizeInBytes.ToString(CultureInfo.InvariantCulture),
            },
        };
    }

    private static async Task<(IReadOnlyList<StoredObject> Listing, ModelFolderReport Report)> ReadAsync(
        S3ModelFolder folder, ModelFolderCheck check, string s3Uri, CancellationToken cancellationToken)
    {
        try
        {
            var listing = await folder.ListObjectsAsync(cancellationToken).ConfigureAwait(false);
            var report = await ModelFolderValidator.ValidateAsync(folder, check, cancellationToken).ConfigureAwait(false);
            return (listing, report);
        }
        catch (AmazonS3Exception e) when (e.ErrorCode == "NoSuchBucket")
        {
            throw new WeightsUnreadableException(
                $"Cannot check {s3Uri}: bucket {folder.Bucket} does not exist. Deploy the environment's Storage stack first, or fix the configured bucket name.", e);
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.Forbidden)
        {
            throw new WeightsUnreadableException(
                $"Cannot check {s3Uri}: S3 denied access ({e.ErrorCode}). The check may list and read only this prefix: look for a bucket policy "
                + "or, with SSE-KMS, a key policy that denies its role, or a bucket in another account.", e);
        }
        catch (AmazonS3Exception e) when ((int)e.StatusCode is 503 or 429 || e.ErrorCode is "SlowDown" or "Throttling" or "RequestLimitExceeded")
        {
            throw new WeightsUnreadableException($"Cannot check {s3Uri}: S3 kept throttling the listing ({e.ErrorCode}) after retries. Deploy again in a few minutes.", e);
        }
        catch (AmazonS3Exception e)
        {
            throw new WeightsUnreadableException($"Cannot check {s3Uri}: S3 answered {(int)e.StatusCode} {e.ErrorCode}: {e.Message}", e);
        }
        catch (Exception e) when (e is AmazonClientException or HttpRequestException or IOException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            throw new WeightsUnreadableException($"Cannot check {s3Uri}: S3 could not be reached ({e.GetType().Name}: {e.Message}). Deploy again.", e);
        }
    }

    private static WeightsManifest? Expected(JsonObject properties, string prefix)
    {
        if (properties["ExpectedFiles"] is not JsonArray files)
        {
            return null;
        }

        var entries = files.Select((f, i) => new ManifestEntry(
                (string?)f?["Key"] ?? throw new ArgumentException($"ExpectedFiles[{i}] has no Key."),
                long.TryParse((string?)f!["Size"], NumberStyles.None, CultureInfo.InvariantCulture, out var size) ? size : throw new ArgumentException($"ExpectedFiles[{i}].Size is not a whole number."),
                "",
                (string?)f["ETag"] ?? throw new ArgumentException($"ExpectedFiles[{i}] has no ETag.")))
            .ToList();
        return new WeightsManifest(prefix, entries);
    }

    private static IReadOnlyList<StartFile> StartFiles(JsonObject properties)
        => properties["StartFiles"] is JsonArray files
            ? files.Select((f, i) => new StartFile(
                (string?)f?["Key"] ?? throw new ArgumentException($"StartFiles[{i}] has no Key."),
                (string?)f!["Sha256"] ?? throw new ArgumentException($"StartFiles[{i}] has no Sha256."),
                "",
                "")).ToList()
            : [];

    private static string Required(JsonObject node, string name)
        => (string?)node[name] is { Length: > 0 } value ? value : throw new ArgumentException($"The request has no {name}.");
}
