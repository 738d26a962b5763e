using System.Globalization;
using System.Text.RegularExpressions;

namespace LlmHosting.Constructs.Sagemaker;

/// <summary>
/// A model with the facts the constructs need to check and configure it: the GPU memory its weights take,
/// and the vLLM parsers that make tool calls and reasoning come out right in the OpenAI-compatible API.
/// The catalog holds gpt-oss-20b, gpt-oss-120b and Qwen3-4B; <see cref="Of"/> describes any other model.
/// </summary>
public sealed class KnownModel
{
    private static readonly Regex NamePattern = new(@"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$", RegexOptions.CultureInvariant);
    private static readonly Regex ParserPattern = new(@"^[a-z0-9_-]+$", RegexOptions.CultureInvariant);

    private KnownModel(string name, double weightMemoryGiB, string? toolCallParser, string? reasoningParser, string? huggingFaceId, int? maxContextLength = null, string? modelType = null)
    {
        Name = name;
        ModelType = modelType;
        MaxContextLength = maxContextLength;
        WeightMemoryGiB = weightMemoryGiB;
        ToolCallParser = toolCallParser;
        ReasoningParser = reasoningParser;
        HuggingFaceId = huggingFaceId;
    }

    /// <summary>Short name, for messages and as the served model name.</summary>
    public string Name { get; }

    /// <summary>GPU memory the weights occupy once loaded, in GiB (before KV cache and activations).</summary>
    public double WeightMemoryGiB { get; }

    /// <summary>vLLM <c>--tool-call-parser</c> recommended for the model, or null when it has none.</summary>
    public string? ToolCallParser { get; }

    /// <summary>vLLM <c>--reasoning-parser</c> recommended for the model, or null when it has none.</summary>
    public string? ReasoningParser { get; }

    /// <summary>
    /// The longest context the model takes, in tokens (<c>max_position_embeddings</c> of its <c>config.json</c>; vLLM refuses
    /// a larger <c>--max-model-len</c>), or null when unknown.
    /// </summary>
    public int? MaxContextLength { get; }

    /// <summary>The model's Hugging Face id, or null when unknown.</summary>
    public string? HuggingFaceId { get; }

    /// <summary>The <c>model_type</c> of the model's <c>config.json</c> (<c>gpt_oss</c>, <c>qwen3</c>), or null when unknown.</summary>
    public string? ModelType { get; }

    /// <summary>
    /// What the serving container reads at start besides the weights, and which addresses it would otherwise reach: the
    /// contract of <see cref="ModelType"/>, else of the catalog name (so <c>KnownModel.Of("gpt-oss-20b", ...)</c> keeps
    /// gpt-oss's), else <see cref="StartContract.HuggingFaceFolder"/>.
    /// </summary>
    public StartContract StartContract
        => ModelType is not null ? StartContract.ForModelType(ModelType) : StartContract.ForModelName(Name) ?? StartContract.HuggingFaceFolder;

    /// <summary>
    /// OpenAI gpt-oss-20b: 21B parameters (3.6B active), MXFP4 mixture of experts, about 16 GiB of weights.
    /// Tool calls with the <c>openai</c> parser, reasoning with <c>openai_gptoss</c>.
    /// </summary>
    public static readonly KnownModel GptOss20b = new("gpt-oss-20b", 16, "openai", "openai_gptoss", "openai/gpt-oss-20b", 131072, "gpt_oss");

    /// <summary>
    /// OpenAI gpt-oss-120b: 117B parameters (5.1B active), MXFP4, about 65 GiB of weights: one 80 GB GPU.
    /// Tool calls with the <c>openai</c> parser, reasoning with <c>openai_gptoss</c>.
    /// </summary>
    public static readonly KnownModel GptOss120b = new("gpt-oss-120b", 65, "openai", "openai_gptoss", "openai/gpt-oss-120b", 131072, "gpt_oss");

    /// <summary>
    /// Qwen3-4B in BF16, about 8 GiB of weights, 40960 tokens of context without rope scaling. Tool calls with
    /// <c>hermes</c>, reasoning with <c>qwen3</c>.
    /// </summary>
    public static readonly KnownModel Qwen3_4B = new("Qwen3-4B", 8, "hermes", "qwen3", "Qwen/Qwen3-4B", 40960, "qwen3");

    /// <summary>Every model of the catalog.</summary>
    public static IReadOnlyList<KnownModel> All { get; } = [GptOss20b, GptOss120b, Qwen3_4B];

    /// <summary>
    /// Describes a model outside the catalog. Throws <see cref="ArgumentException"/> naming every problem.
    /// </summary>
    /// <param name="name">Short name: letters, digits, '.', '_' or '-', at most 64 characters.</param>
    /// <param name="weightMemoryGiB">GPU memory of the loaded weights in GiB, above 0.</param>
    /// <param name="toolCallParser">vLLM tool-call parser, or null when the model has none.</param>
    /// <param name="reasoningParser">vLLM reasoning parser, or null when the model has none.</param>
    /// <param name="huggingFaceId">Hugging Face id, or null.</param>
    /// <param name="maxContextLength">Longest context in tokens (<c>max_position_embeddings</c>), or null when unknown.</param>
    /// <param name="modelType">The <c>model_type</c> of its <c>config.json</c>, which selects its <see cref="StartContract"/>; null: by the name.</param>
    public static KnownModel Of(
        string name, double weightMemoryGiB, string? toolCallParser = null, string? reasoningParser = null, string? huggingFaceId = null, int? maxContextLength = null, string? modelType = null)
    {
        var problems = new List<string>();
        if (name is null || !NamePattern.IsMatch(name))
        {
            problems.Add($"name '{name}' must be 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit");
        }

        if (!(weightMemoryGiB > 0) || double.IsInfinity(weightMemoryGiB))
        {
            problems.Add($"weightMemoryGiB {weightMemoryGiB.ToString(CultureInfo.InvariantCulture)} must be above 0");
        }

        foreach (var (label, parser) in new[] { ("toolCallParser", toolCallParser), ("reasoningParser", reasoningParser) })
        {
            if (parser is not null && !ParserPattern.IsMatch(parser))
            {
                problems.Add($"{label} '{parser}' must be lower-case letters, digits, '_' or '-'");
            }
        }

        if (maxContextLength is < 1)
        {
            problems.Add($"maxContextLength {maxContextLength} must be at least 1");
        }

        if (problems.Count > 0)
        {
            throw new ArgumentException($"Invalid KnownModel: {string.Join("; ", problems)}.");
        }

        return new KnownModel(name!, weightMemoryGiB, toolCallParser, reasoningParser, huggingFaceId, maxContextLength, modelType);
    }

    /// <summary>The catalog model of that name (case-insensitive), or null.</summary>
    /// <param name="name">For example <c>gpt-oss-20b</c>.</param>
    public static KnownModel? TryFromName(string name)
        => All.FirstOrDefault(m => string.Equals(m.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <inheritdoc />
    public override string ToString() => Name;
}
