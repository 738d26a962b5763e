using System.CommandLine;
using System.CommandLine.Help;
using LlmHosting.Cli.Commands;
using LlmHosting.Cli.Commands.Impact;
using LlmHosting.Cli.Parsing;

namespace LlmHosting.Cli;

/// <summary>The <c>llmhost</c> command line: one class per command under <c>Commands/</c>.</summary>
internal static class CliApp
{
    /// <param name="dependencies">What the client commands take from the machine; default: the real machine. Tests pass their own.</param>
    public static RootCommand Build(ClientDependencies? dependencies = null)
    {
        dependencies ??= new ClientDependencies();
        var root = new RootCommand("Tools for the LLM hosting app: prepare, check and upload model folders, call deployed models, review deployment impact.");
        root.Subcommands.Add(ChatCommand.Create(dependencies));
        root.Subcommands.Add(ModelsCommand.Create(dependencies));
        root.Subcommands.Add(TokenCommand.Create(dependencies));
        root.Subcommands.Add(ValidateModelCommand.Create());
        root.Subcommands.Add(PrepareModelCommand.Create());
        root.Subcommands.Add(UploadModelCommand.Create(dependencies));
        root.Subcommands.Add(ImpactCommand.Create());
        return root;
    }

    /// <summary>
    /// Parses and runs a command line the way the program does: a token that looks like an option but is none (a
    /// mistyped <c>--modle</c>) stops the run with one line instead of becoming the prompt or a folder, and the main
    /// help marks optional arguments.
    /// </summary>
    public static async Task<int> InvokeAsync(RootCommand root, string[] args, InvocationConfiguration? configuration = null, CancellationToken cancellationToken = default)
    {
        var help = root.Options.OfType<HelpOption>().Single();
        if (help.Action is not CommandListHelp)
        {
            help.Action = new CommandListHelp(help.Action!);
        }

        configuration ??= new InvocationConfiguration();
        var parse = root.Parse(args);
        if (UnknownOptions.Find(parse) is { } message)
        {
            await configuration.Error.WriteLineAsync("error: " + message);
            return ExitCodes.RequestFailed;
        }

        return await parse.InvokeAsync(configuration, cancellationToken);
    }
}
