namespace LlmHosting.App.Tests.Snapshots;

/// <summary>
/// Every synthesized stack of every environment against its committed snapshot. After an intended change,
/// run <c>UPDATE_SNAPSHOTS=1 dotnet test</c> and review the changed files under test/LlmHosting.App.Tests/Snapshots.
/// </summary>
[Collection(SynthesizedApp.Collection)]
public sealed class SnapshotTests(SynthesizedApp app)
{
    public static TheoryData<string> EnvironmentNames()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(Repository.ConfigDirectory, "*.json").Order(StringComparer.Ordinal))
        {
            if (Path.GetFileName(file) == LlmHosting.App.Configuration.PipelineConfig.FileName)
            {
                continue;
            }

            data.Add(Path.GetFileNameWithoutExtension(file));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(EnvironmentNames))]
    public void Synth_Environment_MatchesCommittedSnapshots(string environment)
    {
        var templates = app.Templates.Where(t => t.Key.StartsWith(environment + ".", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(templates);

        var differences = templates
            .Select(t => SnapshotFile.Compare(t.Key, SnapshotFile.Normalize(t.Value)))
            .OfType<string>()
            .ToList();
        Assert.True(differences.Count == 0, string.Join("\n", differences));
    }

    [Fact]
    public void Snapshots_EveryCommittedFile_BelongsToASynthesizedStack()
    {
        var stale = Directory.GetFiles(SnapshotFile.Directory(), "*.template.json")
            .Select(Path.GetFileName)
            .Where(name => !app.Templates.ContainsKey(name!))
            .ToList();
        if (SnapshotFile.Updating)
        {
            stale.ForEach(name => File.Delete(Path.Combine(SnapshotFile.Directory(), name!)));
            return;
        }

        Assert.True(stale.Count == 0, $"Snapshots without a stack (delete them or run {SnapshotFile.UpdateVariable}=1 dotnet test): {string.Join(", ", stale)}");
    }

    [Fact]
    public void Normalize_AssetHash_IsReplaced()
    {
        var hash = new string('a', 64);
        var normalized = SnapshotFile.Normalize($$"""{"S3Key":"{{hash}}.zip"}""");
        Assert.Contains("\"<asset-hash>.zip\"", normalized);
        Assert.DoesNotContain(hash, normalized);
    }

    [Fact]
    public void Diff_ChangedLine_ShowsBothSidesWithContext()
    {
        var diff = SnapshotFile.Diff("a\nb\nc\nd\n", "a\nb\nX\nd\n");
        Assert.Contains("- c", diff);
        Assert.Contains("+ X", diff);
        Assert.Contains("  b", diff);
    }
}
