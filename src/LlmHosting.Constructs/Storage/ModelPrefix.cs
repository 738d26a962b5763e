using Amazon.CDK;

namespace LlmHosting.Constructs.Storage;

/// <summary>Validation and normalisation of model folder prefixes.</summary>
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
        if (Token.IsUnresolved(prefix))
        {
            return prefix;
        }

        var problems = new List<string>();
        if (prefix.Length == 0 || prefix == "/")
        {
            problems.Add("it is empty; a model needs its own folder, for example 'models/gpt-oss-20b/'");
        }
        else
        {
            if (prefix.StartsWith('/'))
            {
                problems.Add("it starts with '/'; S3 keys are relative to the bucket");
            }

            if (prefix.IndexOfAny(['*', '?']) >= 0)
            {
                problems.Add("it contains a wildcard ('*' or '?'), which would widen the grant beyond one folder");
            }

            var segments = prefix.Trim('/').Split('/');
            if (segments.Any(s => s.Length == 0 || s == "." || s == ".."))
            {
                problems.Add("it has an empty, '.' or '..' segment");
            }
        }

        if (problems.Count > 0)
        {
            throw new ArgumentException($"Invalid model prefix '{prefix}': {string.Join("; ", problems)}.", nameof(prefix));
        }

        return prefix.EndsWith('/') ? prefix : prefix + "/";
    }
}
