using System.Text.Json.Nodes;
using Amazon.CDK;
using LlmHosting.App.Configuration;
using LlmHosting.App.Stacks;
using LlmHosting.App.Tests.Snapshots;

namespace LlmHosting.App.Tests.Pipeline;

/// <summary>
/// The app with the pipeline fixture (<c>Pipeline/pipeline.json</c>) synthesized once per test run, through the calls
/// <c>Program</c> makes: the checked-in environments, each with the fixture's check role added to its invoker trust (as
/// the pipeline asks a user to do), and the pipeline configuration beside them in one configuration folder.
/// </summary>
public sealed class SynthesizedPipeline : IDisposable
{
    /// <summary>The test collection that shares the synthesis.</summary>
    public const string Collection = "Synthesized pipeline";

    private readonly string _root = Path.Combine(Path.GetTempPath(), "llmhosting-pipeline-" + Guid.NewGuid().ToString("N"));

    public SynthesizedPipeline()
    {
        ConfigDirectory = WriteConfig(Path.Combine(_root, "config"));
        Outdir = Path.Combine(_root, "cdk.out");
        var catalog = EnvironmentCatalog.Load(ConfigDirectory);
        Config = PipelineConfig.Load(ConfigDirectory, catalog)!;
        var app = new Amazon.CDK.App(new AppProps { Outdir = Outdir, Context = SynthesizedApp.CdkJsonContext() });
        Stages = ModelHostingApp.AddEnvironments(app, catalog.Environments);
        Stack = ModelHostingApp.AddPipeline(app, Config, catalog.Environments, Stages);
        app.Synth();

        Manifest = JsonNode.Parse(File.ReadAllText(Path.Combine(Outdir, "manifest.json")))!.AsObject();
        var templateFile = (string)Manifest["artifacts"]![ModelHostingApp.PipelineStackId]!["properties"]!["templateFile"]!;
        TemplateFile = Path.Combine(Outdir, templateFile);
        Template = JsonNode.Parse(File.ReadAllText(TemplateFile))!.AsObject();

        // cfn-lint and cdk-nag take seconds each: they run while the other tests of the assembly do.
        var templates = Directory.GetFiles(Outdir, "*.template.json");
        CfnLint = Checker.Start("cfn-lint", templates);
        CdkNag = Checker.Start(Path.Combine(Repository.Root, "scripts", "nag"), templates);
    }

    /// <summary>cfn-lint over the templates outside the stages (the pipeline and its support stack).</summary>
    public Checker CfnLint { get; }

    /// <summary><c>scripts/nag</c> over the same templates.</summary>
    public Checker CdkNag { get; }

    /// <summary>The fixture as the app read it.</summary>
    public PipelineConfig Config { get; }

    /// <summary>The configuration folder: the environments and <c>pipeline.json</c>.</summary>
    public string ConfigDirectory { get; }

    /// <summary>The cloud assembly.</summary>
    public string Outdir { get; }

    /// <summary>The cloud assembly's root manifest.</summary>
    public JsonObject Manifest { get; }

    /// <summary>The stage of every environment.</summary>
    public IReadOnlyList<ModelHostingStage> Stages { get; }

    /// <summary>The pipeline's stack.</summary>
    public LlmHosting.App.Stacks.Pipeline.DeliveryPipelineStack Stack { get; }

    /// <summary>The pipeline stack's template file.</summary>
    public string TemplateFile { get; }

    /// <summary>The pipeline stack's template.</summary>
    public JsonObject Template { get; }

    /// <summary>The fixture's text.</summary>
    public static string FixtureJson => File.ReadAllText(Path.Combine(Repository.Root, "test", "LlmHosting.App.Tests", "Pipeline", PipelineConfig.FileName));

    /// <summary>
    /// Copies the checked-in environments into <paramref name="directory"/> with each stage's check role added to the
    /// environment's <c>invoker.trustedRoleArns</c>, and the fixture beside them; returns the folder.
    /// </summary>
    public static string WriteConfig(string directory)
    {
        Directory.CreateDirectory(directory);
        var fixture = JsonNode.Parse(FixtureJson)!;
        var account = (string)fixture["toolchain"]!["account"]!;
        var name = (string)fixture["name"]!;
        foreach (var file in Directory.GetFiles(Repository.ConfigDirectory, "*.json"))
        {
            var environment = Path.GetFileNameWithoutExtension(file);
            var json = JsonNode.Parse(File.ReadAllText(file))!.AsObject();
            var invoker = json["invoker"]!.AsObject();
            if (invoker["trustedRoleArns"] is not JsonArray roles)
            {
                invoker["trustedRoleArns"] = roles = [];
            }

            roles.Add($"arn:aws:iam::{account}:role/{name}-check-{environment}");
            File.WriteAllText(Path.Combine(directory, Path.GetFileName(file)), json.ToJsonString());
        }

        File.WriteAllText(Path.Combine(directory, PipelineConfig.FileName), FixtureJson);
        return directory;
    }

    public void Dispose()
    {
        CfnLint.Dispose();
        CdkNag.Dispose();
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }
}

/// <summary>A checker run as a process in the background: its exit code and output, awaited by the test that reads them.</summary>
public sealed class Checker : IDisposable
{
    private readonly System.Diagnostics.Process _process;
    private readonly Task<string> _output;

    private Checker(System.Diagnostics.Process process)
    {
        _process = process;
        var error = process.StandardError.ReadToEndAsync();
        _output = Task.WhenAll(process.StandardOutput.ReadToEndAsync(), error).ContinueWith(t => string.Concat(t.Result), TaskScheduler.Default);
    }

    /// <summary>Starts <paramref name="program"/> with the files as arguments.</summary>
    public static Checker Start(string program, IEnumerable<string> files)
        => new(System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo(program, files)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!);

    /// <summary>Waits (at most two minutes) and returns the exit code and the whole output.</summary>
    public async Task<(int Code, string Output)> ResultAsync()
    {
        var output = await _output.WaitAsync(TimeSpan.FromMinutes(2));
        await _process.WaitForExitAsync();
        return (_process.ExitCode, output);
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
    }
}

/// <summary>Synthesizes the pipeline fixture once for every test class in <see cref="SynthesizedPipeline.Collection"/>.</summary>
[CollectionDefinition(SynthesizedPipeline.Collection, DisableParallelization = true)]
public sealed class SynthesizedPipelineCollection : ICollectionFixture<SynthesizedPipeline>;
