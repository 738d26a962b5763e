using System.Text.RegularExpressions;

namespace LlmHosting.App.Configuration;

/// <summary>
/// Local stand-ins for problems that the construct library still reports as plain <see cref="ArgumentException"/> text
/// written for library users (packing of inference components, models outside the catalog, hints that name library
/// API members). Each becomes a line in the configuration's words. The library is asked to report these as structured
/// props problems, after which this class goes.
/// </summary>
internal static partial class LibraryMessages
{
    /// <summary>
    /// The exception's message without .NET's <c>(Parameter 'x')</c> suffix, a leading <c>Invalid TypeName: </c> or the
    /// final full stop, with each of <paramref name="words"/> (props names the message uses) replaced by its JSON path.
    /// </summary>
    /// <param name="exception">The construct's exception.</param>
    /// <param name="words">Library words in the message and what the configuration calls them. Default: none.</param>
    internal static string Plain(ArgumentException exception, IReadOnlyDictionary<string, string>? words = null)
    {
        var message = exception.ParamName is { } parameter
            ? exception.Message.Replace($" (Parameter '{parameter}')", "", StringComparison.Ordinal)
            : exception.Message;
        message = PropsPrefix().Replace(message, "").TrimEnd('.');
        foreach (var (word, key) in words ?? new Dictionary<string, string>())
        {
            message = Regex.Replace(message, $@"\b{Regex.Escape(word)}\b", key, RegexOptions.CultureInvariant);
        }

        return WithoutApiHints(message);
    }

    /// <summary>
    /// The problems of <c>KnownModel.Of</c> (<c>Invalid KnownModel: name 'x' must be ...; weightMemoryGiB ...</c>), each
    /// starting with the JSON path of its setting instead of the parameter name.
    /// </summary>
    /// <param name="exception">The exception <c>KnownModel.Of</c> threw.</param>
    /// <param name="paths">JSON path by parameter name (<c>name</c>, <c>weightMemoryGiB</c>, <c>toolCallParser</c>...).</param>
    /// <param name="entryPath">JSON path of the entry, for parameters without a setting.</param>
    internal static IEnumerable<string> KnownModelProblems(ArgumentException exception, IReadOnlyDictionary<string, string> paths, string entryPath)
        => Plain(exception).Split("; ").Select(problem =>
        {
            var parameter = problem.Split(' ', 2)[0];
            return paths.TryGetValue(parameter, out var path) ? path + problem[parameter.Length..] : $"{entryPath}: {problem}";
        });

    /// <summary>
    /// The text without hints that only a library user can follow, such as <c>; use VllmImage.FromEcrRepository ...</c>
    /// or <c> with InferenceAmiVersion.Custom</c>: the configuration offers neither.
    /// </summary>
    /// <param name="text">A problem message.</param>
    internal static string WithoutApiHints(string text) => ApiHint().Replace(text, "");

    // "Invalid VllmEndpointProps: ", "Invalid KnownModel: ", "Invalid InferenceComponentProps for component 'x' on ...: ".
    [GeneratedRegex(@"^Invalid [A-Z][A-Za-z]*(?: for [^:]*)?: ", RegexOptions.CultureInvariant)]
    private static partial Regex PropsPrefix();

    // A clause that names a library member (Type.Member) after "; use", " or" or " with", up to the end of the clause.
    [GeneratedRegex(@"(?:; use| or| with) [^;]*?\b[A-Z][A-Za-z0-9]*\.[A-Z][A-Za-z0-9_]*\b[^;]*", RegexOptions.CultureInvariant)]
    private static partial Regex ApiHint();
}
