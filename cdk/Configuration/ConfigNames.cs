using System.Text.RegularExpressions;
using LlmHosting.Constructs.Sagemaker;

namespace LlmHosting.App.Configuration;

/// <summary>Checks and conversions of names that several configuration sections share.</summary>
internal static class ConfigNames
{
    /// <summary>Lower-case letters and digits, words joined by single hyphens.</summary>
    internal static readonly Regex ShortName = new("^[a-z0-9]+(-[a-z0-9]+)*$", RegexOptions.CultureInvariant);

    /// <summary>A construct id from a configured name: <c>gpt-oss-20b</c> becomes <c>GptOss20b</c>.</summary>
    internal static string ConstructId(string name)
        => string.Concat(name.Split('-', '_').Select(p => p.Length == 0 ? p : char.ToUpperInvariant(p[0]) + p[1..]));

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
}
