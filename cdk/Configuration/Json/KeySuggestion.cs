using Quickenshtein;

namespace LlmHosting.App.Configuration.Json;

/// <summary>"Did you mean" for an unknown key: the known key of the same object that is closest in spelling.</summary>
internal static class KeySuggestion
{
    /// <summary>
    /// <c>; did you mean &lt;key&gt;?</c> when a known key is within a few edits of <paramref name="unknown"/> (letter case
    /// aside), otherwise the known keys: <c> (known keys: a, b)</c>. Also used for other names, such as environments.
    /// </summary>
    /// <param name="unknown">The key the file holds.</param>
    /// <param name="known">The keys of that object.</param>
    /// <param name="knownNoun">How the list of known values is introduced when none is close.</param>
    internal static string For(string unknown, IReadOnlyCollection<string> known, string knownNoun = "known keys")
    {
        // Up to two edits in five of the longer key: a typo, a swap or a singular ("maxCopy") is found, another word is not.
        var closest = known
            .Select(k => (Key: k, Distance: Levenshtein.GetDistance(unknown.ToLowerInvariant(), k.ToLowerInvariant())))
            .Where(k => k.Distance <= 2 * Math.Max(unknown.Length, k.Key.Length) / 5)
            .OrderBy(k => k.Distance)
            .ThenBy(k => k.Key, StringComparer.Ordinal)
            .Select(k => k.Key)
            .FirstOrDefault();
        return closest is not null
            ? $"; did you mean {closest}?"
            : $" ({knownNoun}: {string.Join(", ", known.Order(StringComparer.Ordinal))})";
    }
}
