using System.Text.RegularExpressions;
using LlmHosting.Constructs.Rules;

namespace LlmHosting.Constructs.Bedrock.OnDemand;

/// <summary>
/// A Bedrock foundation model that an environment may call on demand, for example <see cref="GptOss120b"/>: its model
/// id, the regions that offer it in-region, and its id on Bedrock's Mantle endpoint (the OpenAI Responses API). The
/// catalog holds the OpenAI models on Bedrock; <see cref="Custom"/> takes any other id, and <see cref="WithRegions"/>
/// corrects a region list that AWS has extended since.
/// </summary>
/// <remarks>
/// Sources. Model ids and the Mantle ids: Amazon Bedrock User Guide, "OpenAI models" (model-parameters-openai) and
/// "Inference using Chat Completions API" (inference-chat-completions-mantle: Mantle serves gpt-oss as
/// <c>openai.gpt-oss-120b</c>, without the <c>-1:0</c> version suffix). Regions: Amazon Bedrock User Guide, "Supported
/// foundation models in Amazon Bedrock" (models-supported), as published in late 2025, where both models list the same
/// twelve regions without the cross-region-only mark; the page has since moved to per-model cards and AWS has announced
/// the models in AWS GovCloud (US), whose region and in-region status are UNCONFIRMED here, so the list may be
/// incomplete: pass the regions you know with <see cref="WithRegions"/>. Mantle endpoint regions: User Guide, "Inference
/// using Responses API" (bedrock-mantle), the same twelve; whether Mantle serves gpt-oss in each of them is UNCONFIRMED.
/// </remarks>
public sealed partial class BedrockFoundationModel
{
    private static readonly string[] GptOssRegions =
    [
        "us-east-1", "us-east-2", "us-west-2", "ap-northeast-1", "ap-south-1", "ap-southeast-3",
        "eu-central-1", "eu-north-1", "eu-south-1", "eu-west-1", "eu-west-2", "sa-east-1",
    ];

    /// <summary>OpenAI gpt-oss-20b (<c>openai.gpt-oss-20b-1:0</c>), text in and out, 128,000-token context.</summary>
    public static readonly BedrockFoundationModel GptOss20b = new("openai.gpt-oss-20b-1:0", "gpt-oss-20b", GptOssRegions, "openai.gpt-oss-20b", GptOssRegions, isCataloged: true);

    /// <summary>OpenAI gpt-oss-120b (<c>openai.gpt-oss-120b-1:0</c>), text in and out, 128,000-token context.</summary>
    public static readonly BedrockFoundationModel GptOss120b = new("openai.gpt-oss-120b-1:0", "gpt-oss-120b", GptOssRegions, "openai.gpt-oss-120b", GptOssRegions, isCataloged: true);

    private BedrockFoundationModel(
        string modelId, string name, IReadOnlyList<string>? regions, string? responsesModelId, IReadOnlyList<string>? responsesRegions, bool isCataloged)
    {
        ModelId = modelId;
        Name = name;
        Regions = regions;
        ResponsesModelId = responsesModelId;
        ResponsesRegions = responsesRegions;
        IsCataloged = isCataloged;
    }

    /// <summary>Every model of the catalog.</summary>
    public static IReadOnlyList<BedrockFoundationModel> Known { get; } = [GptOss20b, GptOss120b];

    /// <summary>The model id that InvokeModel and Bedrock runtime's <c>/openai/v1</c> path take, e.g. <c>openai.gpt-oss-120b-1:0</c>.</summary>
    public string ModelId { get; }

    /// <summary>A short name for the model directory, e.g. <c>gpt-oss-120b</c>; the model id for <see cref="Custom"/> models unless given.</summary>
    public string Name { get; }

    /// <summary>The regions that offer the model in-region, or null when unknown (a <see cref="Custom"/> model without regions: not checked).</summary>
    public IReadOnlyList<string>? Regions { get; }

    /// <summary>The model's id on Bedrock's Mantle endpoint (the OpenAI Responses API), or null when it has none there.</summary>
    public string? ResponsesModelId { get; }

    /// <summary>The regions whose Mantle endpoint serves the model, or null when unknown (not checked).</summary>
    public IReadOnlyList<string>? ResponsesRegions { get; }

    /// <summary>True for the models of <see cref="Known"/> (and their <see cref="WithRegions"/> copies), false for <see cref="Custom"/> ones.</summary>
    public bool IsCataloged { get; }

    /// <summary>The catalog model with this id.</summary>
    /// <param name="modelId">A model id such as <c>openai.gpt-oss-120b-1:0</c>.</param>
    /// <exception cref="ArgumentException">The id is not in the catalog; the message lists the ids it has and names <see cref="Custom"/>.</exception>
    public static BedrockFoundationModel Of(string modelId)
        => Find(modelId) ?? throw new ArgumentException(
            $"Unknown Bedrock foundation model '{modelId}'. Known: {string.Join(", ", Known.Select(m => m.ModelId))}; "
            + "for another model use BedrockFoundationModel.Custom(modelId, regions), which skips the catalog.",
            nameof(modelId));

    /// <summary>The catalog model with this id, or null.</summary>
    /// <param name="modelId">A model id.</param>
    public static BedrockFoundationModel? Find(string? modelId) => Known.FirstOrDefault(m => m.ModelId == modelId);

    /// <summary>
    /// A model the catalog does not hold. Its id must be a foundation-model id (botocore's bedrock-runtime
    /// <c>InvokeModelIdentifier</c> pattern); nothing else about it is checked.
    /// </summary>
    /// <param name="modelId">The model id, e.g. <c>qwen.qwen3-32b-v1:0</c>.</param>
    /// <param name="regions">Regions that offer the model; a stack in another region fails at synth. Default: not checked.</param>
    /// <param name="responsesModelId">The model's id on the Mantle endpoint, when it offers the Responses API there. Default: none.</param>
    /// <param name="responsesRegions">Regions whose Mantle endpoint serves it. Default: not checked.</param>
    /// <param name="name">Short name for the model directory. Default: <paramref name="modelId"/>.</param>
    /// <exception cref="ArgumentException">The id or a region is malformed.</exception>
    public static BedrockFoundationModel Custom(
        string modelId, IEnumerable<string>? regions = null, string? responsesModelId = null, IEnumerable<string>? responsesRegions = null, string? name = null)
    {
        var problems = new List<string>();
        if (!IsModelId(modelId))
        {
            problems.Add($"model id '{modelId}' is not a Bedrock foundation-model id such as openai.gpt-oss-120b-1:0");
        }

        if (responsesModelId is not null && !IsModelId(responsesModelId))
        {
            problems.Add($"responses model id '{responsesModelId}' is not a Bedrock model id such as openai.gpt-oss-120b");
        }

        var regionList = RegionList(regions, "regions", problems);
        var responsesRegionList = RegionList(responsesRegions, "responses regions", problems);
        if (problems.Count > 0)
        {
            throw new ArgumentException($"Invalid custom Bedrock foundation model: {string.Join("; ", problems)}.");
        }

        return new BedrockFoundationModel(modelId, name ?? modelId, regionList, responsesModelId, responsesRegionList, isCataloged: false);
    }

    /// <summary>
    /// This model with another list of the regions that offer it, for when AWS has offered it in more regions than the
    /// catalog knows. The Mantle regions stay as they are.
    /// </summary>
    /// <param name="regions">Every region that offers the model in-region.</param>
    /// <exception cref="ArgumentException">A region is malformed or the list is empty.</exception>
    public BedrockFoundationModel WithRegions(IEnumerable<string> regions)
    {
        ArgumentNullException.ThrowIfNull(regions);
        var problems = new List<string>();
        var list = RegionList(regions, "regions", problems);
        if (list is { Count: 0 })
        {
            problems.Add("regions is empty");
        }

        if (problems.Count > 0)
        {
            throw new ArgumentException($"Invalid regions for {ModelId}: {string.Join("; ", problems)}.", nameof(regions));
        }

        return new BedrockFoundationModel(ModelId, Name, list, ResponsesModelId, ResponsesRegions, IsCataloged);
    }

    /// <summary>True when <paramref name="region"/> offers the model, or when the regions are unknown.</summary>
    /// <param name="region">A region name.</param>
    public bool IsOfferedIn(string region) => Regions is null || Regions.Contains(region, StringComparer.Ordinal);

    /// <summary>True when <paramref name="region"/>'s Mantle endpoint serves the model, or when its Mantle regions are unknown.</summary>
    /// <param name="region">A region name.</param>
    public bool IsOfferedOnMantleIn(string region)
        => ResponsesModelId is not null && (ResponsesRegions is null || ResponsesRegions.Contains(region, StringComparer.Ordinal));

    /// <summary>True for a Bedrock foundation-model id: <c>provider.model</c> with an optional <c>-version:n</c> part.</summary>
    /// <param name="value">The value to check.</param>
    public static bool IsModelId(string? value) => value is not null && ModelIdPattern().IsMatch(value);

    /// <inheritdoc />
    public override string ToString() => ModelId;

    private static List<string>? RegionList(IEnumerable<string>? regions, string what, List<string> problems)
    {
        if (regions is null)
        {
            return null;
        }

        var list = regions.ToList();
        problems.AddRange(list.Where(r => !AwsNames.IsRegion(r)).Select(r => $"{what} '{r}' is not an AWS region name such as us-east-1"));
        return list.Distinct(StringComparer.Ordinal).ToList();
    }

    // botocore bedrock-runtime, shape InvokeModelIdentifier: the foundation-model branch of the pattern.
    [GeneratedRegex(@"^[a-z0-9-]{1,63}[.][a-z0-9-]{1,63}([.:]?[a-z0-9-]{1,63})$", RegexOptions.CultureInvariant)]
    private static partial Regex ModelIdPattern();
}
