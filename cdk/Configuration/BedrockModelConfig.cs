using LlmHosting.Constructs.Bedrock.OnDemand;

namespace LlmHosting.App.Configuration;

/// <summary>
/// One of Bedrock's own models that the environment may use on demand (an entry of <c>bedrockModels</c>): the invoker
/// role may invoke it, and the model directory lists it. Nothing is deployed for it.
/// </summary>
public sealed record BedrockModelConfig
{
    internal const string Path = "bedrockModels";

    /// <summary>The name clients ask for in the model directory, for example <c>gpt-oss-120b-bedrock</c>.</summary>
    public string Name { get; init; } = "";

    /// <summary>The Bedrock model id, for example <c>openai.gpt-oss-120b-1:0</c> (see the catalog in the README).</summary>
    public string ModelId { get; init; } = "";

    /// <summary>
    /// The regions that offer the model, when the catalog's list is out of date, or for a model outside the catalog (then
    /// required: it is what lets such a model in). Default: the catalog's regions.
    /// </summary>
    public IReadOnlyList<string>? Regions { get; init; }

    /// <summary>
    /// Also publish and grant the OpenAI Responses API (Bedrock's Mantle endpoint). Mantle's permission is not scoped to
    /// a model, so this lets the invoker role call every Mantle model of the region. Default: false.
    /// </summary>
    public bool ResponsesApi { get; init; }

    /// <summary>The construct id derived from <see cref="Name"/>: <c>Bedrock</c> and <c>gpt-oss-120b</c> become <c>BedrockGptOss120b</c>.</summary>
    internal string ConstructId => "Bedrock" + ConfigNames.ConstructId(Name);

    /// <summary>Adds a description of every problem of this entry that can be told without the library's region check.</summary>
    /// <param name="problems">Where problems are added.</param>
    /// <param name="path">JSON path of the entry, for example <c>bedrockModels[0]</c>.</param>
    internal void Validate(ICollection<string> problems, string path)
    {
        if (!ConfigNames.ShortName.IsMatch(Name))
        {
            problems.Add(Name.Length == 0 ? $"{path}.name is missing" : $"{path}.name '{Name}' must be lower-case letters and digits, words joined by single hyphens");
        }

        if (ModelId.Length == 0)
        {
            problems.Add($"{path}.modelId is missing (one of {string.Join(", ", BedrockFoundationModel.Known.Select(m => m.ModelId))})");
        }
        else if (BedrockFoundationModel.Find(ModelId) is null && Regions is null)
        {
            problems.Add(
                $"{path}.modelId '{ModelId}' is not in the catalog ({string.Join(", ", BedrockFoundationModel.Known.Select(m => m.ModelId))}); "
                + $"to use another Bedrock model, list the regions that offer it in {path}.regions");
        }
        else
        {
            ConfigNames.Check(problems, $"{path}.modelId", () => Model());
        }
    }

    /// <summary>The model: the catalog's, with the configured regions when given, or a model outside the catalog.</summary>
    internal BedrockFoundationModel Model() => BedrockFoundationModel.Find(ModelId) switch
    {
        { } known when Regions is not null => known.WithRegions(Regions),
        { } known => known,
        null => BedrockFoundationModel.Custom(ModelId, Regions, name: Name),
    };

    /// <summary>The props of the model's construct, from this validated entry.</summary>
    internal BedrockOnDemandModelProps ToProps() => new() { Model = Model(), ResponsesApi = ResponsesApi };

    /// <summary>Where the model's props come from, for messages.</summary>
    /// <param name="path">JSON path of this entry, for example <c>bedrockModels[0]</c>.</param>
    internal static PropsKeys KeysAt(string path) => new(path,
    [
        new(nameof(BedrockOnDemandModelProps.Model), $"{path}.modelId"),
        new(nameof(BedrockOnDemandModelProps.ResponsesApi), $"{path}.responsesApi"),
    ]);
}
