using System.Diagnostics;

namespace LlmHosting.App.Tests;

/// <summary>The app as the CDK CLI runs it: a process that gets its context in CDK_CONTEXT_JSON.</summary>
public sealed class ProgramTests
{
    [Fact]
    public void Main_UnknownEnvironment_FailsWithOneLineListingKnownOnes()
    {
        var (exitCode, stderr) = Run(AppContext.BaseDirectory, """{"env":"prodd"}""");
        Assert.Equal(1, exitCode);
        Assert.Equal("error: Unknown environment 'prodd'. Known environments: dev, prod, staging.", Assert.Single(Lines(stderr)));
    }

    [Fact]
    public void Main_MalformedAccount_FailsWithOneLineNamingIt()
    {
        var copy = CopyAppWithConfig("staging.json", c => c.Replace("\"222222222222\"", "\"22222\""));
        try
        {
            var (exitCode, stderr) = Run(copy, "{}");
            Assert.Equal(1, exitCode);
            var line = Assert.Single(Lines(stderr));
            Assert.StartsWith("error: Invalid configuration for environment 'staging' (cdk/config/staging.json): ", line);
            Assert.Contains("account '22222' is not a 12-digit AWS account id", line);
        }
        finally
        {
            Directory.Delete(copy, recursive: true);
        }
    }

    [Fact]
    public void Main_MalformedRegion_FailsWithOneLineNamingIt()
    {
        var copy = CopyAppWithConfig("dev.json", c => c.Replace("\"us-east-1\"", "\"us-esat-1\""));
        try
        {
            var (exitCode, stderr) = Run(copy, "{}");
            Assert.Equal(1, exitCode);
            var line = Assert.Single(Lines(stderr));
            Assert.StartsWith("error: Invalid configuration for environment 'dev' (cdk/config/dev.json): ", line);
            Assert.Contains("region 'us-esat-1' is not an AWS region name", line);
        }
        finally
        {
            Directory.Delete(copy, recursive: true);
        }
    }

    [Fact]
    public void Main_ModelTooLargeForInstance_FailsWithOneLineNamingModelInstanceAndMemory()
    {
        var copy = CopyAppWithConfig("prod.json", c => c.Replace("ml.p5.48xlarge", "ml.g6.2xlarge"));
        try
        {
            var (exitCode, stderr) = Run(copy, """{"env":"prod"}""");
            Assert.Equal(1, exitCode);
            var line = Assert.Single(Lines(stderr));
            Assert.StartsWith("error: Invalid configuration for environment 'prod': endpoints[0] (gpt-oss-120b): Invalid VllmEndpointProps: model gpt-oss-120b needs 65 GiB", line);
            Assert.Contains("ml.g6.2xlarge offers 21.6 GiB", line);
        }
        finally
        {
            Directory.Delete(copy, recursive: true);
        }
    }

    // The jsii runtime may print a boxed warning about the Node.js version; it is not the app's output.
    private static IEnumerable<string> Lines(string stderr)
        => stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Where(l => !l.StartsWith("!!", StringComparison.Ordinal));

    private static (int ExitCode, string Stderr) Run(string directory, string context)
    {
        var start = new ProcessStartInfo("dotnet", [Path.Combine(directory, "LlmHosting.App.dll")])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            WorkingDirectory = Path.GetTempPath(),
        };
        start.Environment["CDK_CONTEXT_JSON"] = context;
        start.Environment["CDK_OUTDIR"] = Path.Combine(Path.GetTempPath(), "llmhosting-program-" + Guid.NewGuid().ToString("N"));
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        _ = process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(TimeSpan.FromSeconds(60)), "the app did not exit within 60 s");
        return (process.ExitCode, stderr.Result);
    }

    private static string CopyAppWithConfig(string file, Func<string, string> edit)
    {
        var copy = Path.Combine(Path.GetTempPath(), "llmhosting-app-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.Combine(copy, "config"));
        foreach (var path in Directory.GetFiles(AppContext.BaseDirectory))
        {
            File.Copy(path, Path.Combine(copy, Path.GetFileName(path)));
        }

        foreach (var path in Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "config")))
        {
            var text = File.ReadAllText(path);
            File.WriteAllText(Path.Combine(copy, "config", Path.GetFileName(path)), Path.GetFileName(path) == file ? edit(text) : text);
        }

        return copy;
    }
}
