using System.CommandLine;
using LlmHosting.Cli.Commands.Bench;
using LlmHosting.TestSupport;

namespace LlmHosting.Cli.Tests.Bench;

/// <summary>The README's "Benchmarking a model" section: its commands pass the parser and the checks, its table and error line are the tool's.</summary>
public sealed class BenchReadmeTests : IDisposable
{
    private static readonly string Section = ReadSection();
    private readonly BenchCli _cli = new();

    public void Dispose() => _cli.Dispose();

    public static TheoryData<string> Commands() => [.. Section.Split('\n').Where(line => line.StartsWith("llmhost bench ", StringComparison.Ordinal))];

    [Theory]
    [MemberData(nameof(Commands))]
    public async Task ReadmeCommand_ParsesAndPassesEveryCheck(string line)
    {
        BenchRequest? request = null;
        var root = new RootCommand
        {
            BenchCommand.Create(Cli.Dependencies(), (r, _, _, _, _) =>
            {
                request = r;
                return Task.FromResult(0);
            }),
        };
        var parse = root.Parse(line["llmhost ".Length..]);

        Assert.Empty(parse.Errors);
        Assert.Equal(0, await parse.InvokeAsync());
        var (settings, problems) = request!.Validate();
        Assert.Empty(problems);
        Assert.NotNull(settings);
    }

    [Fact]
    public void Readme_HasBothKindsOfCommand() => Assert.Equal(2, Commands().Count);

    [Fact]
    public async Task ReadmeTableAndErrorLine_AreWhatTheToolPrints()
    {
        await using var server = await ScriptedChatServer.StartAsync(_ => new ScriptStep(TimeSpan.Zero, TimeSpan.Zero, Tokens: 4));

        var (code, output, error) = await _cli.RunAsync("--base-url", server.BaseUrl.ToString(), "--model", "m", "--concurrency", "1,4", "--requests", "8", "--price-per-hour", "2");
        var (_, _, optionError) = await _cli.RunAsync("--base-url", server.BaseUrl.ToString(), "--model", "m", "--concurrency", "1,8", "--requests", "4");

        Assert.True(code == 0, error);
        var table = output.Split('\n').Where(l => l.StartsWith('|')).Take(2).ToList();
        Assert.Contains(string.Join('\n', table), Section);
        Assert.Contains("`" + optionError.TrimEnd() + "`", Section);
        Assert.Contains("--ignore-eos", Section);
    }

    private static string ReadSection()
    {
        var folder = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(folder.FullName, "Infra.sln")))
        {
            folder = folder.Parent ?? throw new InvalidOperationException("The repository root (Infra.sln) was not found above " + AppContext.BaseDirectory);
        }

        var readme = File.ReadAllText(Path.Combine(folder.FullName, "README.md"));
        var start = readme.IndexOf("## Benchmarking a model: `llmhost bench`", StringComparison.Ordinal);
        Assert.True(start >= 0, "README.md has no section \"Benchmarking a model: `llmhost bench`\"");
        var end = readme.IndexOf("\n## ", start + 3, StringComparison.Ordinal);
        return readme[start..(end < 0 ? readme.Length : end)];
    }
}
