using LlmHosting.Constructs.Storage;
using LlmHosting.Constructs.Weights;

namespace LlmHosting.Constructs.Sagemaker.Components;

/// <summary>
/// A LoRA adapter to serve on a base inference component, for <see cref="InferenceComponent.AddAdapter"/>: where the adapter
/// is and what it must fit. <see cref="AdapterComponentProps"/> adds the base, for creating an <see cref="AdapterComponent"/>
/// directly.
/// </summary>
public class AdapterComponentOptions
{
    /// <summary>
    /// Physical name of the adapter component: 1-63 letters, digits or hyphens. Clients call it like a component (it is in
    /// the invocation URL), and SageMaker routes its requests to the base with this adapter. Default: a name derived from the
    /// construct path.
    /// </summary>
    public string? InferenceComponentName { get; init; }

    /// <summary>The model bucket that holds the adapter.</summary>
    public required IModelBucket Bucket { get; init; }

    /// <summary>
    /// The adapter's folder in <see cref="Bucket"/>, for example <c>models/qwen3-4b-support-lora/</c>. It holds
    /// <c>adapter.tar.gz</c> (<c>adapter_config.json</c> and <c>adapter_model.safetensors</c> at its root), which
    /// <c>llmhost upload-model</c> makes from the adapter's folder; SageMaker reads it with the endpoint's execution role,
    /// which may read this prefix and no other of the adapter's.
    /// </summary>
    public required string Prefix { get; init; }

    /// <summary>
    /// What <c>base_model_name_or_path</c> of the adapter's <c>adapter_config.json</c> must name: the deployment fails before
    /// the adapter component is created when it names another model. Default: the base's Hugging Face id (its source's, or the
    /// catalog's), else the base model's name.
    /// </summary>
    public string? BaseModelName { get; init; }

    /// <summary>
    /// How the adapter's folder is checked before the component is created (<see cref="WeightsGate"/>: the archive, its
    /// configuration, the rank against the base's <see cref="LoraSettings.MaxRank"/>, the base model). Default: checked.
    /// </summary>
    public WeightsCheckOptions? Check { get; init; }

    /// <summary>
    /// The OpenAI <c>model</c> value clients send, as the model directory lists it. SageMaker registers the adapter with the
    /// container itself and selects it for requests to this component; the name it registers it under is not documented
    /// (UNCONFIRMED), so the default is the component's name. Default: <see cref="InferenceComponentName"/>.
    /// </summary>
    public string? ServedModelName { get; init; }
}

/// <summary>Properties of an <see cref="AdapterComponent"/>: the options and the base component it is attached to.</summary>
public sealed class AdapterComponentProps : AdapterComponentOptions
{
    /// <summary>The inference component that serves the base model, with LoRA on (<see cref="VllmSettings.Lora"/>).</summary>
    public required InferenceComponent Base { get; init; }
}
