namespace LlmHosting.Constructs.Weights;

/// <summary>
/// Which rules a model folder must meet, by the service that loads it. <see cref="Bedrock"/> includes every
/// <see cref="SageMaker"/> rule, so a folder read by both is checked with <see cref="Bedrock"/>.
/// </summary>
public enum WeightsRules
{
    /// <summary>
    /// What vLLM on SageMaker needs in <c>/opt/ml/model</c>: <c>config.json</c>, the tokenizer files, and safetensors
    /// weights whose index names only shards that exist.
    /// </summary>
    SageMaker,

    /// <summary>
    /// Everything of <see cref="SageMaker"/>, plus Amazon Bedrock Custom Model Import's own rules: a root
    /// <c>metadata</c> object and no other root fields in the index, at most 200 GB, no <c>metal/</c> folder.
    /// </summary>
    Bedrock,
}
