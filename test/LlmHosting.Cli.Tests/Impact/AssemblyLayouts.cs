using System.Text.Json.Nodes;

namespace LlmHosting.Cli.Tests.Impact;

/// <summary>
/// Writes templates in the two layouts llmhost impact reads, in a temporary folder deleted on dispose: a snapshot
/// folder (&lt;env&gt;.&lt;stack&gt;.template.json, normalised) and a cloud assembly shaped like the cdk.out that
/// scripts/synth writes (top manifest with one nested assembly-&lt;env&gt; per stage, stack artifacts with
/// displayName env/Stack and an artifact id that ends in a hash, an asset manifest and the tree artifact).
/// </summary>
internal sealed class AssemblyLayouts : IDisposable
{
    public AssemblyLayouts() => Directory.CreateDirectory(Root);

    public string Root { get; } = Path.Combine(Path.GetTempPath(), "llmhost-impact-" + Guid.NewGuid().ToString("N"));

    public string Snapshots(string name, params (string Environment, string Stack, JsonObject Template)[] stacks)
    {
        var directory = Directory.CreateDirectory(Path.Combine(Root, name)).FullName;
        foreach (var (environment, stack, template) in stacks)
        {
            File.WriteAllText(Path.Combine(directory, $"{environment}.{stack}.template.json"), template.ToJsonString());
        }

        return directory;
    }

    public string CloudAssembly(string name, params (string Environment, string Stack, JsonObject Template)[] stacks)
    {
        var directory = Directory.CreateDirectory(Path.Combine(Root, name)).FullName;
        var top = new JsonObject();
        foreach (var stage in stacks.GroupBy(s => s.Environment))
        {
            var stageDirectory = Directory.CreateDirectory(Path.Combine(directory, $"assembly-{stage.Key}")).FullName;
            top[$"assembly-{stage.Key}"] = new JsonObject
            {
                ["type"] = "cdk:cloud-assembly",
                ["properties"] = new JsonObject { ["directoryName"] = $"assembly-{stage.Key}", ["displayName"] = stage.Key },
            };
            var artifacts = new JsonObject();
            foreach (var (environment, stack, template) in stage)
            {
                var id = $"{environment}{stack}188E3A27";
                File.WriteAllText(Path.Combine(stageDirectory, $"{id}.template.json"), template.ToJsonString());
                artifacts[$"{id}.assets"] = new JsonObject { ["type"] = "cdk:asset-manifest", ["properties"] = new JsonObject { ["file"] = $"{id}.assets.json" } };
                artifacts[id] = new JsonObject
                {
                    ["type"] = "aws:cloudformation:stack",
                    ["environment"] = "aws://222222222222/us-east-1",
                    ["properties"] = new JsonObject { ["templateFile"] = $"{id}.template.json", ["validateOnSynth"] = false },
                    ["displayName"] = $"{environment}/{stack}",
                };
            }

            File.WriteAllText(Path.Combine(stageDirectory, "manifest.json"), new JsonObject { ["version"] = "38.0.0", ["artifacts"] = artifacts }.ToJsonString());
        }

        top["Tree"] = new JsonObject { ["type"] = "cdk:tree", ["properties"] = new JsonObject { ["file"] = "tree.json" } };
        File.WriteAllText(Path.Combine(directory, "manifest.json"), new JsonObject { ["version"] = "38.0.0", ["artifacts"] = top }.ToJsonString());
        return directory;
    }

    /// <summary>The repository root (the folder holding Infra.sln), found from the test's output folder.</summary>
    public static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Infra.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No Infra.sln above {AppContext.BaseDirectory}");
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }
}
