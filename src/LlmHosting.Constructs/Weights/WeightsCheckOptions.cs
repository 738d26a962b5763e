namespace LlmHosting.Constructs.Weights;

/// <summary>One object the weights folder must hold, as <c>llmhost upload-model</c> records it in its manifest.</summary>
/// <param name="Key">Key relative to the folder's prefix, for example <c>model-00001-of-00002.safetensors</c>.</param>
/// <param name="SizeInBytes">Size of the object.</param>
/// <param name="ETag">The object's ETag as S3 lists it, without quotes.</param>
public sealed record ExpectedWeightsFile(string Key, long SizeInBytes, string ETag);

/// <summary>How the weights of a bucket source are checked before anything loads them (see <see cref="WeightsGate"/>).</summary>
public sealed class WeightsCheckOptions
{
    /// <summary>
    /// Check the folder during deployment, before the model or import that reads it is created or updated.
    /// Default: true. Turning it off brings back SageMaker's failure mode: an endpoint that waits up to its health-check
    /// and download timeouts (30 and 60 minutes by default) before it fails.
    /// </summary>
    public bool? Enabled { get; init; }

    /// <summary>
    /// The exact objects the folder must hold (from the manifest <c>llmhost upload-model</c> writes): any missing,
    /// extra or changed object fails the check, naming it, and a change of this list runs the check again and rolls
    /// the models that read the folder. Default: none; any folder that meets the rules passes.
    /// </summary>
    public IReadOnlyList<ExpectedWeightsFile>? ExpectedFiles { get; init; }
}
