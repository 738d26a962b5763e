using System.Text.RegularExpressions;
using LlmHosting.TestSupport.Readme;

namespace LlmHosting.Cli.Tests.Readme;

/// <summary>README.md's table of contents lists every section and subsection, in order, with the ids GitHub gives them; every in-page link leads to a heading.</summary>
public sealed partial class ReadmeTocTests
{
    private static readonly string Root = ReadmeDocument.RepositoryRoot(AppContext.BaseDirectory);

    [Fact]
    public void Contents_ListsEveryHeadingInOrderWithItsId()
    {
        var readme = ReadmeDocument.Load(Root, Path.Combine(Root, "README.md"));
        var contents = readme.Headings.Single(h => h.Level == 2 && h.Text == "Contents");
        var lines = readme.Text.Split('\n');
        var next = readme.Headings.First(h => h.At.Line > contents.At.Line).At.Line;
        var listed = Enumerable.Range(contents.At.Line, next - contents.At.Line - 1)
            .Select(n => (Line: n + 1, Match: TocEntry().Match(lines[n])))
            .Where(e => e.Match.Success)
            .Select(e => (e.Line, Entry: $"{(e.Match.Groups[1].Length == 0 ? 2 : 3)} {e.Match.Groups[2].Value} #{e.Match.Groups[3].Value}"))
            .ToList();
        var headings = readme.Headings.Where(h => h.At.Line > contents.At.Line && h.Level is 2 or 3).Select(h => $"{h.Level} {h.Text} #{h.Id}").ToList();

        for (var i = 0; i < Math.Max(listed.Count, headings.Count); i++)
        {
            var entry = i < listed.Count ? listed[i].Entry : "(nothing)";
            var heading = i < headings.Count ? headings[i] : "(nothing)";
            Assert.True(entry == heading, $"README.md:{(i < listed.Count ? listed[i].Line : next - 1)}: the contents list '{entry}' where the headings have '{heading}' (level, text, id)");
        }
    }

    [Fact]
    public void InPageLinks_LeadToAHeading()
    {
        var problems = new List<string>();
        foreach (var readme in ReadmeDocument.All(Root))
        {
            var ids = readme.Headings.Select(h => h.Id).ToHashSet(StringComparer.Ordinal);
            problems.AddRange(readme.Links.Where(l => l.Url.StartsWith('#') && !ids.Contains(l.Url[1..])).Select(l => $"{l.At}: no heading has the id {l.Url}"));
        }

        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [GeneratedRegex(@"^(  )?- \[(.+)\]\(#([^)]+)\)$")]
    private static partial Regex TocEntry();
}
