using System.Diagnostics;
using Amazon.CDK;
using Amazon.JSII.Runtime.Deputy;

namespace LlmHosting.Constructs.Handlers;

/// <summary>
/// Local bundling of a .NET Lambda handler: <c>dotnet publish</c> into the asset folder, no Docker. It derives
/// from <see cref="DeputyBase"/> because CDK calls it through jsii; without that CDK would ignore it and try
/// Docker. A failed publish throws with the compiler's output rather than falling back to Docker.
/// </summary>
internal sealed class DotnetPublishBundling(string projectFile) : DeputyBase, ILocalBundling
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(10);

    public bool TryBundle(string outputDir, IBundlingOptions options)
    {
        var start = new ProcessStartInfo("dotnet",
        [
            "publish", projectFile, "--configuration", "Release", "--output", outputDir, "--nologo",
            "-p:UseAppHost=false", "-p:GenerateDocumentationFile=false", "-nodeReuse:false",
        ])
        {
            WorkingDirectory = Path.GetDirectoryName(projectFile)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";

        Console.Error.WriteLine($"Publishing {Path.GetFileName(projectFile)} (dotnet publish) into {outputDir}");
        using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start dotnet.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(Timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"dotnet publish {projectFile} did not finish within {Timeout.TotalMinutes} minutes.");
        }

        if (process.ExitCode != 0)
        {
            var output = (stdout.Result + stderr.Result).Split('\n').TakeLast(40);
            throw new InvalidOperationException($"dotnet publish {projectFile} failed with exit code {process.ExitCode}:\n{string.Join('\n', output)}");
        }

        return true;
    }
}
