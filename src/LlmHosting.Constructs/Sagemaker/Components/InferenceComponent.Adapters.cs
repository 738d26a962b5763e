namespace LlmHosting.Constructs.Sagemaker.Components;

/// <summary>The LoRA adapters an <see cref="InferenceComponent"/> serves as adapter inference components.</summary>
public sealed partial class InferenceComponent
{
    private readonly List<AdapterComponent> _adapters = [];

    /// <summary>The LoRA settings of the component's vLLM (<see cref="VllmSettings.Lora"/>), or null when it serves no adapter.</summary>
    public LoraSettings? Lora { get; private set; }

    /// <summary>
    /// What an adapter's <c>base_model_name_or_path</c> must name by default: the Hugging Face id of the component's source,
    /// else the catalog's id of its model, else the model's name.
    /// </summary>
    public string AdapterBaseModelName { get; private set; } = "";

    /// <summary>The adapter components attached to this component, in the order they were added.</summary>
    public IReadOnlyList<AdapterComponent> Adapters => _adapters;

    /// <summary>
    /// Attaches a LoRA adapter as an adapter inference component, or throws <see cref="ArgumentException"/> naming every
    /// problem (for example a component without <see cref="VllmSettings.Lora"/>).
    /// </summary>
    /// <param name="id">Construct id, unique among this component's children.</param>
    /// <param name="options">The adapter's folder and options.</param>
    public AdapterComponent AddAdapter(string id, AdapterComponentOptions options) => new(this, id, this, options);

    /// <summary>Records an adapter once it is valid.</summary>
    internal void Register(AdapterComponent adapter) => _adapters.Add(adapter);

    private void RememberServing(VllmModelDefinition definition)
    {
        Lora = definition.Settings.Lora;
        AdapterBaseModelName = (definition.Source as HuggingFaceModelSource)?.ModelId ?? definition.Model.HuggingFaceId ?? definition.Model.Name;
    }
}
