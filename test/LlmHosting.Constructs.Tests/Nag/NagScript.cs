using System.Diagnostics;

namespace LlmHosting.Constructs.Tests.Nag;

/// <summary>Runs scripts/nag (and node) of this repository as a user would, bounded in time.</summary>
internal static class NagScript
{
    /// <summary>The repository root: the test binaries live below it.</summary>
    public static readonly string Root = FindRoot();

    /// <summary>The committed fixture templates.</summary>
    public static readonly string Fixtures = Path.Combine(Root, "test", "LlmHosting.Constructs.Tests", "Nag", "fixtures");

    public static string Fixture(string name) => Path.Combine(Fixtures, name + ".template.json");

    public static (int ExitCode, string Stdout, string Stderr) Run(params string[] args)
        => Start("bash", [Path.Combine(Root, "scripts", "nag"), .. args]);

    public static (int ExitCode, string Stdout, string Stderr) Node(string script, string stdin)
        => Start("node", ["-e", script], stdin);

    private static (int ExitCode, string Stdout, string Stderr) Start(string program, string[] args, string? stdin = null)
    {
        var start = new ProcessStartInfo(program, args)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = stdin is not null,
            WorkingDirectory = Root,
        };
        using var process = Process.Start(start)!;
        if (stdin is not null)
        {
            process.StandardInput.Write(stdin);
            process.StandardInput.Close();
        }

        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(60)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{program} {string.Join(' ', args)} did not exit within 60 s");
        }

        return (process.ExitCode, stdout.Result, stderr.Result);
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "scripts", "nag")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No scripts/nag above {AppContext.BaseDirectory}.");
    }
}
