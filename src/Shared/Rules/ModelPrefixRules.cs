namespace LlmHosting.Rules;

/// <summary>
/// What a model folder prefix in a bucket may look like: not empty, no leading <c>/</c>, no wildcard, no empty,
/// <c>.</c> or <c>..</c> segment. Written once and compiled into every assembly that checks prefixes (the construct
/// library at synth time, the model validation library behind <c>llmhost</c>), each of which exposes it publicly.
/// </summary>
internal static class ModelPrefixRules
{
    /// <summary>Every problem of the prefix, empty when it is valid.</summary>
    internal static IReadOnlyList<string> Problems(string prefix)
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
    internal static string Normalize(string prefix)
    {
        var problems = Problems(prefix);
        if (problems.Count > 0)
        {
            throw new ArgumentException($"Invalid model prefix '{prefix}': {string.Join("; ", problems)}.", nameof(prefix));
        }

        return prefix.EndsWith('/') ? prefix : prefix + "/";
    }
}
