using System.CommandLine;
using LlmHosting.Cli.Commands;
using LlmHosting.Cli.Commands.Bench;
using LlmHosting.Cli.Commands.Impact;

namespace LlmHosting.Cli;

/// <summary>The <c>llmhost</c> command line: one class per command under <c>Commands/</c>.</summary>
internal static class CliApp
{
    public static RootCommand Build()
    {
        var root = new RootCommand("Tools for the LLM hosting app: prepare, check and upload model folders, call deployed models, benchmark them, review deployment impact.");
        root.Subcommands.Add(ChatCommand.Create());
        root.Subcommands.Add(ModelsCommand.Create());
        root.Subcommands.Add(TokenCommand.Create());
        root.Subcommands.Add(ValidateModelCommand.Create());
        root.Subcommands.Add(PrepareModelCommand.Create());
        root.Subcommands.Add(UploadModelCommand.Create());
        root.Subcommands.Add(ImpactCommand.Create());
        root.Subcommands.Add(BenchCommand.Create());
        return root;
    }
}
