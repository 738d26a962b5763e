using Amazon.CDK;
using LlmHosting.Constructs.Validation;

namespace LlmHosting.Constructs.Storage;

/// <summary>
/// Validation and normalisation of model folder prefixes: the rule of <c>src/Shared/Rules/ModelPrefixRules.cs</c>, which
/// <c>llmhost</c> applies too (<c>LlmHosting.ModelValidation.ModelPrefixRule</c>).
/// </summary>
public static class ModelPrefix
{
    /// <summary>
    /// Returns the prefix with a trailing <c>/</c>, or throws <see cref="ArgumentException"/> naming every
    /// problem: empty, leading <c>/</c>, wildcards (<c>*</c>, <c>?</c>), empty or <c>.</c>/<c>..</c> segments.
    /// Unresolved tokens are returned unchanged.
    /// </summary>
    /// <param name="prefix">The prefix as the user wrote it.</param>
    public static string Normalize(string prefix)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        if (Tokens.IsUnresolved(prefix))
        {
            return prefix;
        }

        return LlmHosting.Rules.ModelPrefixRules.Normalize(prefix);
    }
}
