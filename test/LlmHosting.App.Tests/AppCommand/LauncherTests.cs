namespace LlmHosting.App.Tests.AppCommand;

/// <summary>
/// The freshness check of the app command (<c>scripts/cdk-app.js</c>), in a copy of the repository with a stand-in for
/// <c>dotnet</c> first on PATH that records what the launcher asks of it and, for a build, does what a build does to the
/// tree: creates bin/ and obj/ in every project folder and writes new assemblies. A change to anything the build reads
/// must build (a cache that serves stale input is a defect); anything else must not (a needless build costs ~10 s).
/// </summary>
[Collection(ProcessCollections.Launcher)]
public sealed class LauncherTests : IDisposable
{
    private const string FakeDotnet = """
        #!/bin/sh
        echo "$*" >> "$FAKE_DOTNET_LOG"
        if [ "$1" = build ]; then
          root=$(dirname "$(dirname "$2")")
          for project in cdk src/LlmHosting.Constructs src/LlmHosting.ModelValidation; do mkdir -p "$root/$project/bin" "$root/$project/obj"; done
          output="$root/cdk/bin/Debug/net10.0"
          mkdir -p "$output"
          for assembly in App Constructs ModelValidation; do date +%s%N > "$output/LlmHosting.$assembly.dll"; done
          exit "${FAKE_DOTNET_BUILD_EXIT:-0}"
        fi
        """;

    private readonly RepositoryCopy _copy = new(withBuiltApp: false);
    private readonly string _fakeBin = Directory.CreateTempSubdirectory("llmhost-fake-dotnet-").FullName;

    public LauncherTests()
    {
        var dotnet = Path.Combine(_fakeBin, "dotnet");
        File.WriteAllText(dotnet, FakeDotnet);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(dotnet, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    [Fact]
    public void FirstRun_Builds_AndTheNextDoesNot_ThoughTheBuildCreatedBinAndObjInEveryProjectFolder()
    {
        var first = Run();
        Assert.True(first.Built);
        Assert.EndsWith("cdk/bin/Debug/net10.0/LlmHosting.App.dll", first.Calls[^1], StringComparison.Ordinal);

        var second = Run();
        Assert.False(second.Built, "built again without a change");
        Assert.Single(second.Calls);
    }

    [Fact]
    public void EachChangeToWhatTheBuildReads_Builds()
    {
        Run();
        var changes = new (string What, Action Change)[]
        {
            ("an edited source of the app", () => Append("cdk/Program.cs")),
            ("a new source in a new folder of the app", () => Append("cdk/Added/Added.cs")),
            ("a deleted source", () => File.Delete(_copy.PathOf("cdk/Stacks/ServingDirectory.cs"))),
            ("a renamed source", () => File.Move(_copy.PathOf("cdk/ModelHostingApp.cs"), _copy.PathOf("cdk/Renamed.cs"))),
            ("an edited source of the construct library", () => Append("src/LlmHosting.Constructs/Storage/ModelBucket.cs")),
            ("an edited source of the model validation library", () => Append("src/LlmHosting.ModelValidation/WeightsManifest.cs")),
            ("an edited shared rule compiled into the libraries", () => Append("src/Shared/Rules/AwsRegionRules.cs")),
            ("a new shared rule", () => Append("src/Shared/Rules/Added.cs")),
            ("the app's project file", () => Append("cdk/LlmHosting.App.csproj")),
            ("a library's project file", () => Append("src/LlmHosting.Constructs/LlmHosting.Constructs.csproj")),
            ("Directory.Build.props", () => Append("Directory.Build.props")),
            ("Directory.Packages.props", () => Append("Directory.Packages.props")),
            ("src/Package.Build.props", () => Append("src/Package.Build.props")),
            ("a new Directory.Build.targets above a library", () => Append("src/Directory.Build.targets")),
            ("a new global.json", () => Append("global.json")),
            ("a new nuget.config", () => Append("nuget.config")),
            ("a new .editorconfig", () => Append(".editorconfig")),
            ("a source replaced by one with an older time", () =>
            {
                Append("src/LlmHosting.Constructs/Storage/ModelPrefix.cs");
                File.SetLastWriteTimeUtc(_copy.PathOf("src/LlmHosting.Constructs/Storage/ModelPrefix.cs"), new DateTime(2001, 1, 1, 0, 0, 0, DateTimeKind.Utc));
            }),
        };

        foreach (var (what, change) in changes)
        {
            change();
            Assert.True(Run().Built, $"not built after {what}");
        }
    }

    [Fact]
    public void ChangesTheBuildDoesNotRead_DoNotBuild()
    {
        Run();
        string[] edited =
        [
            "cdk/config/dev.json", "cdk/config/manifests/gpt-oss-20b.llmhost-manifest.json", "lambda/Handlers/WeightsGate/Handler.cs",
            "src/LlmHosting.Cli/Program.cs", "src/LlmHosting.Client/ModelClients.cs", "README.md", "src/LlmHosting.Constructs/README.md",
            "src/LlmHosting.Constructs/build/LlmHosting.Constructs.targets", "test/Added/AddedTests.cs", "cdk.json",
        ];
        foreach (var file in edited)
        {
            Append(file);
        }

        // Synthesizing publishes the handlers (bin/ and obj/ under lambda/); builds add files under bin/ and obj/; a touch
        // changes a time, not the content; a folder created and removed changes its parent folder's time.
        Directory.CreateDirectory(_copy.PathOf("lambda/Handlers/bin/Release"));
        Directory.CreateDirectory(_copy.PathOf("lambda/Handlers/obj/Release"));
        Append("src/LlmHosting.Constructs/obj/Debug/Generated.cs");
        Append("cdk/bin/Debug/Other.cs");
        File.SetLastWriteTimeUtc(_copy.PathOf("cdk/Program.cs"), DateTime.UtcNow);
        Directory.CreateDirectory(_copy.PathOf("cdk/Stacks/Scratch"));
        Directory.Delete(_copy.PathOf("cdk/Stacks/Scratch"));

        Assert.False(Run().Built, "built after changes the build does not read");
        var inputs = RepositoryCopy.Node(_copy.Root, [_copy.PathOf("scripts/cdk-app.js"), "--inputs"], new Dictionary<string, string>()).Stdout.Split('\n').ToHashSet();
        var covered = edited.Append("src/LlmHosting.Constructs/obj/Debug/Generated.cs").Append("cdk/bin/Debug/Other.cs").Where(inputs.Contains).ToList();
        Assert.True(covered.Count == 0, $"covered by the launcher, though the build does not read them: {string.Join(", ", covered)}");
    }

    [Fact]
    public void AssembliesReplacedByAnotherBuild_Builds()
    {
        Run();
        // As an IDE's build of an edit that was then undone leaves them: the sources are as stamped, the assemblies are not.
        File.WriteAllText(_copy.PathOf("cdk/bin/Debug/net10.0/LlmHosting.Constructs.dll"), "built from other sources");

        Assert.True(Run().Built);
    }

    [Fact]
    public void FailedBuild_StopsWithItsExitCode_AndTheNextRunBuildsAgain()
    {
        var failed = Run(new Dictionary<string, string> { ["FAKE_DOTNET_BUILD_EXIT"] = "3" }, expectedExitCode: 3);
        Assert.True(failed.Built);
        Assert.Single(failed.Calls);

        Assert.True(Run().Built);
    }

    public void Dispose()
    {
        _copy.Dispose();
        Directory.Delete(_fakeBin, recursive: true);
    }

    private (bool Built, IReadOnlyList<string> Calls) Run(IReadOnlyDictionary<string, string>? environment = null, int expectedExitCode = 0)
    {
        var log = Path.Combine(_fakeBin, "calls.log");
        File.Delete(log);
        var variables = new Dictionary<string, string>
        {
            ["PATH"] = _fakeBin + Path.PathSeparator + Environment.GetEnvironmentVariable("PATH"),
            ["FAKE_DOTNET_LOG"] = log,
        };
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            variables[key] = value;
        }

        var run = RepositoryCopy.Node(_copy.Root, [_copy.PathOf("scripts/cdk-app.js")], variables);
        Assert.True(run.ExitCode == expectedExitCode, $"exit code {run.ExitCode}, expected {expectedExitCode}:\n{run.Stderr}");
        var calls = File.ReadAllLines(log);
        return (calls.Any(c => c.StartsWith("build ", StringComparison.Ordinal)), calls);
    }

    // Edits a file, or creates it.
    private void Append(string relative)
    {
        var path = _copy.PathOf(relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.AppendAllText(path, "\n<!-- edited -->\n");
    }

}
