using System.CommandLine;
using Amazon.Runtime;
using Amazon.S3;
using LlmHosting.Cli.Upload;
using LlmHosting.ModelValidation;

namespace LlmHosting.Cli.Commands;

/// <summary>
/// <c>llmhost upload-model &lt;folder&gt; [s3://bucket/prefix/]</c>: checks the folder, then uploads every file that
/// is not excluded (<see cref="UploadExclusions"/>) and not already there, resumes interrupted multipart uploads,
/// and writes the weights manifest beside the prefix. Exit codes: 0 done, 1 folder invalid or upload failed,
/// 2 bad input or nothing could be sent (folder, destination, credentials, bucket, access), 130 interrupted.
/// </summary>
internal static class UploadModelCommand
{
    public const int ExitInvalidFolder = 1;
    public const int ExitInterrupted = 130;

    public static Command Create() => Create(new ClientDependencies());

    /// <param name="dependencies">Credentials, environment and working directory.</param>
    /// <param name="configureS3">Lets tests wrap the S3 client's HTTP traffic.</param>
    internal static Command Create(ClientDependencies dependencies, Action<AmazonS3Config>? configureS3 = null)
    {
        var folder = new Argument<string>("folder") { Description = "The local model folder (what hf download --local-dir wrote)." };
        var destination = new Argument<string?>("destination")
        {
            Description = "s3://bucket/prefix/; or leave it out and pass --env and --prefix.",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var environment = new Option<string?>("--env") { Description = "Take the bucket from this environment's ModelBucketName stack output (its <namePrefix>-storage stack, else <namePrefix>-model-hosting)." };
        var prefix = new Option<string?>("--prefix") { Description = "With --env: the model's prefix in the bucket, for example models/gpt-oss-20b/." };
        var outputsFile = new Option<string>("--outputs-file") { Description = "The file written by `cdk deploy --outputs-file`.", DefaultValueFactory = _ => ChatCommand.DefaultOutputsFile };
        var rules = ValidateModelCommand.RulesOption();
        var model = ValidateModelCommand.ModelOption();
        var force = new Option<bool>("--force") { Description = "Upload even when the folder has problems." };
        var dryRun = new Option<bool>("--dry-run") { Description = "Show what would be sent, send nothing." };
        var partSize = new Option<int>("--part-size") { Description = "Multipart part size in MiB (5-5120); raised for files that would need more than 10,000 parts.", DefaultValueFactory = _ => (int)(PartLayout.DefaultPartSize >> 20) };
        var concurrency = new Option<int>("--concurrency") { Description = "Parts sent at the same time (1-64).", DefaultValueFactory = _ => 8 };
        var manifestOut = new Option<string?>("--manifest-out") { Description = "Also write the weights manifest to this local file (to commit it beside the environment's configuration)." };
        var endpoint = new Option<string?>("--endpoint-url") { Description = "S3 endpoint; default: AWS_ENDPOINT_URL_S3, else AWS_ENDPOINT_URL, else AWS's." };
        var stateDirectory = new Option<string?>("--state-dir") { Description = "Where hashes and unfinished uploads are remembered between runs. Default: $XDG_CACHE_HOME/llmhost/uploads or ~/.cache/llmhost/uploads." };
        var command = new Command("upload-model", "Upload a model folder to the model bucket: skips unchanged files, resumes interrupted uploads, writes a weights manifest.")
        {
            folder, destination, environment, prefix, outputsFile, rules, model, force, dryRun, partSize, concurrency, manifestOut, endpoint, stateDirectory,
        };
        command.SetAction((result, cancellationToken) => RunAsync(
            new UploadRequest(
                result.GetValue(folder)!, result.GetValue(destination), result.GetValue(environment), result.GetValue(prefix), result.GetValue(outputsFile)!,
                ValidateModelCommand.ParseRules(result.GetValue(rules)), result.GetValue(force), result.GetValue(dryRun), result.GetValue(partSize),
                result.GetValue(concurrency), result.GetValue(manifestOut), result.GetValue(endpoint), result.GetValue(stateDirectory), result.GetValue(model)),
            dependencies, configureS3, result.InvocationConfiguration.Output, result.InvocationConfiguration.Error, cancellationToken));
        return command;
    }

    internal static async Task<int> RunAsync(
        UploadRequest request, ClientDependencies dependencies, Action<AmazonS3Config>? configureS3, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var progress = new UploadProgress(output, isTerminal: ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected);
        string bucket = "", prefix = "";
        try
        {
            var options = Check(request, dependencies);
            (bucket, prefix) = UploadDestination.Resolve(
                request.Destination, request.Environment, request.Prefix, Path.Combine(dependencies.WorkingDirectory, request.OutputsFile), Path.Combine(dependencies.WorkingDirectory, "cdk", "config"));
            var folder = OpenFolder(request.Folder, dependencies);
            var contract = ValidateModelCommand.ParseModel(request.Model, dependencies);
            await output.WriteLineAsync($"{(request.DryRun ? "Dry run: " : "")}{folder.Location} -> s3://{bucket}/{prefix}").ConfigureAwait(false);
            if (!await CheckFolderAsync(folder, request, new ModelFolderCheck { Rules = request.Rules, StartContract = contract, Contracts = dependencies.StartContracts }, output, error, cancellationToken).ConfigureAwait(false))
            {
                return ExitInvalidFolder;
            }

            var (files, excluded) = await LocalFile.ListAsync(folder, cancellationToken).ConfigureAwait(false);
            foreach (var group in excluded.GroupBy(k => UploadExclusions.ExcludedPath(k, UploadExclusions.Match(k)!)))
            {
                await output.WriteLineAsync($"  left out  {group.Key} ({group.Count()} file(s): {UploadExclusions.Match(group.First())!.Reason})").ConfigureAwait(false);
            }

            using var s3 = S3ClientFactory.Create(request.EndpointUrl, dependencies, configureS3);
            var state = UploadState.Load(options.StateDirectory, folder.Location);
            var summary = await new ModelUploader(s3, progress).RunAsync(files, state, options with { Bucket = bucket, Prefix = prefix }, cancellationToken).ConfigureAwait(false);
            progress.Finish();
            await ReportAsync(summary, bucket, prefix, request, dependencies, output).ConfigureAwait(false);
            return ExitCodes.Success;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            progress.Finish();
            await error.WriteLineAsync(
                "Interrupted. Run the same command again to resume: finished files are skipped, and the parts S3 already holds "
                + "(kept in its unfinished multipart uploads) are checked and not sent again.").ConfigureAwait(false);
            return ExitInterrupted;
        }
        catch (CliException e)
        {
            progress.Finish();
            await error.WriteLineAsync($"error: {e.Message}").ConfigureAwait(false);
            return e.ExitCode;
        }
        catch (Exception e) when (e is AmazonServiceException or AmazonClientException or HttpRequestException)
        {
            progress.Finish();
            var explained = UploadErrors.Explain(e, bucket, prefix);
            await error.WriteLineAsync($"error: {explained.Message}").ConfigureAwait(false);
            return explained.ExitCode;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            progress.Finish();
            await error.WriteLineAsync($"error: {e.Message}").ConfigureAwait(false);
            return ExitCodes.RequestFailed;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Whatever else goes wrong still ends with one line; its type tells a bug report where to look.
            progress.Finish();
            await error.WriteLineAsync($"error: the upload to s3://{bucket}/{prefix} failed ({e.GetType().Name}): {e.Message}").ConfigureAwait(false);
            return ExitCodes.RequestFailed;
        }
    }

    private static UploadOptions Check(UploadRequest request, ClientDependencies dependencies)
    {
        if (request.PartSizeInMiB is < 5 or > 5120)
        {
            throw new CliException($"--part-size {request.PartSizeInMiB} is out of range: S3 parts are 5 to 5120 MiB.");
        }

        if (request.Concurrency is < 1 or > 64)
        {
            throw new CliException($"--concurrency {request.Concurrency} is out of range: 1 to 64.");
        }

        var cacheHome = dependencies.Environment("XDG_CACHE_HOME") is { Length: > 0 } xdg ? xdg : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        return new UploadOptions
        {
            Bucket = "",
            Prefix = "",
            StateDirectory = request.StateDirectory ?? Path.Combine(cacheHome, "llmhost", "uploads"),
            PartSize = (long)request.PartSizeInMiB << 20,
            Concurrency = request.Concurrency,
            DryRun = request.DryRun,
        };
    }

    private static LocalModelFolder OpenFolder(string path, ClientDependencies dependencies)
    {
        try
        {
            return new LocalModelFolder(Path.Combine(dependencies.WorkingDirectory, path));
        }
        catch (DirectoryNotFoundException)
        {
            // The message names the path as the user gave it.
            throw new CliException(File.Exists(Path.Combine(dependencies.WorkingDirectory, path))
                ? $"'{path}' is a file, not a model folder: give the folder that holds config.json and the weights."
                : $"Model folder '{path}' does not exist.");
        }
    }

    private static async Task<bool> CheckFolderAsync(
        LocalModelFolder folder, UploadRequest request, ModelFolderCheck check, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var report = await ModelFolderValidator.ValidateAsync(UploadExclusions.Without(folder), check, cancellationToken).ConfigureAwait(false);
        await output.WriteLineAsync($"  {report.FileCount} files to upload, {ModelFolderValidator.FormatSize(report.TotalSizeInBytes)}").ConfigureAwait(false);
        if (report.IsValid)
        {
            return true;
        }

        foreach (var problem in report.Problems)
        {
            await output.WriteLineAsync($"  problem   {(problem.Key.Length == 0 ? "(folder)" : problem.Key)}: {problem.Message}").ConfigureAwait(false);
        }

        var service = ModelFolderValidator.ServiceName(request.Rules);
        if (request.Force)
        {
            await output.WriteLineAsync($"  uploading anyway (--force) although {service} will not load the folder as it is").ConfigureAwait(false);
            return true;
        }

        await error.WriteLineAsync($"error: {folder.Location} has {report.Problems.Count} problem(s) for {service} (listed above); nothing was uploaded. Fix them (llmhost prepare-model --fix), or pass --force.").ConfigureAwait(false);
        return false;
    }

    private static async Task ReportAsync(UploadSummary summary, string bucket, string prefix, UploadRequest request, ClientDependencies dependencies, TextWriter output)
    {
        if (summary.ExtraKeys.Count > 0)
        {
            await output.WriteLineAsync(
                $"  note: {summary.ExtraKeys.Count} object(s) under s3://{bucket}/{prefix} are not in the folder ({string.Join(", ", summary.ExtraKeys.Take(5))}{(summary.ExtraKeys.Count > 5 ? ", ..." : "")}); "
                + "they were left alone, but SageMaker and Bedrock read them and a check against the manifest reports them: remove them if they do not belong to the model.").ConfigureAwait(false);
        }

        if (summary.ForeignUploads > 0)
        {
            await output.WriteLineAsync($"  note: {summary.ForeignUploads} unfinished multipart upload(s) under the prefix were not started from this folder here; they were left alone (the bucket's lifecycle rule removes them).").ConfigureAwait(false);
        }

        var rate = summary.Elapsed.TotalSeconds > 0 ? summary.BytesSent / summary.Elapsed.TotalSeconds : 0;
        if (request.DryRun)
        {
            await output.WriteLineAsync($"Dry run: nothing was sent ({summary.Skipped} file(s) already there and unchanged).").ConfigureAwait(false);
            return;
        }

        await output.WriteLineAsync(
            $"Done: {summary.Uploaded} uploaded, {summary.Resumed} resumed, {summary.Skipped} skipped (unchanged); {ModelFolderValidator.FormatSize(summary.BytesSent)} sent in "
            + $"{UploadProgress.FormatDuration(summary.Elapsed)} ({UploadProgress.FormatRate(rate)}).").ConfigureAwait(false);
        await output.WriteLineAsync($"Manifest: s3://{bucket}/{WeightsManifest.KeyFor(prefix)} (fingerprint {summary.Manifest!.Fingerprint[..16]})").ConfigureAwait(false);
        if (request.ManifestOut is { } path)
        {
            // The README's --manifest-out cdk/config/manifests/... names a folder a fresh clone does not have yet.
            var file = Path.Combine(dependencies.WorkingDirectory, path);
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(file))!);
            await File.WriteAllTextAsync(file, summary.Manifest.ToJson()).ConfigureAwait(false);
            await output.WriteLineAsync($"Manifest written to {path}").ConfigureAwait(false);
        }
    }
}

/// <summary>The options of one upload-model run.</summary>
internal sealed record UploadRequest(
    string Folder, string? Destination, string? Environment, string? Prefix, string OutputsFile, ModelFolderRules Rules, bool Force, bool DryRun,
    int PartSizeInMiB, int Concurrency, string? ManifestOut, string? EndpointUrl, string? StateDirectory, string? Model = null);
