using System.Text.RegularExpressions;

namespace LlmHosting.Rules;

/// <summary>
/// Names of models imported into Amazon Bedrock (botocore's bedrock model, <c>ImportedModelName</c>: 1-63 characters,
/// <c>([0-9a-zA-Z][_-]?)+</c>). The import handler appends <c>-</c> and an 8-character suffix to the base name it is
/// given, so that a replacement can exist next to the model it replaces: base names are at most 54 characters.
/// Compiled into the construct library (synth-time checks) and the handlers (run-time checks).
/// </summary>
internal static partial class ImportedModelNameRules
{
    /// <summary>Longest imported model name Bedrock accepts.</summary>
    internal const int MaxLength = 63;

    /// <summary>Length of the suffix the import adds, after a hyphen.</summary>
    internal const int SuffixLength = 8;

    /// <summary>Longest base name: <see cref="MaxLength"/> less the hyphen and the suffix.</summary>
    internal const int MaxBaseLength = MaxLength - 1 - SuffixLength;

    /// <summary>True when <paramref name="name"/> is a valid base name (the suffix not yet added).</summary>
    internal static bool IsValidBaseName(string? name) => name is { Length: > 0 and <= MaxBaseLength } && Pattern().IsMatch(name);

    /// <summary>True when <paramref name="name"/> is a valid full name (suffix included).</summary>
    internal static bool IsValidName(string? name) => name is { Length: > 0 and <= MaxLength } && Pattern().IsMatch(name);

    /// <summary>True when <paramref name="prefix"/> can start names (it may end with '-' or '_').</summary>
    internal static bool IsValidPrefix(string? prefix) => prefix is { Length: > 0 and <= MaxLength } && PrefixPattern().IsMatch(prefix);

    /// <summary>True when <paramref name="name"/> matches the pattern, whatever its length.</summary>
    internal static bool MatchesPattern(string? name) => name is { Length: > 0 } && Pattern().IsMatch(name);

    /// <summary>What a base name must look like, for messages.</summary>
    internal static string Describe() => $"1-{MaxBaseLength} letters and digits, each optionally followed by one '-' or '_' (Bedrock's imported model name rule, less the import suffix)";

    [GeneratedRegex("^([0-9a-zA-Z][_-]?)+$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();

    [GeneratedRegex("^[0-9a-zA-Z][0-9a-zA-Z_-]*$", RegexOptions.CultureInvariant)]
    private static partial Regex PrefixPattern();
}
