using System.Text.RegularExpressions;

namespace LlmHosting.Rules;

/// <summary>
/// AWS region names of every partition: <c>&lt;area&gt;[-gov|-iso...]-&lt;direction&gt;-&lt;number&gt;</c>, for example
/// <c>us-east-1</c>, <c>us-gov-west-1</c>, <c>cn-northwest-1</c>, <c>us-isob-east-1</c> (botocore's endpoints.json lists
/// them all). Compiled into the construct library and the client, which both check region names.
/// </summary>
internal static partial class AwsRegionRules
{
    internal static bool IsValid(string? region) => region is not null && Pattern().IsMatch(region);

    [GeneratedRegex(@"^(af|ap|ca|cn|eu|il|me|mx|sa|us)(-gov|-iso[a-z]?)?-(central|north|south|east|west|northeast|northwest|southeast|southwest)-\d{1,2}$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
