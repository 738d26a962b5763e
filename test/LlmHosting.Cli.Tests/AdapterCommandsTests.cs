using System.Text.Json.Nodes;
using Amazon.S3.Model;
using LlmHosting.Cli.Commands;
using LlmHosting.Cli.Tests.Upload;
using LlmHosting.TestSupport;

namespace LlmHosting.Cli.Tests;

/// <summary>
/// A LoRA adapter through the user's commands: <c>validate-model</c> and <c>prepare-model</c> recognise the folder,
/// <c>upload-model</c> sends the adapter.tar.gz its component reads (moto_server), and <c>chat --model</c> calls the
/// adapter's directory entry (the loopback fake), shaped as the app writes it (ModelDirectoryWiringTests).
/// </summary>
[Collection(MotoCollection.Name)]
public sealed class AdapterCommandsTests(MotoServer moto) : IAsyncLifetime, IDisposable
{
    private const string Region = "us-west-2";
    private readonly Workspace _workspace = new();
    private FakeOpenAiServer _server = null!;

    public async Task InitializeAsync() => _server = await FakeOpenAiServer.StartAsync(Region);

    public async Task DisposeAsync() => await _server.DisposeAsync();

    public void Dispose() => _workspace.Dispose();

    [Fact]
    public async Task ValidateModel_AdapterFolder_IsRecognised_AndCheckedAgainstItsBase()
    {
        var folder = AdapterFolderBuilder.NewTempFolder(AdapterFolderBuilder.Config(rank: 32, baseModel: "meta-llama/Llama-3.1-8B-Instruct"), AdapterFolderBuilder.Weights(rank: 32));

        var (plainCode, plain, _) = await Model(Cli.Dependencies(), "validate-model", folder);
        var (code, output, _) = await Model(Cli.Dependencies(), "validate-model", folder, "--base-model", "Qwen/Qwen3-4B", "--max-lora-rank", "16");

        Assert.Equal(0, plainCode);
        Assert.Contains("OK: the folder is a LoRA adapter vLLM can serve (pass --base-model and --max-lora-rank to check it against its base component).", plain, StringComparison.Ordinal);
        Assert.Equal(ValidateModelCommand.ExitProblems, code);
        Assert.Contains("2 problem(s):", output, StringComparison.Ordinal);
        Assert.Contains("  adapter_config.json: rank r 32 is above the base's maximum LoRA rank 16 (--max-lora-rank)", output, StringComparison.Ordinal);
        Assert.Contains("  adapter_config.json: base_model_name_or_path is 'meta-llama/Llama-3.1-8B-Instruct', but the base component serves Qwen/Qwen3-4B", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PrepareModel_AdapterFolder_MovesOutDownloadLeftovers_AndEndsWithTheAdaptersVerdict()
    {
        var folder = AdapterFolderBuilder.NewTempFolder(extra: new Dictionary<string, string> { [".cache/huggingface/download/adapter_config.json.lock"] = "" });

        var (code, output, error) = await Model(Cli.Dependencies(), "prepare-model", folder, "--fix");

        Assert.True(code == 0, error + output);
        Assert.Contains($"Preparing {folder} for a LoRA adapter inference component", output, StringComparison.Ordinal);
        Assert.Contains(".cache/ (1 file(s)): must not be uploaded", output, StringComparison.Ordinal);
        Assert.Contains("OK: the folder is a LoRA adapter vLLM can serve", output, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(folder, ".cache")));
    }

    [Fact]
    public async Task UploadModel_AdapterFolder_SendsItsArchive_OnceOnly_WhichTheBucketCheckAccepts()
    {
        using var run = new UploadHarness(moto);
        await run.CreateBucketAsync();
        var folder = AdapterFolderBuilder.NewTempFolder(extra: new Dictionary<string, string> { [".gitattributes"] = "*.safetensors filter=lfs" });
        var destination = $"s3://{run.Bucket}/models/qwen3-4b-support-lora/";

        var (code, output, error) = await run.RunAsync([folder, destination]);
        var (againCode, again, _) = await run.RunAsync([folder, destination]);

        Assert.True(code == 0, error + output);
        Assert.Contains("packed    2 file(s) (adapter_config.json, adapter_model.safetensors)", output, StringComparison.Ordinal);
        Assert.Contains("Done: 1 uploaded, 0 resumed, 0 skipped", output, StringComparison.Ordinal);
        Assert.Equal(0, againCode);
        Assert.Contains("Done: 0 uploaded, 0 resumed, 1 skipped", again, StringComparison.Ordinal);
        using var s3 = moto.S3();
        var keys = (await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = run.Bucket })).S3Objects.Select(o => o.Key).Order().ToList();
        Assert.Equal(["models/qwen3-4b-support-lora.llmhost-manifest.json", "models/qwen3-4b-support-lora/adapter.tar.gz"], keys);
        var dependencies = Cli.Dependencies();
        dependencies = new ClientDependencies
        {
            Credentials = dependencies.Credentials,
            Environment = name => name == "AWS_ENDPOINT_URL" ? moto.Endpoint : null,
            WorkingDirectory = run.Root,
        };
        var (checkCode, check, checkError) = await Model(dependencies, "validate-model", destination, "--base-model", "Qwen/Qwen3-4B", "--max-lora-rank", "16");
        Assert.True(checkCode == 0, check + checkError);
        Assert.Contains("OK: the folder is a LoRA adapter vLLM can serve on Qwen/Qwen3-4B with a maximum rank of 16.", check, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UploadModel_AdapterWithProblems_SendsNothing()
    {
        using var run = new UploadHarness(moto);
        var config = AdapterFolderBuilder.Config();
        config["use_dora"] = true;
        var folder = AdapterFolderBuilder.NewTempFolder(config);

        var (code, output, error) = await run.RunAsync([folder, $"s3://{run.Bucket}/models/x/"]);

        Assert.Equal(UploadModelCommand.ExitInvalidFolder, code);
        Assert.Contains("  problem   adapter_config.json: use_dora is true; vLLM does not serve DoRA adapters", output, StringComparison.Ordinal);
        Assert.Contains("has 1 problem(s) as a LoRA adapter vLLM would load (listed above); nothing was uploaded", error, StringComparison.Ordinal);
        Assert.Empty(run.Counter.Calls);
    }

    [Fact]
    public async Task Chat_AdapterByName_CallsItsComponentWithItsModelName()
    {
        // The entry as ModelDirectoryEntry.ForServedModel(AdapterComponent) writes it: the adapter component's URL, and its
        // component's name as the model (ModelDirectoryWiringTests checks dev's entry).
        var directory = new JsonObject
        {
            ["schemaVersion"] = 1,
            ["environment"] = "dev",
            ["models"] = new JsonArray(new JsonObject
            {
                ["name"] = "qwen3-4b-support",
                ["kind"] = "sagemaker-inference-component",
                ["region"] = Region,
                ["modelId"] = "llm-dev-shared-qwen3-4b-support",
                ["chatCompletionsBaseUrl"] = _server.BaseUrl("ok", "llm-dev-shared-qwen3-4b-support").ToString(),
                ["auth"] = "sagemaker-bearer-token",
                ["mayBeCold"] = true,
            }),
        };
        _workspace.Write("directory.json", directory.ToJsonString());

        var (code, output, error) = await Cli.RunAsync(Cli.Dependencies(workingDirectory: _workspace.Root), "chat", "Say hello", "--directory", "directory.json", "--model", "qwen3-4b-support");

        Assert.True(code == 0, error);
        Assert.Equal(FakeOpenAiServer.Reply + Environment.NewLine, output);
        var seen = Assert.Single(_server.Requests);
        Assert.Equal("/endpoints/ok/inference-components/llm-dev-shared-qwen3-4b-support/openai/v1/chat/completions", seen.RawTarget);
        Assert.Equal(("sagemaker", "bearer"), (seen.Service, seen.Scheme));
        Assert.Equal("llm-dev-shared-qwen3-4b-support", seen.Body!["model"]!.GetValue<string>());
    }

    // The model folder commands, as llmhost has them.
    private static async Task<(int ExitCode, string Output, string Error)> Model(ClientDependencies dependencies, params string[] args)
    {
        var root = new System.CommandLine.RootCommand { ValidateModelCommand.Create(dependencies), PrepareModelCommand.Create() };
        var output = new StringWriter();
        var error = new StringWriter();
        var exitCode = await root.Parse(args).InvokeAsync(new System.CommandLine.InvocationConfiguration { Output = output, Error = error });
        return (exitCode, output.ToString(), error.ToString());
    }
}
