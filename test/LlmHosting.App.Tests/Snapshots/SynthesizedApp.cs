using System.Text.Json.Nodes;
using Amazon.CDK;
using LlmHosting.App.Configuration;

namespace LlmHosting.App.Tests.Snapshots;

/// <summary>
/// The whole app synthesized once, as <c>cdk synth</c> does it (the checked-in environments and the feature
/// flags of cdk.json), except that asset bundling is skipped so that no test runs <c>dotnet publish</c>.
/// </summary>
/// <remarks>
/// Adding a test cheaply (the suite has a one-minute budget on 2 cores, and every construct costs jsii round trips):
/// a test of the checked-in environments reads this fixture (<c>[Collection(SynthesizedApp.Collection)]</c>,
/// <see cref="Template"/>, <see cref="Templates"/>, <see cref="StackDependencies"/>, <see cref="TerminationProtection"/>,
/// <see cref="SnapshotTests.EnvironmentNames"/>) and costs nothing more. A test of a changed configuration builds only
/// the stage it needs (<c>EnvironmentCatalog.Parse</c> of the edited text, <c>new ModelHostingStage</c>) and reads the
/// one stack it asserts on (<c>Template.FromStack</c>); several cases that can share one stage should. Never synthesize
/// the whole app again. Tests of what users run as a process (the app command) belong in AppCommand/, on
/// <c>AppCommandFixture</c>'s one copy of the repository: each app process starts its own jsii runtime (~1.4 s), while a
/// mistake in an environment file is named before it starts.
/// </remarks>
public sealed class SynthesizedApp : IDisposable
{
    /// <summary>The test collection that shares one synthesis among every class that reads the checked-in app.</summary>
    public const string Collection = "Synthesized app";

    private readonly string _outdir = Path.Combine(Path.GetTempPath(), "llmhosting-snapshots-" + Guid.NewGuid().ToString("N"));

    public SynthesizedApp()
    {
        var catalog = EnvironmentCatalog.Load(Repository.ConfigDirectory);
        var app = new Amazon.CDK.App(new AppProps { Outdir = _outdir, Context = CdkJsonContext() });
        ModelHostingApp.AddEnvironments(app, catalog.Environments);
        app.Synth();

        Templates = System.IO.Directory.GetDirectories(_outdir, "assembly-*")
            .SelectMany(assembly => System.IO.Directory.GetFiles(assembly, "*.template.json").Select(file => (assembly, file)))
            .ToDictionary(
                t => SnapshotName(Path.GetFileName(t.assembly)["assembly-".Length..], t.file),
                t => File.ReadAllText(t.file));
        Environments = catalog.Environments.Select(e => e.Name).ToList();
        var stacks = System.IO.Directory.GetDirectories(_outdir, "assembly-*")
            .SelectMany(assembly => StacksOf(Path.Combine(assembly, "manifest.json")))
            .ToList();
        StackDependencies = stacks.ToDictionary(s => s.DisplayName, s => s.Dependencies);
        TerminationProtection = stacks.ToDictionary(s => s.DisplayName, s => s.TerminationProtection);
        Stacks = [.. StacksOf(Path.Combine(_outdir, "manifest.json")).Select(s => s.DisplayName).Concat(StackDependencies.Keys)];
    }

    /// <summary>The display name of every stack of the cloud assembly, those outside the stages included.</summary>
    public IReadOnlyList<string> Stacks { get; }

    /// <summary>
    /// The stacks each stack depends on, as the cloud assembly records them for <c>cdk deploy</c>: display names such as
    /// <c>dev/Serving</c> mapped to the display names of the stacks deployed before them.
    /// </summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> StackDependencies { get; }

    /// <summary>Whether <c>cdk deploy</c> turns on termination protection, by stack display name (<c>prod/Storage</c>).</summary>
    public IReadOnlyDictionary<string, bool> TerminationProtection { get; }

    /// <summary>Environment names of the checked-in configuration.</summary>
    public IReadOnlyList<string> Environments { get; }

    /// <summary>Template text by snapshot file name, <c>&lt;environment&gt;.&lt;stack id&gt;.template.json</c>.</summary>
    public IReadOnlyDictionary<string, string> Templates { get; }

    private readonly Dictionary<string, JsonObject> _parsed = [];

    /// <summary>The template of one stack of an environment (default: its Serving stack), parsed once (tests only read it).</summary>
    public JsonObject Template(string environment, string stack = "Serving")
    {
        var name = $"{environment}.{stack}.template.json";
        if (!_parsed.TryGetValue(name, out var template))
        {
            template = JsonNode.Parse(Templates[name])!.AsObject();
            _parsed[name] = template;
        }

        return template;
    }

    private static IEnumerable<(string DisplayName, IReadOnlyList<string> Dependencies, bool TerminationProtection)> StacksOf(string manifestPath)
    {
        var artifacts = JsonNode.Parse(File.ReadAllText(manifestPath))!["artifacts"]!.AsObject();
        var stacks = artifacts.Where(a => (string?)a.Value!["type"] == "aws:cloudformation:stack").ToDictionary(a => a.Key, a => a.Value!);
        return stacks.Select(stack => (
            (string)stack.Value["displayName"]!,
            (IReadOnlyList<string>)(stack.Value["dependencies"]?.AsArray() ?? [])
                .Select(d => (string)d!)
                .Where(stacks.ContainsKey)
                .Select(d => (string)stacks[d]["displayName"]!)
                .ToList(),
            stack.Value["properties"]?["terminationProtection"] is JsonValue protection && (bool)protection));
    }

    /// <summary>The context of cdk.json plus the switch that skips bundling.</summary>
    public static Dictionary<string, object> CdkJsonContext()
    {
        var cdkJson = JsonNode.Parse(File.ReadAllText(Path.Combine(Repository.Root, "cdk.json")))!;
        var context = cdkJson["context"]!.AsObject().ToDictionary(
            p => p.Key,
            p => p.Value switch
            {
                JsonArray array => (object)array.Select(v => (string)v!).ToArray(),
                JsonValue value when value.TryGetValue<bool>(out var flag) => flag,
                var other => other!.ToString(),
            });
        context["aws:cdk:bundling-stacks"] = Array.Empty<string>();
        return context;
    }

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(_outdir, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }

    // Template files are named after the stack's artifact id (stage name + stack id + hash); the snapshot
    // keeps the readable part: "dev.Serving.template.json".
    private static string SnapshotName(string environment, string templateFile)
    {
        var artifact = Path.GetFileName(templateFile)[..^".template.json".Length];
        var stack = artifact.StartsWith(environment, StringComparison.Ordinal) ? artifact[environment.Length..] : artifact;
        stack = stack.Length > 8 && stack[^8..].All(Uri.IsHexDigit) ? stack[..^8] : stack;
        return $"{environment}.{stack}.template.json";
    }
}

/// <summary>Synthesizes the checked-in app once for every test class in <see cref="SynthesizedApp.Collection"/>.</summary>
[CollectionDefinition(SynthesizedApp.Collection, DisableParallelization = true)]
public sealed class SynthesizedAppCollection : ICollectionFixture<SynthesizedApp>;
