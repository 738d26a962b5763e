using System.Text.RegularExpressions;
using LlmHosting.Constructs.Sagemaker;

namespace LlmHosting.App.Configuration;

/// <summary>Checks and conversions of names that several configuration sections share.</summary>
internal static class ConfigNames
{
    /// <summary>
    /// The app's short names (<c>gpt-oss-20b</c>): lower-case letters and digits, words joined by single hyphens, so that
    /// construct ids and ARNs (which SageMaker lower-cases) follow from them one to one.
    /// </summary>
    internal static readonly Regex ShortName = new("^[a-z0-9]+(-[a-z0-9]+)*$", RegexOptions.CultureInvariant);

    /// <summary>A construct id from a configured name: <c>gpt-oss-20b</c> becomes <c>GptOss20b</c>.</summary>
    internal static string ConstructId(string name)
        => string.Concat(name.Split('-', '_').Select(p => p.Length == 0 ? p : char.ToUpperInvariant(p[0]) + p[1..]));

    /// <summary>
    /// Adds a problem unless <paramref name="name"/> is a short name whose physical name, <c>&lt;parentName&gt;-&lt;name&gt;</c>,
    /// is a valid SageMaker name.
    /// </summary>
    /// <param name="problems">Where the problem is added.</param>
    /// <param name="path">JSON path of the entry; the setting is its <c>name</c>.</param>
    /// <param name="name">The configured name.</param>
    /// <param name="parentName">What the physical name starts with.</param>
    /// <param name="kind">What the physical name names, for messages: <c>endpoint</c> or <c>component</c>.</param>
    internal static void ValidateName(ICollection<string> problems, string path, string name, string parentName, string kind)
    {
        if (!ShortName.IsMatch(name))
        {
            problems.Add(name.Length == 0 ? $"{path}.name is missing" : $"{path}.name '{name}' must be lower-case letters and digits, words joined by single hyphens");
        }
        else if (!SagemakerNames.IsValid($"{parentName}-{name}"))
        {
            problems.Add($"{path}.name '{name}' makes the {kind} name '{parentName}-{name}', which must be {SagemakerNames.Rule}");
        }
    }

    /// <summary>Adds a problem unless <paramref name="instanceType"/> is a GPU instance type of the catalog.</summary>
    /// <param name="problems">Where the problem is added.</param>
    /// <param name="path">JSON path of the setting, for the message.</param>
    /// <param name="instanceType">The configured value.</param>
    /// <param name="example">A valid value to show when the setting is missing.</param>
    internal static void ValidateInstanceType(ICollection<string> problems, string path, string instanceType, string example)
    {
        if (GpuInstanceType.TryFromName(instanceType) is not null)
        {
            return;
        }

        var close = GpuInstanceType.ClosestNames(instanceType);
        problems.Add(instanceType.Length == 0
            ? $"{path} is missing (for example {example})"
            : $"{path} '{instanceType}' is not a GPU instance type of the catalog"
              + (close.Count > 0 ? $"; did you mean {string.Join(", ", close)}?" : $" ({string.Join(", ", GpuInstanceType.All.Select(t => t.Name))})"));
    }

    /// <summary>Adds a problem unless <paramref name="value"/> is null or a known host AMI version.</summary>
    internal static void ValidateInferenceAmiVersion(ICollection<string> problems, string path, string? value)
    {
        if (value is not null && InferenceAmiVersion.All.All(v => v.Value != value))
        {
            problems.Add($"{path} '{value}' is not a SageMaker inference AMI version ({string.Join(", ", InferenceAmiVersion.All.Select(v => v.Value))})");
        }
    }

    /// <summary>The host AMI version, once validated; null when not set.</summary>
    internal static InferenceAmiVersion? InferenceAmiVersionOf(string? value) => value is null ? null : InferenceAmiVersion.Of(value);

    /// <summary>Runs a check of the construct library on a setting and adds its problem, named by <paramref name="path"/>.</summary>
    /// <param name="problems">Where the problem is added.</param>
    /// <param name="path">JSON path of the setting.</param>
    /// <param name="check">The library call, which throws <see cref="ArgumentException"/> for an invalid value.</param>
    internal static void Check(ICollection<string> problems, string path, Action check)
    {
        try
        {
            check();
        }
        catch (ArgumentException e)
        {
            problems.Add($"{path}: {LibraryMessages.Plain(e)}");
        }
    }
}
