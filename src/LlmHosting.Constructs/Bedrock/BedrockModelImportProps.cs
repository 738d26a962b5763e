using Amazon.CDK;
using LlmHosting.Constructs.Logs;
using LlmHosting.Constructs.Storage;
using LlmHosting.Constructs.Weights;

namespace LlmHosting.Constructs.Bedrock;

/// <summary>Properties of a <see cref="BedrockModelImport"/>.</summary>
public sealed class BedrockModelImportProps
{
    /// <summary>The bucket that holds the model folder.</summary>
    public required IModelBucket ModelBucket { get; init; }

    /// <summary>Key prefix of the model folder in <see cref="ModelBucket"/>, for example <c>models/gpt-oss-20b/</c>.</summary>
    public required string ModelPrefix { get; init; }

    /// <summary>
    /// Base name of the imported model: 1-54 letters and digits, each optionally followed by one <c>-</c> or
    /// <c>_</c>. Each import appends <c>-</c> and 8 characters derived from the stack, the construct and the
    /// imported content, so that a replacement can exist next to the model it replaces and a retried deployment
    /// finds an import that an earlier attempt left running; read the full name from
    /// <see cref="BedrockModelImport.ImportedModelName"/>.
    /// </summary>
    public required string ModelName { get; init; }

    /// <summary>
    /// How the folder is checked before the import starts (<see cref="WeightsGate"/>, with
    /// <see cref="WeightsRules.Bedrock"/>). Default: checked; any content that meets the rules passes.
    /// </summary>
    public WeightsCheckOptions? WeightsCheck { get; init; }

    /// <summary>
    /// Keep the imported model when the resource is deleted (or replaced).
    /// Default: false, the imported model is deleted with the resource.
    /// </summary>
    public bool? RetainOnDelete { get; init; }

    /// <summary>
    /// How long the deployment waits for the import job before it fails the resource, and how long a delete
    /// waits for a job that is still creating the model before it fails (and is tried again). At most 1 hour (the
    /// Provider framework's limit) and an integer multiple of <see cref="QueryInterval"/>. The job itself is never
    /// stopped (Bedrock has no API for it) and its model is never orphaned: a retried deployment adopts it.
    /// Default: <see cref="BedrockModelImport.DefaultTotalTimeout"/> (1 hour), sized for a 120B model; a 20B
    /// import takes 10-15 minutes.
    /// </summary>
    public Duration? TotalTimeout { get; init; }

    /// <summary>
    /// How often the import job is polled.
    /// Default: <see cref="BedrockModelImport.DefaultQueryInterval"/> (1 minute).
    /// </summary>
    public Duration? QueryInterval { get; init; }

    /// <summary>
    /// Log groups of the handler functions, of CDK's provider framework functions and of its waiter state machine
    /// (retention, key, removal). Default: the <see cref="LogGroupOptions.SetDefaults"/> of an enclosing scope, else
    /// one month, no key, retained.
    /// </summary>
    public LogGroupOptions? Logs { get; init; }
}
