using System.Text.RegularExpressions;

namespace LlmHosting.Constructs.Tests;

/// <summary>IAM's string wildcard matching (<c>*</c> any run of characters, <c>?</c> one character).</summary>
internal static class IamWildcard
{
    public static bool Matches(string pattern, string value)
        => Regex.IsMatch(value, "^" + Regex.Escape(pattern).Replace(@"\*", ".*").Replace(@"\?", ".") + "$", RegexOptions.Singleline);
}
