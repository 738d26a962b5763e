using System.Diagnostics;
using System.Reflection;

namespace LlmHosting.Cli.Tests;

/// <summary>
/// Runs the real <c>llmhost</c> program, as a user does: commands registered by CliApp, credentials from the
/// AWSSDK.Core default chain (here environment variables), the prompt on standard input.
/// </summary>
public sealed class LlmhostProcessTests
{
    private const string SessionToken = "FwoGZXIvYXdzEXAMPLE//session+token=";

    private static readonly string LlmhostDll = Path.GetFullPath(typeof(LlmhostProcessTests).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "LlmhostDll").Value!);

    [Fact]
    public async Task Chat_CredentialsFromEnvironment_StreamsTheReply()
    {
        await using var server = await FakeOpenAiServer.StartAsync("eu-west-1");

        var (code, output, error) = await RunAsync(
            ["chat", "--base-url", server.BaseUrl("ok", "qwen3-4b").ToString(), "--model", "qwen"],
            stdin: "Hello from stdin",
            ("AWS_ACCESS_KEY_ID", "AKIDCHILDPROCESS"), ("AWS_SECRET_ACCESS_KEY", "child/secret+key"),
            ("AWS_SESSION_TOKEN", SessionToken), ("AWS_REGION", "eu-west-1"));

        Assert.True(code == 0, error);
        Assert.Equal(FakeOpenAiServer.Reply, output.TrimEnd());
        Assert.Empty(server.Rejections);
        var seen = Assert.Single(server.Requests);
        Assert.Equal("AKIDCHILDPROCESS", seen.AccessKey);
        Assert.Equal(SessionToken, seen.SessionToken);
        Assert.Equal("Hello from stdin", seen.Body!["messages"]![0]!["content"]!.ToString());
    }

    [Fact]
    public async Task Chat_NoCredentialsAnywhere_ExplainsAndExitsWith2()
    {
        var (code, _, error) = await RunAsync(
            ["chat", "Hi", "--base-url", "http://127.0.0.1:9/endpoints/x/openai/v1", "--region", "us-east-1"], stdin: null);

        Assert.Equal(2, code);
        Assert.Equal("error: No AWS credentials found in the environment, the shared config and credentials files, or container or instance metadata: set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or run aws sso login." + Environment.NewLine, error);
    }

    [Fact]
    public async Task UploadModel_NoCredentialsAnywhere_ExplainsAndExitsWith2BeforeSendingAnything()
    {
        var folder = LlmHosting.TestSupport.ModelFolderBuilder.NewTempFolder(LlmHosting.TestSupport.ModelFolderBuilder.Valid());
        try
        {
            var (code, _, error) = await RunAsync(
                ["upload-model", folder, "s3://bucket/models/m/", "--state-dir", Path.Combine(folder, "..", Path.GetFileName(folder) + "-state")],
                stdin: null, ("AWS_ENDPOINT_URL", "http://127.0.0.1:9"));

            Assert.Equal(2, code);
            Assert.Equal("error: No AWS credentials found in the environment, the shared config and credentials files, or container or instance metadata: set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or run aws sso login." + Environment.NewLine, error);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    internal static Task<(int ExitCode, string Output, string Error)> RunAsync(string[] args, string? stdin, params (string Name, string Value)[] environment) =>
        RunAsync(args, stdin, workingDirectory: null, environment);

    /// <summary>Runs llmhost in <paramref name="workingDirectory"/> (default: the test's) with only the given AWS_* variables.</summary>
    internal static async Task<(int ExitCode, string Output, string Error)> RunAsync(string[] args, string? stdin, string? workingDirectory, params (string Name, string Value)[] environment)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory ?? Directory.GetCurrentDirectory(),
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(LlmhostDll);
        foreach (var argument in args)
        {
            start.ArgumentList.Add(argument);
        }

        // Nothing from the machine's AWS setup may leak in, and nothing may reach the instance metadata service.
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("AWS_", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(name);
        }

        var empty = Path.Combine(AppContext.BaseDirectory, "no-such-aws-file");
        start.Environment["AWS_SHARED_CREDENTIALS_FILE"] = empty;
        start.Environment["AWS_CONFIG_FILE"] = empty;
        start.Environment["AWS_EC2_METADATA_DISABLED"] = "true";
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        await process.StandardInput.WriteAsync(stdin ?? string.Empty);
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("llmhost did not finish within 60 s");
        }

        return (process.ExitCode, await output, await error);
    }
}
