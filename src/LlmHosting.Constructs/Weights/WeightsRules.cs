namespace LlmHosting.Constructs.Weights;

/// <summary>
/// Which rules a model folder must meet, by the service that loads it. <see cref="Bedrock"/> includes every
/// <see cref="SageMaker"/> rule, so a folder read by both is checked with <see cref="Bedrock"/>.
/// </summary>
public enum WeightsRules
{
    /// <summary>
    /// What vLLM on SageMaker needs in <c>/opt/ml/model</c>: a <c>config.json</c> that parses, the tokenizer files,
    /// safetensors shards whose headers parse and whose sizes match them (read by ranged GETs), an index naming exactly those
    /// shards, and the files of the readers' start contracts.
    /// </summary>
    SageMaker,

    /// <summary>
    /// Everything of <see cref="SageMaker"/>, plus Amazon Bedrock Custom Model Import's own rules: a root
    /// <c>metadata</c> object and no other root fields in the index, at most 200 GB, no <c>metal/</c> folder.
    /// </summary>
    Bedrock,
}
