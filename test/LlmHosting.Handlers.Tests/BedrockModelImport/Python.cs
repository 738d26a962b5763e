using System.Diagnostics;

namespace LlmHosting.Lambda.BedrockModelImport.Tests;

/// <summary>Runs a python3 script (botocore, installed with the machine image, serves as the independent reference).</summary>
internal static class Python
{
    /// <summary>Runs <paramref name="script"/> with <paramref name="stdin"/> and returns its standard output; fails the test on an error.</summary>
    public static string Run(string script, string stdin)
    {
        var start = new ProcessStartInfo("python3", ["-c", script])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        process.StandardInput.Write(stdin);
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(TimeSpan.FromSeconds(30)), "python3 did not finish within 30 s");
        Assert.True(process.ExitCode == 0, "botocore failed: " + stderr.Result);
        return stdout.Result;
    }
}
