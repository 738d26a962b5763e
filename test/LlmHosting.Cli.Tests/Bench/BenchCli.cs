using System.CommandLine;
using LlmHosting.Cli.Commands.Bench;

namespace LlmHosting.Cli.Tests.Bench;

/// <summary>Runs <c>llmhost bench</c> in-process in a temporary working directory, with test credentials and AWS_REGION us-east-1.</summary>
internal sealed class BenchCli : IDisposable
{
    public const string Region = "us-east-1";

    public Workspace Workspace { get; } = new();

    public string Path(string name) => System.IO.Path.Combine(Workspace.Root, name);

    public async Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] args)
    {
        var root = new RootCommand { BenchCommand.Create(Cli.Dependencies(workingDirectory: Workspace.Root, awsRegion: Region)) };
        var output = new StringWriter();
        var error = new StringWriter();
        var exitCode = await root.Parse(["bench", .. args]).InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        return (exitCode, output.ToString(), error.ToString());
    }

    /// <summary>The table rows of a report, by concurrency: the cells of each row.</summary>
    public static Dictionary<string, string[]> Rows(string report) => report.Split('\n')
        .Where(line => line.StartsWith("| ", StringComparison.Ordinal) && char.IsDigit(line[2]))
        .Select(line => line.Trim().Trim('|').Split('|').Select(cell => cell.Trim()).ToArray())
        .ToDictionary(cells => cells[0]);

    public void Dispose() => Workspace.Dispose();
}
