using LlmHosting.TestSupport;

namespace LlmHosting.Cli.Tests;

/// <summary>
/// The one-line messages of mistakes a new user makes, from llmhost's whole command line (CliApp) in a working directory
/// shaped like the repository; the missing credentials from the real process, where the default chain finds none.
/// </summary>
public sealed class MessagesTests : IDisposable
{
    private readonly Workspace _workspace = new();

    public MessagesTests()
    {
        _workspace.Environment("dev", "llm-dev", "us-east-1");
        _workspace.Environment("staging", "llm-staging", "us-east-1");
    }

    public void Dispose() => _workspace.Dispose();

    [Fact]
    public async Task Models_EnvWithoutCredentials_SaysCredentialsAreMissingNotThatTheEnvironmentIsUndeployed()
    {
        var (code, output, error) = await LlmhostProcessTests.RunAsync(["models", "--env", "dev"], stdin: null, _workspace.Root, ("AWS_ENDPOINT_URL_SSM", "http://127.0.0.1:9"));

        Assert.Equal(2, code);
        Assert.Equal("", output);
        Assert.Equal(
            $"error: Cannot read the model directory of environment 'dev' without AWS credentials ({_workspace.Root}/cdk-outputs.json does not exist; "
            + "the SSM parameter /llm-dev/model-directory in us-east-1 needs them). No AWS credentials found in the environment, the shared config and "
            + "credentials files, or container or instance metadata: set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or run aws sso login, "
            + "or pass --directory <file>.",
            SingleLine(error));
    }

    [Fact]
    public async Task UploadModel_EnvWithoutOutputsFile_SuggestsDeployingStorageOrAnS3Destination()
    {
        var folder = ModelFolderBuilder.NewTempFolder(ModelFolderBuilder.Valid());
        try
        {
            var (code, _, error) = await RunAsync(["upload-model", folder, "--env", "dev", "--prefix", "models/m/"]);

            Assert.Equal(2, code);
            var outputs = Path.Combine(_workspace.Root, "cdk-outputs.json");
            Assert.Equal(
                $"error: Cannot read the outputs file {outputs}: Could not find file '{outputs}'. Deploy the environment's storage stack with "
                + $"`cdk deploy -c env=dev 'dev/Storage' --outputs-file {outputs}`, or give the destination as s3://bucket/prefix/.",
                SingleLine(error));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Theory]
    [InlineData("models", "--env", "devv")]
    [InlineData("chat", "--env", "devv", "--model", "gpt-oss-20b", "Hi")]
    public async Task Env_Unknown_ListsTheKnownEnvironments(params string[] args)
    {
        var (code, _, error) = await RunAsync(args);

        Assert.Equal(2, code);
        Assert.Equal(
            $"error: Unknown environment 'devv'. Known environments: dev, staging (the files of {_workspace.Root}/cdk/config); or pass --directory <file>.",
            SingleLine(error));
    }

    [Fact]
    public async Task UploadModel_UnknownEnv_ListsTheKnownEnvironments()
    {
        var folder = ModelFolderBuilder.NewTempFolder(ModelFolderBuilder.Valid());
        try
        {
            var (code, _, error) = await RunAsync(["upload-model", folder, "--env", "devv", "--prefix", "models/m/"]);

            Assert.Equal(2, code);
            Assert.Equal(
                $"error: Unknown environment 'devv'. Known environments: dev, staging (the files of {_workspace.Root}/cdk/config); or give the destination as s3://bucket/prefix/.",
                SingleLine(error));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task MainHelp_OptionalArgumentsInBrackets_AsInEachCommandsOwnUsage()
    {
        var (code, output, _) = await RunAsync(["--help"]);

        Assert.Equal(0, code);
        var commands = output.Split('\n').Select(l => l.TrimEnd()).SkipWhile(l => l != "Commands:").Skip(1).TakeWhile(l => l.Length > 0)
            .Select(l => string.Join(' ', l.Trim().Split("  ")[0])).ToList();
        Assert.Equal(
            ["chat [<prompt>]", "models", "token", "validate-model <folder>", "prepare-model <folder>", "upload-model <folder> [<destination>]", "impact"],
            commands);
    }

    [Fact]
    public async Task Chat_MistypedOption_OneLineWithTheClosestOptionNotSentAsThePrompt()
    {
        var (code, output, error) = await RunAsync(["chat", "--env", "dev", "--modle", "gpt-oss-20b"]);

        Assert.Equal(1, code);
        Assert.Equal("", output);
        Assert.Equal(
            "error: Unknown option '--modle' for llmhost chat; did you mean --model? (llmhost chat --help lists the options; a value that starts with '-' goes after --.)",
            SingleLine(error));
    }

    [Fact]
    public async Task Chat_PromptAfterDoubleDash_IsTakenLiterally()
    {
        var (code, _, error) = await RunAsync(["chat", "--env", "devv", "--model", "gpt-oss-20b", "--", "--not-an-option"]);

        Assert.Equal(2, code);
        Assert.StartsWith("error: Unknown environment 'devv'.", SingleLine(error));
    }

    private async Task<(int ExitCode, string Output, string Error)> RunAsync(string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var root = CliApp.Build(Cli.Dependencies(workingDirectory: _workspace.Root));
        var code = await CliApp.InvokeAsync(root, args, new System.CommandLine.InvocationConfiguration { Output = output, Error = error });
        return (code, output.ToString(), error.ToString());
    }

    private static string SingleLine(string error)
    {
        var lines = error.TrimEnd().Split('\n');
        Assert.True(lines.Length == 1, "expected one line, got:\n" + error);
        return lines[0].TrimEnd('\r');
    }
}
