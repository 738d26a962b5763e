namespace LlmHosting.ModelValidation;

/// <summary>Which service's rules a model folder is checked against.</summary>
public enum ModelFolderRules
{
    /// <summary>
    /// vLLM on a SageMaker endpoint or inference component, which loads the folder that SageMaker copies to
    /// <c>/opt/ml/model</c>: a <c>config.json</c> that parses, the tokenizer files, safetensors shards whose headers parse
    /// and whose sizes match them, an index naming exactly those shards, and the files of the model's start contract.
    /// </summary>
    SageMaker,

    /// <summary>
    /// Amazon Bedrock Custom Model Import: everything <see cref="SageMaker"/> needs, plus a root <c>metadata</c>
    /// object in the index and no other root fields than <c>metadata</c> and <c>weight_map</c>, at most
    /// <see cref="ModelFolderValidator.MaxTotalSizeInBytes"/> in all, and no <c>metal/</c> folder.
    /// </summary>
    Bedrock,
}
