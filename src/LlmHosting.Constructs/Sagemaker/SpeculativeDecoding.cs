using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace LlmHosting.Constructs.Sagemaker;

/// <summary>
/// A speculative decoding method of vLLM (<c>method</c> of <c>--speculative-config</c>). The set grows with vLLM
/// versions (<c>SpeculativeMethod</c> in <c>vllm/config/speculative.py</c>), so <see cref="Of"/> accepts any method name; the
/// known ones say whether they need a draft model.
/// </summary>
public sealed partial class SpeculativeMethod
{
    private SpeculativeMethod(string name, bool? needsDraftModel)
    {
        Name = name;
        NeedsDraftModel = needsDraftModel;
    }

    /// <summary>The method as vLLM spells it, for example <c>eagle3</c>.</summary>
    public string Name { get; }

    /// <summary>True when the method reads a draft model or head (<see cref="SpeculativeDecoding.DraftModelFolder"/>), false when it needs none, null when unknown.</summary>
    public bool? NeedsDraftModel { get; }

    /// <summary>A small separate model of the same tokenizer proposes the tokens.</summary>
    public static readonly SpeculativeMethod DraftModel = new("draft_model", true);

    /// <summary>An EAGLE draft head trained for the model.</summary>
    public static readonly SpeculativeMethod Eagle = new("eagle", true);

    /// <summary>An EAGLE-3 draft head trained for the model.</summary>
    public static readonly SpeculativeMethod Eagle3 = new("eagle3", true);

    /// <summary>Medusa heads trained for the model.</summary>
    public static readonly SpeculativeMethod Medusa = new("medusa", true);

    /// <summary>An MLP speculator trained for the model.</summary>
    public static readonly SpeculativeMethod MlpSpeculator = new("mlp_speculator", true);

    /// <summary>The model's own multi-token prediction layers (models that have them, such as DeepSeek V3 or Qwen3-Next).</summary>
    public static readonly SpeculativeMethod Mtp = new("mtp", false);

    /// <summary>Tokens looked up in the prompt (prompt lookup decoding): no draft model.</summary>
    public static readonly SpeculativeMethod Ngram = new("ngram", false);

    /// <summary>The known methods.</summary>
    public static IReadOnlyList<SpeculativeMethod> Known { get; } = [DraftModel, Eagle, Eagle3, Medusa, MlpSpeculator, Mtp, Ngram];

    /// <summary>
    /// The method of that name: a known one, or another name vLLM may know (lower-case letters, digits and <c>_</c>), whose
    /// need for a draft model is then not checked. Throws <see cref="ArgumentException"/> for other text.
    /// </summary>
    /// <param name="name">The method, for example <c>eagle3</c>.</param>
    public static SpeculativeMethod Of(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (Known.FirstOrDefault(m => m.Name == name) is { } known)
        {
            return known;
        }

        return MethodName().IsMatch(name)
            ? new SpeculativeMethod(name, null)
            : throw new ArgumentException($"'{name}' is not a vLLM speculative decoding method (lower-case letters, digits and '_'; for example {string.Join(", ", Known.Select(m => m.Name))}).", nameof(name));
    }

    /// <inheritdoc />
    public override string ToString() => Name;

    [GeneratedRegex("^[a-z][a-z0-9_]*$", RegexOptions.CultureInvariant)]
    private static partial Regex MethodName();
}

/// <summary>
/// Speculative decoding of a vLLM model (<c>--speculative-config</c>): a cheaper proposer guesses the next tokens and the
/// model checks them in one step, which lowers the time per output token at low concurrency. The draft model comes from a
/// folder inside the model's own bucket prefix, so it is copied to the instance with the model and checked before
/// deployment like any weights.
/// </summary>
/// <remarks>
/// The container gets one JSON object in <c>SM_VLLM_SPECULATIVE_CONFIG</c>: the DLC entrypoint passes a single JSON object
/// through as one argument (aws/deep-learning-containers <c>scripts/docker/vllm/sagemaker_args.py</c>, <c>tokens_for</c>), and
/// the older shell entrypoint passes every value as one argument (<c>sagemaker_entrypoint.sh</c> before 2026-08-19), so the
/// JSON is written on one line. Keys: vLLM's <c>SpeculativeConfig</c> (<c>method</c>, <c>model</c>,
/// <c>num_speculative_tokens</c>).
/// </remarks>
public sealed class SpeculativeDecoding
{
    /// <summary>The container variable that carries the configuration.</summary>
    public const string Variable = "SM_VLLM_SPECULATIVE_CONFIG";

    /// <summary>The method, for example <see cref="SpeculativeMethod.Eagle3"/>.</summary>
    public required SpeculativeMethod Method { get; init; }

    /// <summary>
    /// Folder of the draft model or head, relative to the model's bucket prefix (for example <c>draft/</c> for
    /// <c>models/gpt-oss-20b/draft/</c>): vLLM reads it at <c>/opt/ml/model/&lt;folder&gt;</c>. Required by methods that need a
    /// draft model; needs a model from a bucket (<see cref="ModelSource.FromBucket"/>). Default: none.
    /// </summary>
    public string? DraftModelFolder { get; init; }

    /// <summary>Tokens proposed per step (<c>num_speculative_tokens</c>), 1-32. Default: the draft model's own setting, else vLLM's requirement applies.</summary>
    public int? NumSpeculativeTokens { get; init; }

    /// <summary>
    /// Other keys of vLLM's <c>SpeculativeConfig</c>, written as they are (strings, numbers or booleans), for settings this
    /// class does not type (for example <c>prompt_lookup_max</c> of <c>ngram</c>). Default: none.
    /// </summary>
    public IReadOnlyDictionary<string, object>? ExtraConfig { get; init; }

    /// <summary>Most tokens per step accepted here: more is never faster in vLLM's benchmarks, and a typo of 300 would waste the GPU.</summary>
    public const int MaxSpeculativeTokens = 32;

    /// <summary>The draft folder as mounted in the container, or null.</summary>
    internal string? DraftModelPath => DraftModelFolder is { } folder ? $"{ModelSource.ModelMountPath}/{folder.TrimEnd('/')}" : null;

    /// <summary>The one-line JSON of <c>--speculative-config</c>.</summary>
    internal string ToJson()
    {
        var config = new JsonObject { ["method"] = Method.Name };
        if (DraftModelPath is { } path)
        {
            config["model"] = path;
        }

        if (NumSpeculativeTokens is { } tokens)
        {
            config["num_speculative_tokens"] = tokens;
        }

        foreach (var (key, value) in ExtraConfig ?? new Dictionary<string, object>())
        {
            config[key] = value switch
            {
                string text => JsonValue.Create(text),
                bool flag => JsonValue.Create(flag),
                int number => JsonValue.Create(number),
                long number => JsonValue.Create(number),
                float number => JsonValue.Create(number),
                double number => JsonValue.Create(number),
                decimal number => JsonValue.Create(number),
                _ => throw new ArgumentException($"ExtraConfig '{key}' must be a string, a number or a boolean."),
            };
        }

        return config.ToJsonString();
    }

    /// <summary>Every problem of these settings, properties named under <paramref name="property"/>; <paramref name="fromBucket"/> says whether the model comes from a bucket.</summary>
    internal IEnumerable<(string Property, string Message)> Problems(string property, Func<string, string> p, bool fromBucket)
    {
        var folder = $"{property}.{nameof(DraftModelFolder)}";
        if (Method.NeedsDraftModel == true && DraftModelFolder is null)
        {
            yield return (folder, $"{p($"{property}.{nameof(Method)}")} {Method.Name} needs a draft model: set {p(folder)} to its folder under the model's prefix (for example draft/)");
        }
        else if (Method.NeedsDraftModel == false && DraftModelFolder is not null)
        {
            yield return (folder, $"{p(folder)} is set but {p($"{property}.{nameof(Method)}")} {Method.Name} reads no draft model; remove it");
        }

        if (DraftModelFolder is { } draft)
        {
            if (!fromBucket)
            {
                yield return (folder, $"{p(folder)} '{draft}' needs the model's weights from a model bucket (the draft folder is copied with them to {ModelSource.ModelMountPath}); load the model from a bucket");
            }
            else if (FolderProblem(draft) is { } problem)
            {
                yield return (folder, $"{p(folder)} '{draft}' {problem}");
            }
        }

        if (NumSpeculativeTokens is { } tokens && (tokens < 1 || tokens > MaxSpeculativeTokens))
        {
            yield return ($"{property}.{nameof(NumSpeculativeTokens)}", $"{p($"{property}.{nameof(NumSpeculativeTokens)}")} {tokens} must be between 1 and {MaxSpeculativeTokens}");
        }

        foreach (var (key, value) in ExtraConfig ?? new Dictionary<string, object>())
        {
            if (key is "method" or "model" or "num_speculative_tokens")
            {
                yield return ($"{property}.{nameof(ExtraConfig)}", $"{p($"{property}.{nameof(ExtraConfig)}")} '{key}' is set by a typed setting; use that instead");
            }
            else if (value is not (string or bool or int or long or double or float or decimal))
            {
                yield return ($"{property}.{nameof(ExtraConfig)}", $"{p($"{property}.{nameof(ExtraConfig)}")} '{key}' must be a string, a number or a boolean, not {value?.GetType().Name ?? "null"}");
            }
        }
    }

    // A relative folder of the prefix: the model prefix rule (src/Shared/Rules/ModelPrefixRules.cs).
    private static string? FolderProblem(string folder)
        => LlmHosting.Rules.ModelPrefixRules.Problems(folder) is { Count: > 0 } problems ? $"is not a folder of the model's prefix: {string.Join("; ", problems)}" : null;

    /// <summary>The folder with a trailing <c>/</c>.</summary>
    internal string? NormalizedFolder => DraftModelFolder is { } folder ? folder.TrimEnd('/') + "/" : null;

    /// <summary>For messages.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Method.Name} ({DraftModelFolder ?? "no draft model"})");
}
