using System.Text.Json;
using LlmHosting.Rules;

namespace LlmHosting.ModelValidation.Adapters;

/// <summary>What an adapter must fit: the model of the base component and its largest LoRA rank.</summary>
/// <param name="BaseModel">What <c>base_model_name_or_path</c> must name (<see cref="AdapterRules.BaseModelMatches"/>), or null to accept any.</param>
/// <param name="MaxRank">The base's <c>--max-lora-rank</c>, or null to accept any rank.</param>
public sealed record AdapterExpectations(string? BaseModel, int? MaxRank);

/// <summary>
/// The settings of a PEFT LoRA adapter that vLLM reads from <c>adapter_config.json</c>, and every reason vLLM would refuse
/// to load it. Source: vLLM <c>vllm/lora/peft_helper.py</c> (<c>PEFTHelper</c>: <c>r</c>, <c>lora_alpha</c> and
/// <c>target_modules</c> are required; <c>modules_to_save</c> and DoRA are refused; a rank above <c>max_lora_rank</c> is
/// refused; a bias needs a base with bias support, which current vLLM no longer has).
/// </summary>
/// <param name="Rank">The highest rank of any adapted module (<c>r</c>, or a larger one of <c>rank_pattern</c>), or null when invalid.</param>
/// <param name="BaseModel">What <c>base_model_name_or_path</c> names, or null.</param>
/// <param name="TargetModules">The adapted modules.</param>
public sealed record AdapterConfig(int? Rank, string? BaseModel, IReadOnlyList<string> TargetModules)
{
    /// <summary>Reads the configuration and adds a problem for every reason it cannot be loaded on a base that fits <paramref name="expected"/>.</summary>
    /// <param name="json">The text of <c>adapter_config.json</c>.</param>
    /// <param name="expected">What the base allows.</param>
    /// <param name="problems">Where problems are added, under the key <c>adapter_config.json</c>.</param>
    public static AdapterConfig? Parse(string json, AdapterExpectations expected, ICollection<ModelProblem> problems)
    {
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(problems);
        const string key = AdapterRules.ConfigFile;
        void Add(string message) => problems.Add(new ModelProblem(key, message));

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            Add($"is not valid JSON ({e.Message.Split(" Path:", 2)[0].TrimEnd('.')})");
            return null;
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                Add($"root is a JSON {root.ValueKind.ToString().ToLowerInvariant()}, not an object");
                return null;
            }

            if (String(root, "peft_type") is { } peftType && !string.Equals(peftType, "LORA", StringComparison.OrdinalIgnoreCase))
            {
                Add($"peft_type is '{peftType}'; vLLM serves LoRA adapters only (peft_type LORA)");
            }

            var rank = root.TryGetProperty("r", out var r) && r.ValueKind == JsonValueKind.Number && r.TryGetInt32(out var value) ? value : (int?)null;
            // PEFT's rank_pattern gives some modules another rank than r; the largest one must fit the base.
            var highest = Math.Max(rank ?? 0, RankPattern(root).DefaultIfEmpty(0).Max());
            if (rank is not > 0)
            {
                Add("has no rank: 'r' must be a whole number above 0");
            }
            else if (expected.MaxRank is { } max && highest > max)
            {
                Add($"rank {(highest == rank ? $"r {rank}" : $"{highest} (rank_pattern)")} is above the base's maximum LoRA rank {max} (--max-lora-rank); vLLM refuses the adapter: raise the base's maximum rank to at least {highest}");
            }

            if (!root.TryGetProperty("lora_alpha", out var alpha) || alpha.ValueKind != JsonValueKind.Number)
            {
                Add("has no 'lora_alpha' number; vLLM requires it");
            }

            var targets = ReadTargetModules(root, Add);
            if (root.TryGetProperty("modules_to_save", out var saved) && saved.ValueKind == JsonValueKind.Array && saved.GetArrayLength() > 0)
            {
                Add($"modules_to_save lists {string.Join(", ", saved.EnumerateArray().Select(e => e.ToString()))}; vLLM serves only adapters without modules_to_save (merge such an adapter into the model instead)");
            }

            if (root.TryGetProperty("use_dora", out var dora) && dora.ValueKind == JsonValueKind.True)
            {
                Add("use_dora is true; vLLM does not serve DoRA adapters");
            }

            if (String(root, "bias") is { } bias && bias != "none")
            {
                Add($"bias is '{bias}'; vLLM serves adapters with bias 'none' only");
            }

            var baseModel = String(root, "base_model_name_or_path");
            if (expected.BaseModel is { } wanted && !AdapterRules.BaseModelMatches(wanted, baseModel))
            {
                Add(baseModel is null
                    ? $"names no base model (base_model_name_or_path); the base component serves {wanted}"
                    : $"base_model_name_or_path is '{baseModel}', but the base component serves {wanted}: the adapter was trained for another model");
            }

            return new AdapterConfig(rank is > 0 ? highest : null, baseModel, targets);
        }
    }

    private static IReadOnlyList<string> ReadTargetModules(JsonElement root, Action<string> add)
    {
        if (!root.TryGetProperty("target_modules", out var targets))
        {
            add("has no 'target_modules'; vLLM requires the list of adapted modules");
            return [];
        }

        if (targets.ValueKind == JsonValueKind.String && targets.GetString() is { Length: > 0 } one)
        {
            return [one];
        }

        if (targets.ValueKind == JsonValueKind.Array && targets.GetArrayLength() > 0 && targets.EnumerateArray().All(t => t.ValueKind == JsonValueKind.String))
        {
            return targets.EnumerateArray().Select(t => t.GetString()!).ToList();
        }

        add("'target_modules' must be a module name or a non-empty list of module names");
        return [];
    }

    private static IEnumerable<int> RankPattern(JsonElement root)
        => root.TryGetProperty("rank_pattern", out var pattern) && pattern.ValueKind == JsonValueKind.Object
            ? pattern.EnumerateObject().Select(p => p.Value.ValueKind == JsonValueKind.Number && p.Value.TryGetInt32(out var v) ? v : 0)
            : [];

    private static string? String(JsonElement root, string name)
        => root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
