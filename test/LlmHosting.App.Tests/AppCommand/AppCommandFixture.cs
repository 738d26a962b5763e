using System.Text.Json.Nodes;
using LlmHosting.ModelValidation;

namespace LlmHosting.App.Tests.AppCommand;

/// <summary>
/// One copy of the repository for the tests of the app command, with dev's Bedrock import pinned to a weights manifest
/// under cdk/config, and the runs they compare, each made once: every environment synthesized (<see cref="Before"/>);
/// then dev's region mistyped (<see cref="Typo"/>); then, between that run and the next synth (<see cref="After"/>),
/// the edits people make: dev.json corrected and edited, the manifest rewritten by a new upload, staging.json deleted
/// and qa.json added. The app is not rebuilt in between. Tests that edit the copy themselves undo their edits.
/// </summary>
public sealed class AppCommandFixture : IDisposable
{
    /// <summary>The test collection of the app command's tests (one copy).</summary>
    public const string Collection = "App command";

    /// <summary>The manifest dev's import is pinned to, relative to cdk/config.</summary>
    public const string Manifest = "manifests/gpt-oss-20b.llmhost-manifest.json";

    private readonly Lazy<(AppRun Before, AppRun Typo, AppRun After)> _runs;

    public AppCommandFixture()
    {
        Copy = new RepositoryCopy();
        Directory.CreateDirectory(Path.GetDirectoryName(Copy.PathOf("cdk/config/" + Manifest))!);
        File.WriteAllText(Copy.PathOf("cdk/config/" + Manifest), ManifestWithETag("e1"));
        var dev = JsonNode.Parse(File.ReadAllText(Copy.PathOf("cdk/config/dev.json")))!;
        dev["modelImports"]![0]!["weightsManifest"] = Manifest;
        File.WriteAllText(Copy.PathOf("cdk/config/dev.json"), dev.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
        _runs = new(EditBetweenSynths);
    }

    public RepositoryCopy Copy { get; }

    /// <summary>Every environment synthesized before any edit.</summary>
    public AppRun Before => _runs.Value.Before;

    /// <summary>The app run after dev's region was mistyped as us-esat-1.</summary>
    public AppRun Typo => _runs.Value.Typo;

    /// <summary>
    /// Every environment synthesized after dev.json was corrected and edited (region us-west-2, log retention 14 days),
    /// the manifest rewritten (ETags e2), staging.json deleted and qa.json added.
    /// </summary>
    public AppRun After => _runs.Value.After;

    /// <summary>A manifest of the gpt-oss-20b upload, as <c>llmhost upload-model --manifest-out</c> writes it.</summary>
    public static string ManifestWithETag(string etag) => new WeightsManifest(
        "models/gpt-oss-20b/",
        [
            new ManifestEntry("config.json", 1234, Convert.ToBase64String(new byte[32]), etag),
            new ManifestEntry("model-00001-of-00001.safetensors", 13_000_000_000, Convert.ToBase64String(new byte[32]) + "-800", etag + "-800"),
        ]).ToJson();

    public void Dispose() => Copy.Dispose();

    private (AppRun, AppRun, AppRun) EditBetweenSynths()
    {
        var before = Copy.Synth();
        AppRun typo;
        using (Copy.Edit("cdk/config/dev.json", c => c.Replace("\"us-east-1\"", "\"us-esat-1\"", StringComparison.Ordinal)))
        {
            typo = Copy.Synth();
        }

        var staging = File.ReadAllText(Copy.PathOf("cdk/config/staging.json"));
        using var dev = Copy.Edit("cdk/config/dev.json", c => c
            .Replace("\"us-east-1\"", "\"us-west-2\"", StringComparison.Ordinal)
            .Replace("\"retentionDays\": 7", "\"retentionDays\": 14", StringComparison.Ordinal));
        using var upload = Copy.Edit("cdk/config/" + Manifest, _ => ManifestWithETag("e2"));
        using var deleted = Copy.Delete("cdk/config/staging.json");
        using var added = Copy.Edit("cdk/config/qa.json", _ => staging.Replace("\"llm-staging\"", "\"llm-qa\"", StringComparison.Ordinal));
        return (before, typo, Copy.Synth());
    }
}

[CollectionDefinition(AppCommandFixture.Collection)]
public sealed class AppCommandCollection : ICollectionFixture<AppCommandFixture>;
