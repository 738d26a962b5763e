using LlmHosting.App.Tests.Snapshots;

namespace LlmHosting.App.Tests.Pipeline;

/// <summary>The checked-in app has no pipeline.json: it synthesizes the environments' stacks and nothing else.</summary>
[Collection(SynthesizedApp.Collection)]
public sealed class PipelineOffTests(SynthesizedApp app)
{
    [Fact]
    public void Synth_WithoutPipelineFile_MakesExactlyTheStacksOfTheCommittedSnapshots()
    {
        var snapshots = Directory.GetFiles(Path.Combine(Path.GetDirectoryName(SnapshotFile.Directory())!, "Snapshots"), "*.template.json")
            .Select(f => Path.GetFileName(f)[..^".template.json".Length].Replace('.', '/'));
        Assert.Equal(snapshots.Order(StringComparer.Ordinal), app.Stacks.Order(StringComparer.Ordinal));
    }
}
