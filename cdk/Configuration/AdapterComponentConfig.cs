using LlmHosting.Constructs.Sagemaker.Components;
using LlmHosting.Constructs.Storage;
using LlmHosting.Constructs.Weights;

namespace LlmHosting.App.Configuration;

/// <summary>
/// A LoRA adapter served as an adapter inference component on one of the endpoint's components
/// (<c>componentEndpoint.adapters[i]</c>). Its physical name is <c>&lt;endpoint name&gt;-&lt;name&gt;</c>; clients ask the
/// model directory for it by <see cref="Name"/>, like any model.
/// </summary>
public sealed record AdapterComponentConfig
{
    internal const string Path = ComponentEndpointConfig.Path + ".adapters";

    /// <summary>Short name: lower-case letters and digits, words joined by single hyphens, for example <c>qwen3-4b-support</c>.</summary>
    public string Name { get; init; } = "";

    /// <summary>The <c>name</c> of the component serving the base model; it must have a <c>lora</c> section.</summary>
    public string Base { get; init; } = "";

    /// <summary>Folder of the environment's model bucket holding the adapter's <c>adapter.tar.gz</c> (written by <c>llmhost upload-model</c>).</summary>
    public string BucketPrefix { get; init; } = "";

    /// <summary>What the adapter's <c>base_model_name_or_path</c> must name. Default: the base component's Hugging Face id.</summary>
    public string? BaseModel { get; init; }

    /// <summary>Path, relative to the configuration folder, of the upload's manifest. Default: none.</summary>
    public string? WeightsManifest { get; init; }

    internal IReadOnlyList<ExpectedWeightsFile>? ExpectedFiles { get; private set; }

    /// <summary>The construct id derived from <see cref="Name"/>.</summary>
    internal string ConstructId => ConfigNames.ConstructId(Name);

    /// <summary>The adapter component's physical name: <c>&lt;endpoint name&gt;-&lt;name&gt;</c>.</summary>
    internal string ComponentNameIn(string endpointName) => $"{endpointName}-{Name}";

    internal void Validate(ICollection<string> problems, string path, ComponentEndpointConfig endpoint, string endpointName)
    {
        ConfigNames.ValidateName(problems, path, Name, endpointName, "component");
        var components = endpoint.Components.Select(c => c.Name).ToList();
        if (Base.Length == 0)
        {
            problems.Add($"{path}.base is missing: name the component that serves the base model ({string.Join(", ", components)})");
        }
        else if (endpoint.Components.FirstOrDefault(c => c.Name == Base) is { } component)
        {
            if (component.Lora is null)
            {
                var index = endpoint.Components.IndexOf(component);
                problems.Add($"{path}.base '{Base}' does not serve LoRA adapters: add \"lora\": {{ \"maxRank\": 16 }} (at least the adapter's rank) to {ComponentEndpointConfig.Path}.components[{index}]");
            }
        }
        else if (endpoint.Adapters.FindIndex(a => a.Name == Base) is var adapter and >= 0)
        {
            problems.Add($"{path}.base '{Base}' is an adapter ({Path}[{adapter}]): an adapter's base must be a model of {ComponentEndpointConfig.Path}.components ({string.Join(", ", components)})");
        }
        else
        {
            problems.Add($"{path}.base '{Base}' is not a component of {ComponentEndpointConfig.Path}.components ({string.Join(", ", components)})");
        }

        if (BucketPrefix.Length == 0)
        {
            problems.Add($"{path}.bucketPrefix is missing: the adapter's folder in the model bucket, for example models/{(Name.Length > 0 ? Name : "my-adapter")}/");
        }
        else
        {
            ConfigNames.Check(problems, $"{path}.bucketPrefix", () => ModelPrefix.Normalize(BucketPrefix));
        }
    }

    /// <summary>Reads <see cref="WeightsManifest"/>, when set.</summary>
    internal void ReadManifest(string? configDirectory, string path, ICollection<string> problems)
    {
        if (WeightsManifest is { } manifest && BucketPrefix.Length > 0)
        {
            ExpectedFiles = WeightsManifestFile.Read(configDirectory, manifest, BucketPrefix, $"{path}.weightsManifest", problems);
        }
    }

    /// <summary>The options of the adapter's construct, from this validated entry.</summary>
    internal AdapterComponentOptions ToOptions(string endpointName, IModelBucket bucket) => new()
    {
        InferenceComponentName = ComponentNameIn(endpointName),
        Bucket = bucket,
        Prefix = BucketPrefix,
        BaseModelName = BaseModel,
        Check = new WeightsCheckOptions { ExpectedFiles = ExpectedFiles },
    };

    /// <summary>Where the adapter's options come from, for messages.</summary>
    internal PropsKeys KeysAt(string path, string basePath) => new(path,
    [
        new(nameof(AdapterComponentOptions.InferenceComponentName), $"{path}.name"),
        new(nameof(AdapterComponentOptions.Prefix), $"{path}.bucketPrefix"),
        new(nameof(AdapterComponentOptions.BaseModelName), $"{path}.baseModel"),
        new(nameof(AdapterComponentProps.Base), $"{path}.base"),
        new("Vllm.Lora", $"{basePath}.lora"),
    ]);
}
