using System.Text.RegularExpressions;
using LlmHosting.Constructs.Validation;

namespace LlmHosting.App.Configuration;

/// <summary>
/// Where the props of one construct come from in an environment file: each props path that a
/// <see cref="PropsProblem"/> can name (<c>MaxInstanceCount</c>, <c>Vllm.TensorParallelSize</c>) mapped to the JSON path
/// the user edits (<c>endpoints[0].maxInstances</c>, <c>endpoints[0].vllm.tensorParallelSize</c>). Props the
/// configuration does not expose have no entry: messages call them "set by the app".
/// </summary>
/// <param name="entryPath">JSON path of the configuration entry the construct is made from, for example <c>endpoints[0]</c>.</param>
/// <param name="jsonPaths">Full JSON path by props path.</param>
/// <param name="plainWords">
/// Other words of the construct's plain-text problems and what the configuration calls them (a stand-in, see
/// <see cref="LibraryMessages"/>). Default: none.
/// </param>
internal sealed partial class PropsKeys(string entryPath, IEnumerable<KeyValuePair<string, string>> jsonPaths, IReadOnlyDictionary<string, string>? plainWords = null)
{
    private readonly Dictionary<string, string> _jsonPaths = new(jsonPaths, StringComparer.Ordinal);

    /// <summary>JSON path of the configuration entry, for example <c>componentEndpoint.components[1]</c>.</summary>
    internal string EntryPath => entryPath;

    /// <summary>
    /// The problem in the configuration's words: the property it is about by its full JSON path, every other property by
    /// its key within the entry (or its full path when it is outside the entry), and props the configuration does not
    /// expose as "set by the app".
    /// </summary>
    /// <param name="problem">A problem of the construct's props.</param>
    internal string Render(PropsProblem problem)
    {
        var primary = _jsonPaths.GetValueOrDefault(problem.Property);
        // The message usually starts with its property: then that mention carries the full path.
        var leads = primary is not null && problem.Message.StartsWith(Property.Ref(problem.Property), StringComparison.Ordinal);
        var first = true;
        var text = LibraryMessages.WithoutApiHints(problem.Render(property =>
        {
            var name = first && leads ? primary! : ByKey(property);
            first = false;
            return name;
        }));
        return leads ? text : $"{primary ?? entryPath}: {text}";
    }

    /// <summary>
    /// A problem the construct reports as plain text, after the entry's JSON path, with the props names it uses (compound
    /// names such as <c>MaxInstanceCount</c>, and <c>plainWords</c>) replaced by their JSON paths.
    /// </summary>
    /// <param name="exception">The construct's exception.</param>
    internal string Render(ArgumentException exception)
    {
        var words = _jsonPaths
            .Where(p => !p.Key.Contains('.', StringComparison.Ordinal) && p.Key.Skip(1).Any(char.IsUpper))
            .Concat(plainWords ?? new Dictionary<string, string>())
            .ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        return $"{entryPath}: {LibraryMessages.Plain(exception, words)}";
    }

    private string ByKey(string property)
    {
        if (_jsonPaths.GetValueOrDefault(property) is not { } path)
        {
            return $"{Words().Replace(property.Replace('.', ' '), " ").ToLowerInvariant()} (set by the app)";
        }

        return path.StartsWith(entryPath + ".", StringComparison.Ordinal) ? path[(entryPath.Length + 1)..] : path;
    }

    // "DeploymentPolicy" reads "deployment policy".
    [GeneratedRegex("(?<=[a-z0-9])(?=[A-Z])", RegexOptions.CultureInvariant)]
    private static partial Regex Words();
}
