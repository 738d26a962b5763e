using System.CommandLine;
using LlmHosting.Client;

namespace LlmHosting.Cli.Commands;

/// <summary>
/// <c>llmhost models</c>: lists the model directory of an environment (see <see cref="DirectoryLocator"/>): a table
/// (name, kind, region, model id, the Responses model id when a model offers the Responses API, auth, may be cold), or
/// the document as it is with <c>--json</c>.
/// </summary>
internal static class ModelsCommand
{
    public static Command Create() => Create(new ClientDependencies());

    internal static Command Create(ClientDependencies dependencies)
    {
        var environment = new Option<string?>("--env")
        {
            Description = $"The environment (dev, staging, prod...): its directory from {ChatCommand.DefaultOutputsFile} when present, else from the SSM parameter /<namePrefix>/model-directory.",
        };
        var directory = new Option<string?>("--directory")
        {
            Description = "A model directory file (the JSON document) instead of an environment.",
        };
        var outputsFile = new Option<string?>("--outputs-file")
        {
            Description = "With --env: read the directory from this `cdk deploy --outputs-file` file only.",
        };
        var json = new Option<bool>("--json")
        {
            Description = "Print the directory document as it is, instead of a table.",
        };
        var command = new Command("models", "List the models an environment serves or may use: the names to pass to chat --model.")
        {
            environment, directory, outputsFile, json,
        };
        command.Validators.Add(result =>
        {
            if (result.GetValue(directory) is not null && (result.GetValue(environment) is not null || result.GetValue(outputsFile) is not null))
            {
                result.AddError("Pass either --directory or --env (with --outputs-file), not both.");
            }
            else if (result.GetValue(outputsFile) is not null && result.GetValue(environment) is null)
            {
                result.AddError("--outputs-file needs --env: the environment names the stack to read.");
            }
        });
        command.SetAction(async (parse, cancellationToken) =>
        {
            var output = parse.InvocationConfiguration.Output;
            try
            {
                var models = await DirectoryLocator.LoadAsync(parse.GetValue(directory), parse.GetValue(outputsFile), parse.GetValue(environment), dependencies, cancellationToken);
                await output.WriteLineAsync(parse.GetValue(json) ? models.Json : Table(models));
                return ExitCodes.Success;
            }
            catch (CliException e)
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync("error: " + e.Message);
                return e.ExitCode;
            }
        });
        return command;
    }

    internal static string Table(ModelDirectory directory)
    {
        // The Responses model id (Mantle's name, e.g. openai.gpt-oss-120b) only when a model offers the Responses API.
        var responses = directory.Models.Any(m => m.ResponsesBaseUrl is not null);
        string[] header = responses
            ? ["NAME", "KIND", "REGION", "MODEL ID", "RESPONSES MODEL ID", "AUTH", "MAY BE COLD"]
            : ["NAME", "KIND", "REGION", "MODEL ID", "AUTH", "MAY BE COLD"];
        var rows = directory.Models
            .Select(m => responses
                ? new[] { m.Name, m.Kind.Name, m.Region, m.ModelId, m.ResponsesBaseUrl is null ? "-" : m.ResponsesModel, m.Auth.Name, m.MayBeCold ? "yes" : "no" }
                : [m.Name, m.Kind.Name, m.Region, m.ModelId, m.Auth.Name, m.MayBeCold ? "yes" : "no"])
            .Prepend(header)
            .ToList();
        var widths = Enumerable.Range(0, header.Length).Select(column => rows.Max(row => row[column].Length)).ToArray();
        var lines = rows.Select(row => string.Join("  ", row.Select((cell, column) => column == row.Length - 1 ? cell : cell.PadRight(widths[column]))));
        var title = $"Models of environment {directory.Environment} ({directory.Source}):";
        return string.Join(Environment.NewLine, lines.Prepend(title));
    }
}
