using Amazon.CDK.AWS.SSM;

namespace LlmHosting.Constructs.Directories;

/// <summary>Properties of a <see cref="ModelDirectory"/>.</summary>
public sealed class ModelDirectoryProps
{
    /// <summary>The environment the directory describes, e.g. <c>dev</c> (the document's <c>environment</c>).</summary>
    public required string Environment { get; init; }

    /// <summary>
    /// The environment's name prefix, e.g. <c>llm-dev</c>; the parameter is then <c>/&lt;NamePrefix&gt;/model-directory</c>,
    /// where <c>LlmHosting.Client</c> and <c>llmhost</c> look for it. Required unless <see cref="ParameterName"/> is set.
    /// </summary>
    public string? NamePrefix { get; init; }

    /// <summary>Name of the SSM parameter. Default: <c>/&lt;NamePrefix&gt;/model-directory</c>.</summary>
    public string? ParameterName { get; init; }

    /// <summary>
    /// The models, in the order clients list them; names must be unique. The document is built once, from these, so
    /// that its size is checked at synth. Default: none (an empty directory).
    /// </summary>
    public IReadOnlyList<ModelDirectoryEntry>? Entries { get; init; }

    /// <summary>
    /// Tier of the SSM parameter: <see cref="ParameterTier.STANDARD"/> holds 4 KB, <see cref="ParameterTier.ADVANCED"/>
    /// 8 KB and is charged (botocore's ssm model, <c>PutParameterRequest.Tier</c>; a parameter cannot go back from
    /// advanced to standard); <see cref="ParameterTier.INTELLIGENT_TIERING"/> counts as advanced. A document that may
    /// exceed the tier fails at synth. Default: standard.
    /// </summary>
    public ParameterTier? Tier { get; init; }

    /// <summary>
    /// Whether the stack outputs the document itself as <c>ModelDirectory</c> besides its parameter's name
    /// (<c>ModelDirectoryParameterName</c>, always output). Default: when the document is at most
    /// <see cref="ModelDirectory.MaxJsonOutputBytes"/> bytes.
    /// </summary>
    public bool? JsonOutput { get; init; }
}
