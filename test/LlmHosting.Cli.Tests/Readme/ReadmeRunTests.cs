using System.Text.Json.Nodes;
using LlmHosting.TestSupport;
using LlmHosting.TestSupport.Readme;
using LlmHosting.Tests.Shared;

namespace LlmHosting.Cli.Tests.Readme;

/// <summary>
/// The README's llmhost examples that need no AWS account run, as written, with the real llmhost process in a copy of
/// the repository's layout: <c>validate-model</c> and <c>prepare-model</c> on a generated model folder named as in the
/// examples, <c>upload-model</c> to moto_server (the bucket named by a <c>cdk-outputs.json</c> as <c>cdk deploy</c>
/// writes it), <c>models</c> on each environment's model directory (rendered from the committed Serving templates,
/// which the snapshot tests keep equal to a fresh synth), <c>token</c> with static credentials, and <c>impact</c> on
/// the committed snapshots. Each must exit 0; a failure names the README line.
/// </summary>
[Collection(MotoCollection.Name)]
public sealed class ReadmeRunTests(MotoServer moto) : IDisposable
{
    private static readonly string Root = ReadmeDocument.RepositoryRoot(AppContext.BaseDirectory);
    private static readonly string[] Offline = ["validate-model", "prepare-model", "upload-model", "models", "token", "impact"];
    private readonly DirectoryInfo _workspace = Directory.CreateTempSubdirectory("llmhost-readme-");

    public void Dispose() => _workspace.Delete(recursive: true);

    [Fact]
    public async Task OfflineLlmhostExamples_RunAndExitWith0()
    {
        var bucket = "readme-" + Guid.NewGuid().ToString("N")[..12];
        using (var s3 = moto.S3())
        {
            await s3.PutBucketAsync(bucket);
        }

        Prepare(bucket);
        var examples = ReadmeDocument.All(Root).SelectMany(ShellCommands.Of)
            .Select(c => (Command: c, Args: ShellCommands.LlmhostArguments(c)))
            // CI recipes (yaml) depend on their job's earlier steps; placeholders (<bucket>) are for the reader to fill in.
            .Where(e => e.Args is { Length: > 0 } args && Offline.Contains(args[0]) && !args.Any(a => a.Contains('<')) && e.Command.Language is not ("yaml" or "yml"))
            .DistinctBy(e => string.Join('\0', e.Args!))   // the same command in two places runs once
            .ToList();
        Assert.True(examples.Count >= 8, $"only {examples.Count} offline llmhost examples found");

        // Uploads change the bucket and the state folder: one after the other; the rest at once.
        var uploads = examples.Where(e => e.Args![0] == "upload-model").ToList();
        var failures = new List<string>();
        foreach (var example in uploads)
        {
            failures.AddRange(await RunAsync(example.Command, example.Args!));
        }

        foreach (var result in await Task.WhenAll(examples.Except(uploads).Select(e => RunAsync(e.Command, e.Args!))))
        {
            failures.AddRange(result);
        }

        Assert.True(failures.Count == 0, "README examples that fail:\n" + string.Join("\n", failures));
        Assert.True(uploads.Count >= 1, "no upload-model example ran");
    }

    private async Task<IEnumerable<string>> RunAsync(ShellCommand command, string[] args)
    {
        var (code, output, error) = await LlmhostProcessTests.RunAsync(
            args, stdin: null, _workspace.FullName,
            ("AWS_ACCESS_KEY_ID", "testing"), ("AWS_SECRET_ACCESS_KEY", "testing"), ("AWS_REGION", "us-east-1"),
            ("AWS_ENDPOINT_URL", moto.Endpoint), ("XDG_CACHE_HOME", Path.Combine(_workspace.FullName, ".cache")));
        return code == 0 ? [] : [$"{command.At}: `llmhost {string.Join(' ', args)}` exited with {code}: {(error.Length > 0 ? error : output).Trim()}"];
    }

    /// <summary>The repository's layout as the examples expect it, in the workspace.</summary>
    private void Prepare(string bucket)
    {
        var root = _workspace.FullName;
        CopyFolder(Path.Combine(Root, "cdk", "config"), Path.Combine(root, "cdk", "config"));
        var snapshots = Path.Combine(Root, "test", "LlmHosting.App.Tests", "Snapshots");
        foreach (var copy in new[] { Path.Combine("test", "LlmHosting.App.Tests", "Snapshots"), "cdk.out", "old-cdk.out" })
        {
            Directory.CreateDirectory(Path.Combine(root, copy));
            foreach (var template in Directory.GetFiles(snapshots, "*.template.json"))
            {
                File.Copy(template, Path.Combine(root, copy, Path.GetFileName(template)));
            }
        }

        // The folder every example names, as `hf download --local-dir` would leave it.
        Directory.CreateDirectory(Path.Combine(root, "gpt-oss-20b"));
        ModelFolderBuilder.WriteTo(Path.Combine(root, "gpt-oss-20b"), ModelFolderBuilder.Valid());

        // What `cdk deploy --outputs-file cdk-outputs.json` writes for every environment: the bucket and the model directory.
        var outputs = new JsonObject();
        foreach (var config in Directory.GetFiles(Path.Combine(Root, "cdk", "config"), "*.json"))
        {
            var environment = Path.GetFileNameWithoutExtension(config);
            var prefix = (string)JsonNode.Parse(File.ReadAllText(config))!["namePrefix"]!;
            var serving = JsonNode.Parse(File.ReadAllText(Path.Combine(snapshots, $"{environment}.Serving.template.json")))!.AsObject();
            outputs[prefix + "-storage"] = new JsonObject { ["ModelBucketName"] = bucket };
            outputs[prefix + "-serving"] = new JsonObject { ["ModelDirectory"] = new ArnRenderer(serving).Render(serving["Outputs"]!["ModelDirectory"]!["Value"]) };
        }

        File.WriteAllText(Path.Combine(root, "cdk-outputs.json"), outputs.ToJsonString());
    }

    private static void CopyFolder(string from, string to)
    {
        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}
