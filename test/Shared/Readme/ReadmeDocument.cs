using Markdig;
using Markdig.Extensions.AutoIdentifiers;
using Markdig.Renderers.Html;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;

namespace LlmHosting.TestSupport.Readme;

/// <summary>A line of a README, for messages: <c>README.md:123</c>.</summary>
internal readonly record struct ReadmeLine(string File, int Line)
{
    public override string ToString() => $"{File}:{Line}";
}

/// <summary>A fenced code block: its info string's language and each line with its line number in the file.</summary>
internal sealed record CodeExample(ReadmeLine Start, string Language, IReadOnlyList<(int Line, string Text)> Lines)
{
    public string Text => string.Join("\n", Lines.Select(l => l.Text));
}

/// <summary>
/// One README parsed with Markdig (CommonMark, with the heading ids GitHub gives): its code blocks, inline code,
/// headings and links, each with the line it is on (1-based, as editors show it).
/// </summary>
internal sealed class ReadmeDocument
{
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder()
        .UsePipeTables()
        .UseAutoIdentifiers(AutoIdentifierOptions.GitHub)
        .Build();

    private ReadmeDocument(string relativePath, string text)
    {
        RelativePath = relativePath;
        Text = text;
        var document = Markdown.Parse(text, Pipeline);
        foreach (var block in document.Descendants())
        {
            switch (block)
            {
                case FencedCodeBlock fenced:
                    CodeBlocks.Add(new CodeExample(
                        At(fenced.Line),
                        (fenced.Info ?? "").Trim(),
                        fenced.Lines.Lines.Take(fenced.Lines.Count).Select(l => (l.Line + 1, l.Slice.ToString())).ToList()));
                    break;
                case HeadingBlock heading:
                    Headings.Add((heading.Level, InlineText(heading.Inline), heading.GetAttributes().Id ?? "", At(heading.Line)));
                    break;
                case CodeInline code:
                    InlineCode.Add((At(code.Line), code.Content));
                    break;
                case LinkInline { IsImage: false } link when link.Url is not null:
                    Links.Add((At(link.Line), link.Url));
                    break;
            }
        }
    }

    /// <summary>The path relative to the repository root, with forward slashes: <c>src/LlmHosting.Client/README.md</c>.</summary>
    public string RelativePath { get; }

    public string Text { get; }

    public List<CodeExample> CodeBlocks { get; } = [];

    public List<(int Level, string Text, string Id, ReadmeLine At)> Headings { get; } = [];

    public List<(ReadmeLine At, string Code)> InlineCode { get; } = [];

    public List<(ReadmeLine At, string Url)> Links { get; } = [];

    /// <summary>Every README of the repository: the root one, the package's and each construct folder's, the client's and lambda/'s.</summary>
    public static IReadOnlyList<ReadmeDocument> All(string repositoryRoot) =>
        new[] { Path.Combine(repositoryRoot, "README.md") }
            .Concat(Directory.GetFiles(Path.Combine(repositoryRoot, "src"), "README.md", SearchOption.AllDirectories))
            .Concat(Directory.GetFiles(Path.Combine(repositoryRoot, "lambda"), "README.md", SearchOption.AllDirectories))
            .Where(p => !p.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj"))
            .Select(p => Load(repositoryRoot, p))
            .ToList();

    public static ReadmeDocument Load(string repositoryRoot, string path) =>
        new(Path.GetRelativePath(repositoryRoot, path).Replace('\\', '/'), File.ReadAllText(path));

    /// <summary>The repository root: the nearest folder above <paramref name="start"/> that holds Infra.sln.</summary>
    public static string RepositoryRoot(string start)
    {
        for (var folder = new DirectoryInfo(start); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Infra.sln")))
            {
                return folder.FullName;
            }
        }

        throw new DirectoryNotFoundException($"No Infra.sln above {start}");
    }

    private ReadmeLine At(int zeroBasedLine) => new(RelativePath, zeroBasedLine + 1);

    private static string InlineText(ContainerInline? inline) => inline is null
        ? ""
        : string.Concat(inline.Descendants().Select(i => i switch
        {
            LiteralInline literal => literal.Content.ToString(),
            CodeInline code => "`" + code.Content + "`",
            _ => "",
        }));
}
