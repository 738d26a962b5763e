using System.Text.RegularExpressions;
using Amazon.CDK;
using LlmHosting.App.Configuration;
using LlmHosting.App.Tests.Snapshots;

namespace LlmHosting.App.Tests.Configuration;

/// <summary>
/// Runs configuration text through the app as <c>Program</c> does (load, then the constructs) and returns the error
/// lines, each checked to be what a user can act on: one line, starting with the file, in the configuration's words.
/// </summary>
internal static partial class ConfigErrors
{
    internal const string Source = "cdk/config/test.json";

    /// <summary>The lines of loading <paramref name="json"/>, which must fail.</summary>
    internal static IReadOnlyList<string> OfParse(string json)
    {
        var error = Assert.Throws<ConfigurationException>(() => EnvironmentCatalog.Parse("test", json, Source));
        return Checked(error);
    }

    /// <summary>The lines of creating the constructs of <paramref name="json"/>, which must load and then fail.</summary>
    internal static IReadOnlyList<string> OfSynth(string json)
    {
        var config = EnvironmentCatalog.Parse("test", json, Source);
        var app = new Amazon.CDK.App(new AppProps { Context = SynthesizedApp.CdkJsonContext() });
        return Checked(Assert.Throws<ConfigurationException>(() => ModelHostingApp.AddEnvironments(app, [config])));
    }

    /// <summary>The one line of <paramref name="lines"/> that contains <paramref name="expected"/>.</summary>
    internal static string Line(IReadOnlyList<string> lines, string expected)
    {
        var matches = lines.Where(l => l.Contains(expected, StringComparison.Ordinal)).ToList();
        Assert.True(matches.Count == 1, $"expected one line with \"{expected}\" in:\n{string.Join("\n", lines)}");
        return matches[0];
    }

    /// <summary>Asserts that <paramref name="line"/> is a user's line: no line break, no .NET type or library member names.</summary>
    internal static void AssertUserWords(string line)
    {
        Assert.DoesNotContain('\n', line);
        Assert.DoesNotContain("Props", line, StringComparison.Ordinal);
        Assert.DoesNotContain("System.", line, StringComparison.Ordinal);
        Assert.DoesNotContain("(Parameter '", line, StringComparison.Ordinal);
        Assert.DoesNotMatch(ApiMember(), line);
        Assert.DoesNotMatch(TypeName(), line);
        Assert.DoesNotContain('\u27e8', line);
    }

    private static IReadOnlyList<string> Checked(ConfigurationException error)
    {
        Assert.NotEmpty(error.Lines);
        foreach (var line in error.Lines)
        {
            Assert.StartsWith(Source + ": ", line);
            AssertUserWords(line);
        }

        return error.Lines;
    }

    // "Invalid KnownModel:", as the library names the type it checks.
    [GeneratedRegex(@"Invalid [A-Z][A-Za-z]*:")]
    private static partial Regex TypeName();

    // Type.Member, as in KnownModel.Of or VllmImage.FromEcrRepository.
    [GeneratedRegex(@"\b[A-Z][a-z]+[A-Za-z0-9]*\.[A-Z][A-Za-z0-9_]*\b")]
    private static partial Regex ApiMember();
}
