using System.CommandLine;
using Amazon.S3;
using LlmHosting.Cli.Upload;
using LlmHosting.ModelValidation;

namespace LlmHosting.Cli.Commands;

/// <summary>
/// <c>llmhost validate-model &lt;folder&gt;</c>: checks a model folder (local, or <c>s3://bucket/prefix/</c>)
/// against Bedrock Custom Model Import's rules (or, with <c>--for sagemaker</c>, vLLM on SageMaker's) with the same
/// validator as the import handler, prints every problem with its key, and exits 1 when there is any (2 when the
/// folder cannot be read).
/// </summary>
internal static class ValidateModelCommand
{
    public const int ExitProblems = 1;
    public const int ExitUnreadable = 2;

    public static Command Create() => Create(new ClientDependencies());

    /// <summary>The <c>--for</c> option shared by the model commands.</summary>
    internal static Option<string> RulesOption() => new Option<string>("--for")
    {
        Description = "Whose rules to check against: bedrock (Custom Model Import, the strictest) or sagemaker (vLLM on a SageMaker endpoint).",
        DefaultValueFactory = _ => "bedrock",
    }.AcceptOnlyFromAmong("bedrock", "sagemaker");

    internal static ModelFolderRules ParseRules(string? value) => value == "sagemaker" ? ModelFolderRules.SageMaker : ModelFolderRules.Bedrock;

    /// <summary>The <c>--model</c> option shared by the model commands.</summary>
    internal static Option<string?> ModelOption() => new("--model")
    {
        Description = $"The catalog model the folder is for ({string.Join(", ", StartContract.ModelNamesOfAll)}): its start contract says which files "
            + "the serving container reads besides the weights. Default: recognised from config.json's model_type (gpt_oss is gpt-oss).",
    };

    /// <summary>The start contract of a <c>--model</c> name among the dependencies' contracts; null without a name.</summary>
    internal static StartContract? ParseModel(string? name, ClientDependencies dependencies)
    {
        if (name is null)
        {
            return null;
        }

        var rule = StartContract.ForModelName(name)
            ?? throw new CliException($"--model '{name}' is not a catalog model; known: {string.Join(", ", StartContract.ModelNamesOfAll)}. Leave it out to recognise the model from config.json.");
        return dependencies.StartContracts.FirstOrDefault(c => c.Name == rule.Name) ?? rule;
    }

    internal static Command Create(ClientDependencies dependencies)
    {
        var folder = new Argument<string>("folder")
        {
            Description = "The model folder: a local path, or s3://bucket/prefix/ (read with the default AWS credentials).",
        };
        var endpoint = new Option<string?>("--endpoint-url")
        {
            Description = "S3 endpoint to use for an s3:// folder instead of AWS's (for example a local S3 emulator). Default: AWS_ENDPOINT_URL_S3, else AWS_ENDPOINT_URL.",
        };
        var rules = RulesOption();
        var model = ModelOption();
        var command = new Command("validate-model", "Check a model folder (local or in S3) before it is uploaded, served by vLLM on SageMaker or imported into Amazon Bedrock.")
        {
            folder,
            endpoint,
            rules,
            model,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            StartContract? contract;
            try
            {
                contract = ParseModel(result.GetValue(model), dependencies);
            }
            catch (CliException e)
            {
                await result.InvocationConfiguration.Error.WriteLineAsync($"error: {e.Message}").ConfigureAwait(false);
                return ExitUnreadable;
            }

            return await RunAsync(
                result.GetValue(folder)!, result.GetValue(endpoint), ParseRules(result.GetValue(rules)), contract, dependencies,
                result.InvocationConfiguration.Output, result.InvocationConfiguration.Error, cancellationToken).ConfigureAwait(false);
        });
        return command;
    }

    internal static async Task<int> RunAsync(
        string location, string? endpointUrl, ModelFolderRules rules, StartContract? contract, ClientDependencies dependencies, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        ModelFolderReport report;
        try
        {
            using var s3 = location.StartsWith("s3://", StringComparison.Ordinal) ? S3ClientFactory.Create(endpointUrl, dependencies) : null;
            IModelFolder folder = s3 is null ? new LocalModelFolder(Path.Combine(dependencies.WorkingDirectory, location)) : S3ModelFolder.FromUri(s3, location);
            await output.WriteLineAsync($"Checking {folder.Location}").ConfigureAwait(false);
            report = await ModelFolderValidator.ValidateAsync(
                folder, new ModelFolderCheck { Rules = rules, StartContract = contract, Contracts = dependencies.StartContracts }, cancellationToken).ConfigureAwait(false);
        }
        catch (CliException e)
        {
            await error.WriteLineAsync($"error: {e.Message}").ConfigureAwait(false);
            return ExitUnreadable;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or AmazonS3Exception or Amazon.Runtime.AmazonClientException)
        {
            await error.WriteLineAsync($"error: {e.Message}").ConfigureAwait(false);
            return ExitUnreadable;
        }

        await output.WriteLineAsync($"  {report.FileCount} files, {ModelFolderValidator.FormatSize(report.TotalSizeInBytes)}").ConfigureAwait(false);
        if (report.IsValid)
        {
            await output.WriteLineAsync(rules == ModelFolderRules.Bedrock
                ? "OK: the folder meets Bedrock Custom Model Import's requirements."
                : "OK: the folder meets the requirements of vLLM on SageMaker.").ConfigureAwait(false);
            return 0;
        }

        await output.WriteLineAsync($"{report.Problems.Count} problem(s):").ConfigureAwait(false);
        foreach (var problem in report.Problems)
        {
            await output.WriteLineAsync($"  {(problem.Key.Length == 0 ? "(folder)" : problem.Key)}: {problem.Message}").ConfigureAwait(false);
        }

        return ExitProblems;
    }
}
