using System.Diagnostics;
using System.Text.Json.Nodes;

namespace LlmHosting.App.Tests.AppCommand;

/// <summary>
/// A temporary copy of the repository in which the tests run what users run: the <c>app</c> command of cdk.json, in the
/// folder of cdk.json, with the environment variables the CDK CLI sets. The built app comes along with the stamp of the
/// launcher (<c>scripts/cdk-app.js</c>), so that the copy is as fresh as the checkout and the launcher does not build it
/// again: the tests build nothing (the checkout's app is made fresh once per run with <c>cdk-app.js --build</c>, which
/// costs nothing when it already is).
/// </summary>
public sealed class RepositoryCopy : IDisposable
{
    // Folders the app command does not read: tests, installed packages, build and synth output (the app's own build
    // output is copied on its own below).
    private static readonly HashSet<string> Skipped = [".git", "node_modules", "cdk.out", "test", "TestResults", "artifacts", "bin", "obj"];

    /// <summary>The CDK CLI version of package.json, which the CLI passes to the app in <c>CDK_CLI_VERSION</c>.</summary>
    private static readonly Lazy<string> CliVersion = new(() =>
        (string)JsonNode.Parse(File.ReadAllText(Path.Combine(Repository.Root, "package.json")))!["devDependencies"]!["aws-cdk"]!);

    private int _runs;

    /// <summary>Copies the checkout, with its built app when <paramref name="withBuiltApp"/>.</summary>
    public RepositoryCopy(bool withBuiltApp = true)
    {
        if (withBuiltApp)
        {
            // A build it needs leaves no build server behind (MSBuild nodes, the compiler server) once the tests end.
            var build = Node(
                Repository.Root,
                [Path.Combine(Repository.Root, "scripts", "cdk-app.js"), "--build"],
                new Dictionary<string, string> { ["MSBUILDDISABLENODEREUSE"] = "1", ["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0", ["UseSharedCompilation"] = "false" });
            Assert.True(build.ExitCode == 0, $"cdk-app.js --build failed in the checkout:\n{build.Stderr}");
        }

        Root = Directory.CreateTempSubdirectory("llmhost-app-").FullName;
        CopyTree(Repository.Root, Root);
        if (withBuiltApp)
        {
            var output = Path.Combine("cdk", "bin", "Debug", "net10.0");
            CopyBuildOutput(Path.Combine(Repository.Root, output), Path.Combine(Root, output));
            Directory.CreateDirectory(Path.Combine(Root, "cdk", "obj"));
            foreach (var stamp in Directory.GetFiles(Path.Combine(Repository.Root, "cdk", "obj"), "cdk-app.Debug.*"))
            {
                CopyFile(stamp, Path.Combine(Root, "cdk", "obj", Path.GetFileName(stamp)));
            }

            foreach (var folder in new[] { "cdk/bin/Debug", "cdk/bin", "cdk/obj", "cdk" })
            {
                Directory.SetLastWriteTimeUtc(PathOf(folder), Directory.GetLastWriteTimeUtc(Path.Combine(Repository.Root, folder)));
            }
        }
    }

    /// <summary>The folder of the copy's cdk.json.</summary>
    public string Root { get; }

    /// <summary>The full path of a file of the copy, given relative to its root with '/'.</summary>
    public string PathOf(string relative) => Path.Combine(Root, relative.Replace('/', Path.DirectorySeparatorChar));

    /// <summary>Changes a file of the copy until the result is disposed (a new file is deleted again).</summary>
    public IDisposable Edit(string relative, Func<string, string> edit)
    {
        var path = PathOf(relative);
        var before = File.Exists(path) ? File.ReadAllText(path) : null;
        var after = edit(before ?? "");
        Assert.NotEqual(before, after);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, after);
        return new Restore(() =>
        {
            if (before is null)
            {
                File.Delete(path);
            }
            else
            {
                File.WriteAllText(path, before);
            }
        });
    }

    /// <summary>Deletes a file of the copy until the result is disposed.</summary>
    public IDisposable Delete(string relative)
    {
        var path = PathOf(relative);
        var before = File.ReadAllBytes(path);
        File.Delete(path);
        return new Restore(() => File.WriteAllBytes(path, before));
    }

    /// <summary>
    /// Runs the app command of cdk.json as <c>cdk synth</c> runs it: through a shell, in the folder of cdk.json, with the
    /// output folder in <c>CDK_OUTDIR</c> and the context of cdk.json plus <paramref name="context"/> in
    /// <c>CDK_CONTEXT_JSON</c>. Asset bundling is skipped, as <c>cdk list</c> does (no <c>dotnet publish</c> of handlers).
    /// </summary>
    public AppRun Synth(IReadOnlyDictionary<string, object>? context = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        var cdkJson = JsonNode.Parse(File.ReadAllText(PathOf("cdk.json")))!.AsObject();
        var contextJson = cdkJson["context"]!.DeepClone().AsObject();
        // What the CLI adds to the context by default (aws-cdk 2.160, lib/api/cxapp/exec.js, prepareContext).
        contextJson["aws:cdk:enable-path-metadata"] = true;
        contextJson["aws:cdk:enable-asset-metadata"] = true;
        contextJson["aws:cdk:version-reporting"] = true;
        contextJson["aws:cdk:bundling-stacks"] = new JsonArray();
        foreach (var (key, value) in context ?? new Dictionary<string, object>())
        {
            contextJson[key] = JsonValue.Create(value);
        }

        var outdir = Path.Combine(Root, $"cdk.out.{Interlocked.Increment(ref _runs)}");
        var variables = new Dictionary<string, string>
        {
            ["CDK_OUTDIR"] = outdir,
            ["CDK_CONTEXT_JSON"] = contextJson.ToJsonString(),
            ["CDK_CLI_VERSION"] = CliVersion.Value,
        };
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            variables[key] = value;
        }

        var run = Shell(Root, (string)cdkJson["app"]!, variables);
        return run with { Outdir = outdir };
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

    /// <summary>Runs <paramref name="command"/> with <c>/bin/sh -c</c>, as the CDK CLI runs the app command.</summary>
    internal static AppRun Shell(string directory, string command, IReadOnlyDictionary<string, string> environment)
        => Start(new ProcessStartInfo("/bin/sh", ["-c", command]), directory, environment);

    /// <summary>Runs node with <paramref name="arguments"/>.</summary>
    internal static AppRun Node(string directory, IEnumerable<string> arguments, IReadOnlyDictionary<string, string> environment)
        => Start(new ProcessStartInfo("node", arguments), directory, environment);

    private static AppRun Start(ProcessStartInfo start, string directory, IReadOnlyDictionary<string, string> environment)
    {
        start.WorkingDirectory = directory;
        start.RedirectStandardError = true;
        start.RedirectStandardOutput = true;
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEnd();
        Assert.True(process.WaitForExit(TimeSpan.FromSeconds(120)), $"{start.FileName} {string.Join(' ', start.ArgumentList)} did not exit within 120 s");
        return new AppRun(process.ExitCode, stdout.Result, stderr, null);
    }

    private static void CopyTree(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from))
        {
            CopyFile(file, Path.Combine(to, Path.GetFileName(file)));
        }

        foreach (var folder in Directory.GetDirectories(from).Where(d => !Skipped.Contains(Path.GetFileName(d)) && !Path.GetFileName(d).StartsWith("cdk.out", StringComparison.Ordinal)))
        {
            CopyTree(folder, Path.Combine(to, Path.GetFileName(folder)));
        }

        Directory.SetLastWriteTimeUtc(to, Directory.GetLastWriteTimeUtc(from));
    }

    // The app's own assemblies are copied, so that the constructs find the copy's lambda/ above them; the ~100 MB of
    // libraries beside them are linked. Times are kept, as `cp -p` does, here and above.
    private static void CopyBuildOutput(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from))
        {
            var target = Path.Combine(to, Path.GetFileName(file));
            if (Path.GetFileName(file).StartsWith("LlmHosting.", StringComparison.Ordinal) || !file.EndsWith(".dll", StringComparison.Ordinal))
            {
                CopyFile(file, target);
            }
            else
            {
                File.CreateSymbolicLink(target, file);
            }
        }

        foreach (var folder in Directory.GetDirectories(from))
        {
            CopyBuildOutput(folder, Path.Combine(to, Path.GetFileName(folder)));
        }

        Directory.SetLastWriteTimeUtc(to, Directory.GetLastWriteTimeUtc(from));
    }

    private static void CopyFile(string from, string to)
    {
        File.Copy(from, to);
        File.SetLastWriteTimeUtc(to, File.GetLastWriteTimeUtc(from));
    }

    private sealed class Restore(Action restore) : IDisposable
    {
        public void Dispose() => restore();
    }
}

/// <summary>One run of the app command: its exit code, its output and where it synthesized to.</summary>
public sealed record AppRun(int ExitCode, string Stdout, string Stderr, string? Outdir)
{
    /// <summary>The lines of stderr, without the boxed warning the jsii runtime may print about the Node.js version.</summary>
    public IReadOnlyList<string> ErrorLines => Stderr
        .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
        .Where(l => !l.StartsWith("!!", StringComparison.Ordinal))
        .ToList();

    /// <summary>The environments of the cloud assembly: its <c>assembly-&lt;environment&gt;</c> folders.</summary>
    public IReadOnlyList<string> Environments => Directory.GetDirectories(Outdir!, "assembly-*")
        .Select(d => Path.GetFileName(d)["assembly-".Length..])
        .Order(StringComparer.Ordinal)
        .ToList();

    /// <summary>The template of one stack of an environment, as the cloud assembly holds it.</summary>
    public JsonObject Template(string environment, string stack = "Serving")
    {
        Assert.True(ExitCode == 0, $"the app failed with exit code {ExitCode}:\n{Stderr}");
        var assembly = Path.Combine(Outdir!, "assembly-" + environment);
        var file = Assert.Single(Directory.GetFiles(assembly, $"{environment}{stack}*.template.json"));
        return JsonNode.Parse(File.ReadAllText(file))!.AsObject();
    }
}
