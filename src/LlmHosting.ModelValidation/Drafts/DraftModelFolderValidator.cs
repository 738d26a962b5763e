using System.Text.Json;

namespace LlmHosting.ModelValidation.Drafts;

/// <summary>
/// Checks the folder of a speculative decoding draft model or head, which vLLM loads beside the model from its
/// <c>speculative_config.model</c> path: a Hugging Face <c>config.json</c> and weights. EAGLE and Medusa heads ship without
/// tokenizer files (they use the model's), so the model rules do not apply. Source: vLLM <c>vllm/config/speculative.py</c>
/// (the draft's <c>ModelConfig</c> is built from its folder).
/// </summary>
public static class DraftModelFolderValidator
{
    /// <summary>Weight file endings vLLM loads.</summary>
    public static readonly IReadOnlyList<string> WeightSuffixes = [".safetensors", ".bin", ".pt"];

    /// <summary>Checks the folder and returns every problem.</summary>
    /// <param name="folder">The draft's folder, local or in S3.</param>
    /// <param name="cancellationToken">Cancels the listing and reads.</param>
    public static async Task<ModelFolderReport> ValidateAsync(IModelFolder folder, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(folder);
        var files = await folder.ListAsync(cancellationToken).ConfigureAwait(false);
        var problems = new List<ModelProblem>();
        if (files.Count == 0)
        {
            problems.Add(new ModelProblem("", "the folder is empty or does not exist: upload the draft model there"));
            return new ModelFolderReport(folder.Location, 0, 0, problems);
        }

        if (files.All(f => f.Key != ModelFolderValidator.ConfigFile))
        {
            problems.Add(new ModelProblem(ModelFolderValidator.ConfigFile, "missing; vLLM needs the draft model's Hugging Face configuration"));
        }
        else
        {
            try
            {
                using var document = JsonDocument.Parse(await folder.ReadTextAsync(ModelFolderValidator.ConfigFile, cancellationToken).ConfigureAwait(false));
                if (document.RootElement.ValueKind != JsonValueKind.Object)
                {
                    problems.Add(new ModelProblem(ModelFolderValidator.ConfigFile, "root is not a JSON object"));
                }
            }
            catch (JsonException e)
            {
                problems.Add(new ModelProblem(ModelFolderValidator.ConfigFile, $"is not valid JSON ({e.Message.Split(" Path:", 2)[0].TrimEnd('.')})"));
            }
        }

        if (!files.Any(f => !f.Key.Contains('/', StringComparison.Ordinal) && WeightSuffixes.Any(s => f.Key.EndsWith(s, StringComparison.Ordinal))))
        {
            problems.Add(new ModelProblem("", $"holds no weights ({string.Join(", ", WeightSuffixes.Select(s => "*" + s))}) at its root"));
        }

        return new ModelFolderReport(folder.Location, files.Count, files.Sum(f => f.SizeInBytes), problems);
    }
}
