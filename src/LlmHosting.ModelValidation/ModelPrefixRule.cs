namespace LlmHosting.ModelValidation;

/// <summary>
/// What a model folder prefix in the model bucket may look like, for tools that do not depend on the CDK (the
/// <c>llmhost</c> CLI, handlers): the rule of <c>src/Shared/Rules/ModelPrefixRules.cs</c>, which the construct library
/// applies at synth time too (<c>LlmHosting.Constructs.Storage.ModelPrefix</c>).
/// </summary>
public static class ModelPrefixRule
{
    /// <summary>Every problem of the prefix, empty when it is valid.</summary>
    /// <param name="prefix">The prefix as the user wrote it, with or without the trailing <c>/</c>.</param>
    public static IReadOnlyList<string> Problems(string prefix) => Rules.ModelPrefixRules.Problems(prefix);

    /// <summary>The prefix with a trailing <c>/</c>; throws <see cref="ArgumentException"/> naming every problem.</summary>
    /// <param name="prefix">The prefix as the user wrote it.</param>
    public static string Normalize(string prefix) => Rules.ModelPrefixRules.Normalize(prefix);
}
