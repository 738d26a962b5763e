namespace LlmHosting.ModelValidation;

/// <summary>
/// What a model folder prefix in the model bucket may look like, for tools that do not depend on the CDK
/// (the <c>llmhost</c> CLI, handlers). The same rule as <c>LlmHosting.Constructs.Storage.ModelPrefix</c>, which
/// the CDK constructs apply at synth time: not empty, no leading <c>/</c>, no wildcard, no empty, <c>.</c> or
/// <c>..</c> segment.
/// </summary>
public static class ModelPrefixRule
{
    /// <summary>Every problem of the prefix, empty when it is valid.</summary>
    /// <param name="prefix">The prefix as the user wrote it, with or without the trailing <c>/</c>.</param>
    public static IReadOnlyList<string> Problems(string prefix)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        var problems = new List<string>();
        if (prefix.Length == 0 || prefix == "/")
        {
            problems.Add("it is empty; a model needs its own folder, for example 'models/gpt-oss-20b/'");
            return problems;
        }

        if (prefix.StartsWith('/'))
        {
            problems.Add("it starts with '/'; S3 keys are relative to the bucket");
        }

        if (prefix.IndexOfAny(['*', '?']) >= 0)
        {
            problems.Add("it contains a wildcard ('*' or '?'), which would widen the grant beyond one folder");
        }

        if (prefix.Trim('/').Split('/').Any(s => s.Length == 0 || s == "." || s == ".."))
        {
            problems.Add("it has an empty, '.' or '..' segment");
        }

        return problems;
    }

    /// <summary>The prefix with a trailing <c>/</c>; throws <see cref="ArgumentException"/> naming every problem.</summary>
    /// <param name="prefix">The prefix as the user wrote it.</param>
    public static string Normalize(string prefix)
    {
        var problems = Problems(prefix);
        if (problems.Count > 0)
        {
            throw new ArgumentException($"Invalid model prefix '{prefix}': {string.Join("; ", problems)}.", nameof(prefix));
        }

        return prefix.EndsWith('/') ? prefix : prefix + "/";
    }
}
