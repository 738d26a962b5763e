using System.Text.RegularExpressions;

namespace LlmHosting.App.Configuration;

/// <summary>Tags put on every resource of an environment. The <c>environment</c> tag is its name.</summary>
public sealed record EnvironmentTags
{
    /// <summary>Team or person answerable for the environment (tag <c>owner</c>).</summary>
    public string Owner { get; init; } = "";

    /// <summary>Cost centre billed for the environment (tag <c>cost-centre</c>).</summary>
    public string CostCentre { get; init; } = "";

    // Characters that CloudFormation and the Resource Groups Tagging API accept in tag values.
    private static readonly Regex TagValue = new(@"^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,256}$", RegexOptions.CultureInvariant);

    internal void Validate(ICollection<string> problems)
    {
        Check(problems, "tags.owner", Owner);
        Check(problems, "tags.costCentre", CostCentre);
    }

    private static void Check(ICollection<string> problems, string key, string value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            problems.Add($"{key} is missing");
        }
        else if (!TagValue.IsMatch(value))
        {
            problems.Add($"{key} '{value}' is not a valid tag value (at most 256 letters, digits, spaces and _ . : / = + - @)");
        }
    }
}
