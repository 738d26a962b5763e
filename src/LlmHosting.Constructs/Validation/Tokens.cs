using System.Text.RegularExpressions;

namespace LlmHosting.Constructs.Validation;

/// <summary>
/// Whether a string holds a CDK token, answered in .NET. <c>Token.IsUnresolved</c> asks the jsii runtime, a round trip
/// per call, and validation asks it hundreds of times per synthesis. The rule is CDK's for strings (aws-cdk-lib, core
/// lib/private/encoding.ts): a string token <c>${Token[...]}</c>, a list token <c>#{Token[...]}</c>, or a stringified
/// number token: a number CDK's <c>NUMBER_TOKEN_REGEX</c> finds (copied below) whose double carries the token marker
/// in its high bits (<c>extractTokenDouble</c>, <c>DOUBLE_TOKEN_MARKER_BITS</c> = 0xFBFF &lt;&lt; 16). A test checks the
/// answer against <c>Token.IsUnresolved</c> for every kind of value the constructs check.
/// </summary>
internal static partial class Tokens
{
    /// <summary>True when <paramref name="value"/> holds a token, as <c>Token.IsUnresolved</c> would say of it.</summary>
    internal static bool IsUnresolved(string? value)
        => value is not null
            && (value.Contains("${Token[", StringComparison.Ordinal)
                || value.Contains("#{Token[", StringComparison.Ordinal)
                || NumberToken().Matches(value).Any(m => IsTokenDouble(m.Value)));

    private static bool IsTokenDouble(string text)
        => double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var number)
            && (BitConverter.DoubleToInt64Bits(number) >> 32 & 0xFFFF0000) == 0xFBFF0000;

    // encoding.ts: new RegExp('[-|\\d|.\\+]+(e[-|+]?\\d+)', 'g'): a number in exponent notation, as number tokens print.
    [GeneratedRegex(@"[-|\d|.\+]+(e[-|+]?\d+)", RegexOptions.CultureInvariant)]
    private static partial Regex NumberToken();
}
