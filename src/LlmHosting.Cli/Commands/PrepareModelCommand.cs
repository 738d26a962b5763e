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
    public static Command Create()
    {
        var folder = new Argument<string>("folder") { Description = "The local model folder (what hf download --local-dir wrote)." };
        var fix = new Option<bool>("--fix") { Description = "Repair what can be repaired: originals of changed files go to <folder>.backup/, moved files to <folder>.excluded/; nothing is deleted." };
        var rules = ValidateModelCommand.RulesOption();
        var command = new Command("prepare-model", "Report, and with --fix repair, what keeps a downloaded model folder from being uploaded and loaded.") { folder, fix, rules };
        command.SetAction((result, cancellationToken) => RunAsync(
            result.GetValue(folder)!, result.GetValue(fix), ValidateModelCommand.ParseRules(result.GetValue(rules)),
            result.InvocationConfiguration.Output, result.InvocationConfiguration.Error, cancellationToken));
        return command;
    }

    internal static async Task<int> RunAsync(string folder, bool fix, ModelFolderRules rules, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        if (!Directory.Exists(folder))
        {
            await error.WriteLineAsync($"error: Model folder '{folder}' does not exist.").ConfigureAwait(false);
            return ValidateModelCommand.ExitUnreadable;
        }

        var preparation = new FolderPreparation(folder, rules);
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

        var adapter = LlmHosting.ModelValidation.Adapters.AdapterFolderValidator.IsAdapter(await UploadExclusions.Without(new LocalModelFolder(folder)).ListAsync(cancellationToken).ConfigureAwait(false));
        await output.WriteLineAsync($"Preparing {Path.GetFullPath(folder)} for {(adapter ? "a LoRA adapter inference component" : ModelFolderValidator.ServiceName(rules))}").ConfigureAwait(false);
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

        return await ValidateModelCommand.RunAsync(folder, null, rules, new ClientDependencies(), output, error, cancellationToken).ConfigureAwait(false);
    }
}
