using System.CommandLine;
using System.Text.Json.Nodes;
using LlmHosting.TestSupport;

namespace LlmHosting.Cli.Tests.Commands;

/// <summary><c>llmhost prepare-model</c> on folders built by the tests: what it reports, what --fix changes, and the backups it keeps.</summary>
public sealed class PrepareModelCommandTests : IDisposable
{
    private const string Index = "model.safetensors.index.json";
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "llmhost-prepare-" + Guid.NewGuid().ToString("N"), "gpt-oss-20b");

    public void Dispose()
    {
        if (Directory.Exists(Path.GetDirectoryName(_folder)))
        {
            Directory.Delete(Path.GetDirectoryName(_folder)!, recursive: true);
        }
    }

    [Fact]
    public async Task Prepare_WithoutFix_ReportsAndChangesNothing()
    {
        var files = Build(withTotalParameters: true, withMetadata: false);
        File.WriteAllText(Path.Combine(_folder, "metal", "model.bin"), "metal");
        var before = Snapshot();

        var (code, output, _) = await Run(_folder);

        Assert.Equal(1, code);
        Assert.Contains($"  {Index}: has no root 'metadata' object", output);
        Assert.Contains($"  {Index}: has root field(s) Bedrock does not accept: 'total_parameters'", output);
        Assert.Contains("  metal/ (1 file(s)): must not be uploaded", output);
        Assert.Contains("3 of these can be repaired with --fix", output);
        Assert.Equal(before, Snapshot());
        Assert.False(Directory.Exists(_folder + ".backup"));
        Assert.Equal(files[Index], File.ReadAllText(Path.Combine(_folder, Index)));
    }

    [Fact]
    public async Task Prepare_Fix_RepairsTheIndexKeepsABackupAndMovesExcludedFilesOut()
    {
        var files = Build(withTotalParameters: true, withMetadata: false);
        File.WriteAllText(Path.Combine(_folder, "metal", "model.bin"), "metal");
        Directory.CreateDirectory(Path.Combine(_folder, ".cache", "huggingface", "download"));
        File.WriteAllText(Path.Combine(_folder, ".cache", "huggingface", "download", "config.json.metadata"), "abc");
        File.WriteAllText(Path.Combine(_folder, "model-00003-of-00003.safetensors"), "stray shard");

        var (code, output, error) = await Run(_folder, "--fix");

        Assert.True(code == 0, output + error);
        Assert.Contains("OK: the folder meets Bedrock Custom Model Import's requirements.", output);
        var index = JsonNode.Parse(File.ReadAllText(Path.Combine(_folder, Index)))!.AsObject();
        Assert.Equal(["metadata", "weight_map"], index.Select(p => p.Key));
        Assert.Equal(JsonNode.Parse(files[Index])!["weight_map"]!.ToJsonString(), index["weight_map"]!.ToJsonString());
        Assert.Equal(files[Index], File.ReadAllText(Path.Combine(_folder + ".backup", Index)));
        Assert.Equal("metal", File.ReadAllText(Path.Combine(_folder + ".excluded", "metal", "model.bin")));
        Assert.Equal("abc", File.ReadAllText(Path.Combine(_folder + ".excluded", ".cache", "huggingface", "download", "config.json.metadata")));
        Assert.Equal("stray shard", File.ReadAllText(Path.Combine(_folder + ".excluded", "model-00003-of-00003.safetensors")));
        Assert.False(Directory.Exists(Path.Combine(_folder, "metal")));
        Assert.False(Directory.Exists(Path.Combine(_folder, ".cache")));
    }

    [Fact]
    public async Task Prepare_FixTwice_NeverOverwritesABackup()
    {
        Build(withTotalParameters: true, withMetadata: true);
        File.WriteAllText(Path.Combine(_folder, "metal", "first.bin"), "1");
        await Run(_folder, "--fix");
        var firstBackup = File.ReadAllText(Path.Combine(_folder + ".backup", Index));
        File.WriteAllText(Path.Combine(_folder, Index), ModelFolderBuilder.Index(new JsonObject { ["metadata"] = new JsonObject(), ["extra"] = 1 }));
        Directory.CreateDirectory(Path.Combine(_folder, "metal"));
        File.WriteAllText(Path.Combine(_folder, "metal", "second.bin"), "2");

        var (code, _, _) = await Run(_folder, "--fix");

        Assert.Equal(0, code);
        Assert.Equal(firstBackup, File.ReadAllText(Path.Combine(_folder + ".backup", Index)));
        Assert.Contains("\"extra\"", File.ReadAllText(Path.Combine(_folder + ".backup", Index + ".1")));
        Assert.Equal("1", File.ReadAllText(Path.Combine(_folder + ".excluded", "metal", "first.bin")));
        Assert.Equal("2", File.ReadAllText(Path.Combine(_folder + ".excluded", "metal.1", "second.bin")));
    }

    [Fact]
    public async Task Prepare_MissingShard_IsReportedNotFixedAndTheVerdictFails()
    {
        Build(withTotalParameters: false, withMetadata: true);
        File.Delete(Path.Combine(_folder, ModelFolderBuilder.Shards[1]));

        var (code, output, _) = await Run(_folder, "--fix");

        Assert.Equal(1, code);
        Assert.Contains($"  {ModelFolderBuilder.Shards[1]}: named by {Index} but missing: download it again", output);
        Assert.Contains("(cannot be fixed here)", output);
        Assert.Contains("1 problem(s):", output);
        Assert.False(Directory.Exists(_folder + ".backup"));
    }

    [Fact]
    public async Task Prepare_ForSageMaker_LeavesTheIndexRootAlone()
    {
        var files = Build(withTotalParameters: true, withMetadata: false);

        var (code, output, _) = await Run(_folder, "--fix", "--for", "sagemaker");

        Assert.Equal(0, code);
        Assert.Contains("nothing to prepare", output);
        Assert.Contains("OK: the folder meets the requirements of vLLM on SageMaker.", output);
        Assert.Equal(files[Index], File.ReadAllText(Path.Combine(_folder, Index)));
    }

    [Fact]
    public async Task Prepare_MissingFolder_ExitsTwo()
    {
        var (code, _, error) = await Run(_folder + "-missing");

        Assert.Equal(2, code);
        Assert.Equal($"error: Model folder '{_folder}-missing' does not exist.", error.Trim());
    }

    private Dictionary<string, string> Build(bool withTotalParameters, bool withMetadata)
    {
        var root = new JsonObject();
        if (withMetadata)
        {
            root["metadata"] = new JsonObject { ["total_size"] = 24 };
        }

        if (withTotalParameters)
        {
            root["total_parameters"] = 20914757184L;
        }

        var files = ModelFolderBuilder.Valid();
        files[Index] = ModelFolderBuilder.Index(root);
        ModelFolderBuilder.WriteTo(_folder, files);
        Directory.CreateDirectory(Path.Combine(_folder, "metal"));
        return files;
    }

    private string Snapshot() => string.Join("\n", Directory.EnumerateFiles(_folder, "*", SearchOption.AllDirectories).Order().Select(f => f + "=" + File.ReadAllText(f)));

    private static async Task<(int ExitCode, string Output, string Error)> Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exitCode = await CliApp.Build().Parse(["prepare-model", .. args]).InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        return (exitCode, output.ToString(), error.ToString());
    }
}
