using System.CommandLine;
using LlmHosting.Cli.Prepare;
using LlmHosting.ModelValidation;

namespace LlmHosting.Cli.Commands;

/// <summary>
/// <c>llmhost prepare-model &lt;folder&gt; [--fix]</c>: reports what stands between a downloaded model folder and an
/// upload (index root fields, missing or unnamed shards, files that must not be uploaded), repairs it with
/// <c>--fix</c> (keeping every original), and ends with validate-model's verdict on the folder. Exit codes: 0 the
/// folder is ready, 1 problems remain, 2 the folder cannot be read.
/// </summary>
internal static class PrepareModelCommand
{
    public static Command Create() => Create(new ClientDependencies());

    internal static Command Create(ClientDependencies dependencies)
    {
        var folder = new Argument<string>("folder") { Description = "The local model folder (what hf download --local-dir wrote)." };
        var fix = new Option<bool>("--fix") { Description = "Repair what can be repaired: originals of changed files go to <folder>.backup/, moved files to <folder>.excluded/; nothing is deleted. Start files the model needs (gpt-oss: tiktoken/o200k_base.tiktoken) are downloaded from their published address and checked against the published SHA-256." };
        var from = new Option<string?>("--from") { Description = "With --fix, on a machine without internet: take the start files from this file or folder instead of downloading them (checked against the published SHA-256 all the same)." };
        var rules = ValidateModelCommand.RulesOption();
        var model = ValidateModelCommand.ModelOption();
        var command = new Command("prepare-model", "Report, and with --fix repair, what keeps a downloaded model folder from being uploaded and loaded.") { folder, fix, from, rules, model };
        command.SetAction(async (result, cancellationToken) =>
        {
            var (output, error) = (result.InvocationConfiguration.Output, result.InvocationConfiguration.Error);
            try
            {
                var contract = ValidateModelCommand.ParseModel(result.GetValue(model), dependencies);
                if (result.GetValue(from) is not null && !result.GetValue(fix))
                {
                    throw new CliException("--from gives the start files --fix adds: pass --fix with it.");
                }

                return await RunAsync(
                    new PrepareRequest(result.GetValue(folder)!, result.GetValue(fix), result.GetValue(from), ValidateModelCommand.ParseRules(result.GetValue(rules)), contract),
                    dependencies, output, error, cancellationToken).ConfigureAwait(false);
            }
            catch (CliException e)
            {
                await error.WriteLineAsync($"error: {e.Message}").ConfigureAwait(false);
                return ValidateModelCommand.ExitUnreadable;
            }
        });
        return command;
    }

    internal static async Task<int> RunAsync(PrepareRequest request, ClientDependencies dependencies, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var (folder, fix, rules) = (request.Folder, request.Fix, request.Rules);
        var path = Path.Combine(dependencies.WorkingDirectory, folder);
        if (!Directory.Exists(path))
        {
            await error.WriteLineAsync(File.Exists(path)
                ? $"error: '{folder}' is a file, not a model folder: give the folder that holds config.json and the weights."
                : $"error: Model folder '{folder}' does not exist.").ConfigureAwait(false);
            return ValidateModelCommand.ExitUnreadable;
        }

        var preparation = new FolderPreparation(path, rules, request.Contract, dependencies.StartContracts, new StartFileSource(request.From, dependencies));
        IReadOnlyList<Finding> findings;
        try
        {
            findings = fix ? await preparation.FixAsync(cancellationToken).ConfigureAwait(false) : await preparation.AnalyzeAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            await error.WriteLineAsync($"error: {e.Message}").ConfigureAwait(false);
            return ValidateModelCommand.ExitUnreadable;
        }
        catch (StartFileRefusedException e)
        {
            await error.WriteLineAsync($"error: {e.Message}").ConfigureAwait(false);
            return ValidateModelCommand.ExitProblems;
        }

        await output.WriteLineAsync($"Preparing {Path.GetFullPath(path)} for {ModelFolderValidator.ServiceName(rules)}").ConfigureAwait(false);
        foreach (var finding in findings)
        {
            var action = finding.Fix is null ? " (cannot be fixed here)" : fix ? $": {finding.Fix}" : "";
            await output.WriteLineAsync($"  {finding.Key}: {finding.Problem}{action}").ConfigureAwait(false);
        }

        if (fix && findings.Any(f => f.Fix is not null))
        {
            await output.WriteLineAsync($"  originals of changed files: {preparation.BackupDirectory}; moved files: {preparation.ExcludedDirectory}").ConfigureAwait(false);
        }
        else if (!fix && findings.Count(f => f.Fix is not null) is var fixable and > 0)
        {
            await output.WriteLineAsync($"  {fixable} of these can be repaired with --fix (nothing is deleted: originals go to {preparation.BackupDirectory}, moved files to {preparation.ExcludedDirectory}).").ConfigureAwait(false);
        }
        else if (findings.Count == 0)
        {
            await output.WriteLineAsync("  nothing to prepare").ConfigureAwait(false);
        }

        return await ValidateModelCommand.RunAsync(folder, null, rules, request.Contract, dependencies, output, error, cancellationToken).ConfigureAwait(false);
    }
}

/// <summary>The options of one prepare-model run.</summary>
internal sealed record PrepareRequest(string Folder, bool Fix, string? From, ModelFolderRules Rules, StartContract? Contract);
