using System.CommandLine;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using LlmHosting.Cli.Commands;
using LlmHosting.ModelValidation;
using LlmHosting.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LlmHosting.Cli.Tests.Commands;

/// <summary>
/// The start contract through the commands: validate-model refuses a gpt-oss folder without its vocabulary, prepare-model
/// --fix adds it from a loopback server standing in for the published address or from --from, and refuses another hash.
/// The contract here carries the fake vocabulary's hash; the real hash is compared with tiktoken's source in ModelValidation's tests.
/// </summary>
public sealed class StartFileTests : IAsyncLifetime
{
    private static readonly StartContract TestGptOss = StartContract.Of(
        "gpt-oss", ["gpt_oss"], [StartContract.GptOss.Files[0] with { Sha256 = ModelFolderBuilder.VocabularySha256 }]);

    private readonly string _root = Directory.CreateTempSubdirectory("llmhost-start-").FullName;
    private WebApplication _server = null!;
    private Uri _serverRoot = null!;
    private string _served = ModelFolderBuilder.FakeVocabulary;
    private readonly List<string> _requests = [];

    private string Folder => Path.Combine(_root, "gpt-oss-20b");

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        _server = builder.Build();
        _server.Run(async context =>
        {
            _requests.Add(context.Request.Path);
            if (context.Request.Path != "/encodings/o200k_base.tiktoken")
            {
                context.Response.StatusCode = 404;
                return;
            }

            await context.Response.WriteAsync(_served);
        });
        await _server.StartAsync();
        _serverRoot = new Uri(_server.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
        ModelFolderBuilder.WriteTo(Folder, ModelFolderBuilder.GptOss(withVocabulary: false));
    }

    public async Task DisposeAsync()
    {
        await _server.StopAsync();
        await _server.DisposeAsync();
        Directory.Delete(_root, recursive: true);
    }

    [Fact]
    public async Task ValidateModel_GptOssWithoutVocabulary_OneLineNamingTheFileAndTheFixCommand()
    {
        // The library's own contract: the real hash, recognised from config.json's model_type gpt_oss.
        var (code, output, _) = await Run(new ClientDependencies { WorkingDirectory = _root }, "validate-model", "gpt-oss-20b");

        Assert.Equal(ValidateModelCommand.ExitProblems, code);
        Assert.Contains("1 problem(s):", output);
        var line = Assert.Single(output.Split('\n'), l => l.Contains("tiktoken/o200k_base.tiktoken"));
        Assert.StartsWith("  tiktoken/o200k_base.tiktoken: missing; the gpt-oss serving container reads it at start", line);
        Assert.Contains($"`llmhost prepare-model {Folder} --fix`", line);
    }

    [Fact]
    public async Task ValidateModel_QwenFolderNamedAsGptOss_AppliesTheNamedContract()
    {
        ModelFolderBuilder.WriteTo(Folder, new Dictionary<string, string> { ["config.json"] = ModelFolderBuilder.Valid()["config.json"] });

        var recognised = await Run(Dependencies(), "validate-model", "gpt-oss-20b");
        var named = await Run(Dependencies(), "validate-model", "gpt-oss-20b", "--model", "gpt-oss-120b");
        var unknown = await Run(Dependencies(), "validate-model", "gpt-oss-20b", "--model", "gpt-9");

        Assert.Equal(0, recognised.ExitCode);
        Assert.Equal(ValidateModelCommand.ExitProblems, named.ExitCode);
        Assert.Contains("  tiktoken/o200k_base.tiktoken: missing", named.Output);
        Assert.Equal(ValidateModelCommand.ExitUnreadable, unknown.ExitCode);
        Assert.Contains("error: --model 'gpt-9' is not a catalog model; known: gpt-oss-20b, gpt-oss-120b, Qwen3-4B.", unknown.Error);
    }

    [Fact]
    public async Task PrepareModel_Fix_DownloadsTheVocabularyChecksItAndTheFolderIsValid()
    {
        var (code, output, error) = await Run(Dependencies(), "prepare-model", "gpt-oss-20b", "--fix", "--for", "sagemaker");

        Assert.True(code == 0, output + error);
        Assert.Contains($"  tiktoken/o200k_base.tiktoken: missing: the gpt-oss serving container reads it at start and cannot download it under network isolation: downloaded from {_serverRoot}encodings/o200k_base.tiktoken", output);
        Assert.Equal(["/encodings/o200k_base.tiktoken"], _requests);
        Assert.Equal(ModelFolderBuilder.FakeVocabulary, File.ReadAllText(Path.Combine(Folder, "tiktoken", "o200k_base.tiktoken")));
        Assert.Contains("OK: the folder meets the requirements of vLLM on SageMaker.", output);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task PrepareModel_FixFrom_TakesTheFileOrTheFolderWithoutTheNetwork(bool folder)
    {
        var offline = Path.Combine(_root, "offline");
        Directory.CreateDirectory(offline);
        File.WriteAllText(Path.Combine(offline, "o200k_base.tiktoken"), ModelFolderBuilder.FakeVocabulary);

        var (code, output, error) = await Run(Dependencies(), "prepare-model", "gpt-oss-20b", "--fix", "--from", folder ? "offline" : "offline/o200k_base.tiktoken");

        Assert.True(code == 0, output + error);
        Assert.Empty(_requests);
        Assert.Contains($"copied from {Path.Combine(offline, "o200k_base.tiktoken")}", output);
        Assert.Equal(ModelFolderBuilder.FakeVocabulary, File.ReadAllText(Path.Combine(Folder, "tiktoken", "o200k_base.tiktoken")));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task PrepareModel_FixWithAnotherHash_IsRefusedNamingBothHashesAndChangesNothing(bool fromFile)
    {
        const string Other = "IQ== 0\n";
        _served = Other;
        File.WriteAllText(Path.Combine(_root, "other.tiktoken"), Other);
        string[] from = fromFile ? ["--from", "other.tiktoken"] : [];

        var (code, _, error) = await Run(Dependencies(), ["prepare-model", "gpt-oss-20b", "--fix", .. from]);

        Assert.Equal(ValidateModelCommand.ExitProblems, code);
        var actual = Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(Other)));
        Assert.Contains($"has SHA-256 {actual}, but tiktoken/o200k_base.tiktoken must have SHA-256 {ModelFolderBuilder.VocabularySha256}", error);
        Assert.Contains("refused, nothing was changed", error);
        Assert.False(Directory.Exists(Path.Combine(Folder, "tiktoken")));
        Assert.False(Directory.Exists(Folder + ".backup"));
    }

    [Fact]
    public async Task PrepareModel_FixWithAWrongVocabularyInPlace_ReplacesItAndKeepsTheOriginal()
    {
        ModelFolderBuilder.WriteTo(Folder, new Dictionary<string, string> { [ModelFolderBuilder.VocabularyKey] = "damaged" });

        var (code, output, error) = await Run(Dependencies(), "prepare-model", "gpt-oss-20b", "--fix");

        Assert.True(code == 0, output + error);
        Assert.Equal(ModelFolderBuilder.FakeVocabulary, File.ReadAllText(Path.Combine(Folder, ModelFolderBuilder.VocabularyKey)));
        Assert.Equal("damaged", File.ReadAllText(Path.Combine(Folder + ".backup", ModelFolderBuilder.VocabularyKey)));
    }

    [Fact]
    public async Task Commands_AFileGivenAsTheFolder_SayItIsAFile()
    {
        var file = Path.Combine(Folder, "config.json");

        var validate = await Run(Dependencies(), "validate-model", file);
        var prepare = await Run(Dependencies(), "prepare-model", file);

        Assert.Equal(ValidateModelCommand.ExitUnreadable, validate.ExitCode);
        Assert.Equal($"error: '{file}' is a file, not a model folder: give the folder that holds config.json and the weights.", validate.Error.Trim());
        Assert.Equal(ValidateModelCommand.ExitUnreadable, prepare.ExitCode);
        Assert.Equal($"error: '{file}' is a file, not a model folder: give the folder that holds config.json and the weights.", prepare.Error.Trim());
    }

    private ClientDependencies Dependencies() => new()
    {
        WorkingDirectory = _root,
        StartContracts = [TestGptOss, StartContract.HuggingFaceFolder],
        StartFileBaseUrl = new Uri(_serverRoot, "/encodings/"),
    };

    private static async Task<(int ExitCode, string Output, string Error)> Run(ClientDependencies dependencies, params string[] args)
    {
        var root = new RootCommand { ValidateModelCommand.Create(dependencies), PrepareModelCommand.Create(dependencies) };
        var output = new StringWriter();
        var error = new StringWriter();
        var exitCode = await root.Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        return (exitCode, output.ToString(), error.ToString());
    }
}
