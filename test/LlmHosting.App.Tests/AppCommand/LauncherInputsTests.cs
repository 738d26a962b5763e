using System.Diagnostics;
using System.Reflection.Metadata;
using System.Text.Json.Nodes;

namespace LlmHosting.App.Tests.AppCommand;

/// <summary>
/// What the launcher's freshness check covers (<c>scripts/cdk-app.js --inputs</c>) against what the build of the app
/// read, as the build itself recorded it: the project graph restore resolved (cdk/obj/project.assets.json), the source
/// documents of each assembly's PDB (what the compiler read) and the files MSBuild imported (<c>dotnet msbuild -pp</c>).
/// A new project reference, a linked source or an imported props file the launcher does not know fails here.
/// </summary>
[Collection(ProcessCollections.LauncherInputs)]
public sealed class LauncherInputsTests
{
    private static readonly string Root = Repository.Root;

    [Fact]
    public void Inputs_AreTheSourcesTheCompilerReadForEveryProjectOfTheApp_AndNoOthers()
    {
        var listed = ListedInputs();
        var compiled = Projects()
            .SelectMany(project => PdbDocuments(Path.Combine(Root, "cdk", "bin", "Debug", "net10.0", Path.GetFileNameWithoutExtension(project) + ".pdb")))
            .Select(Relative)
            .Where(f => f is not null && !f.Split('/').Contains("obj"))
            .ToHashSet();

        Assert.NotEmpty(compiled);
        var unlisted = compiled.Where(f => !listed.Contains(f!)).ToList();
        Assert.True(unlisted.Count == 0, $"compiled into the app but not covered by the launcher: {string.Join(", ", unlisted)}");
        var notCompiled = listed.Where(f => f.EndsWith(".cs", StringComparison.Ordinal) && !compiled.Contains(f)).ToList();
        Assert.True(notCompiled.Count == 0, $"covered by the launcher but not compiled into the app (a needless build when they change): {string.Join(", ", notCompiled)}");
    }

    [Fact]
    public void Inputs_HoldEveryProjectFileAndEveryFileMSBuildImportsFromTheRepository()
    {
        var listed = ListedInputs();
        var projects = Projects();
        // One evaluation per project, side by side.
        var imports = projects.AsParallel().SelectMany(Imports).Distinct().ToList();

        Assert.Contains("Directory.Build.props", imports);
        var unlisted = projects.Select(Relative).Concat(imports).Where(f => !listed.Contains(f!)).ToList();
        Assert.True(unlisted.Count == 0, $"read by the build but not covered by the launcher: {string.Join(", ", unlisted)}");
    }

    private static HashSet<string> ListedInputs()
    {
        var run = RepositoryCopy.Node(Root, [Path.Combine(Root, "scripts", "cdk-app.js"), "--inputs"], new Dictionary<string, string>());
        Assert.Equal(0, run.ExitCode);
        return run.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).ToHashSet();
    }

    // The app's project and every project it references, directly or not, as restore resolved them.
    private static IReadOnlyList<string> Projects()
    {
        var app = Path.Combine(Root, "cdk", "LlmHosting.App.csproj");
        var assets = JsonNode.Parse(File.ReadAllText(Path.Combine(Root, "cdk", "obj", "project.assets.json")))!;
        return assets["libraries"]!.AsObject()
            .Where(l => (string?)l.Value!["type"] == "project")
            .Select(l => Path.GetFullPath(Path.Combine(Root, "cdk", (string)l.Value!["path"]!)))
            .Prepend(app)
            .ToList();
    }

    private static IEnumerable<string> PdbDocuments(string pdb)
    {
        using var stream = File.OpenRead(pdb);
        using var provider = MetadataReaderProvider.FromPortablePdbStream(stream);
        var reader = provider.GetMetadataReader();
        return reader.Documents.Select(d => reader.GetString(reader.GetDocument(d).Name)).ToList();
    }

    // Files of the repository (outside obj/) that the preprocessed project names as imported.
    private static IEnumerable<string> Imports(string project)
    {
        var output = Path.Combine(Path.GetTempPath(), $"llmhost-pp-{Guid.NewGuid():N}.xml");
        try
        {
            var start = new ProcessStartInfo("dotnet", ["msbuild", project, $"-pp:{output}", "-nologo"]) { RedirectStandardOutput = true, RedirectStandardError = true };
            using var process = Process.Start(start)!;
            var stderr = process.StandardError.ReadToEndAsync();
            process.StandardOutput.ReadToEnd();
            Assert.True(process.WaitForExit(TimeSpan.FromSeconds(120)) && process.ExitCode == 0, $"dotnet msbuild -pp failed: {stderr.Result}");
            return File.ReadAllLines(output)
                .Select(l => l.Trim())
                .Where(l => l.StartsWith(Root + Path.DirectorySeparatorChar, StringComparison.Ordinal) && File.Exists(l))
                .Select(Relative)
                .Where(f => !f!.Split('/').Contains("obj"))
                .Select(f => f!)
                .ToList();
        }
        finally
        {
            File.Delete(output);
        }
    }

    private static string? Relative(string path)
    {
        var relative = Path.GetRelativePath(Root, path);
        return relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative) ? null : relative.Replace(Path.DirectorySeparatorChar, '/');
    }
}
