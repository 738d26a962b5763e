namespace LlmHosting.App.Configuration;

/// <summary>
/// Mistakes in the environment configuration: one line per problem, each naming the file, the JSON path the user
/// edits and the value (<c>cdk/config/prod.json: endpoints[0].maxInstances 1 is below minInstances 2</c>). The app
/// prints each line as it is, after <c>error: </c>, without a stack trace.
/// </summary>
public sealed class ConfigurationException : Exception
{
    /// <summary>A mistake that belongs to no file (for example an unknown environment name).</summary>
    /// <param name="message">One line that names the mistake.</param>
    public ConfigurationException(string message)
        : this([message])
    {
    }

    /// <summary>Several mistakes, one line each.</summary>
    /// <param name="lines">One line per problem.</param>
    public ConfigurationException(IReadOnlyList<string> lines)
        : base(string.Join(Environment.NewLine, lines))
        => Lines = lines;

    /// <summary>One line per problem, in the order found.</summary>
    public IReadOnlyList<string> Lines { get; }

    /// <summary>The problems of one file: each line is <c>&lt;source&gt;: &lt;problem&gt;</c>.</summary>
    /// <param name="source">The file as the user names it, for example <c>cdk/config/prod.json</c>.</param>
    /// <param name="problems">The problems, each starting with the JSON path it is about.</param>
    internal static ConfigurationException In(string source, IEnumerable<string> problems)
        => new(problems.Select(p => $"{source}: {p}").ToList());

    /// <summary>Throws the problems of <paramref name="source"/>, if there are any.</summary>
    internal static void ThrowIfAny(string source, IReadOnlyCollection<string> problems)
    {
        if (problems.Count > 0)
        {
            throw In(source, problems);
        }
    }

    /// <summary>Throws the given lines, each already naming its file, if there are any.</summary>
    internal static void ThrowIfAny(IReadOnlyList<string> lines)
    {
        if (lines.Count > 0)
        {
            throw new ConfigurationException(lines);
        }
    }
}
