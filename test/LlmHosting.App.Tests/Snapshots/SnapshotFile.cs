using System.Runtime.CompilerServices;
using System.Text;
using DiffPlex.DiffBuilder;
using DiffPlex.DiffBuilder.Model;
using LlmHosting.Cli.Commands.Impact;

namespace LlmHosting.App.Tests.Snapshots;

/// <summary>
/// Committed, normalised templates: compared as text, rewritten when <c>UPDATE_SNAPSHOTS=1</c>.
/// </summary>
internal static class SnapshotFile
{
    /// <summary>The environment variable that rewrites the snapshots instead of comparing them.</summary>
    public const string UpdateVariable = "UPDATE_SNAPSHOTS";

    public static bool Updating => Environment.GetEnvironmentVariable(UpdateVariable) is "1" or "true";

    /// <summary>The folder of the committed snapshots, beside this source file.</summary>
    public static string Directory([CallerFilePath] string sourceFile = "") => Path.GetDirectoryName(sourceFile)!;

    /// <summary>The normalisation <c>llmhost impact</c> applies too (one shared source file).</summary>
    public static string Normalize(string templateJson) => TemplateNormalizer.Normalize(templateJson);

    /// <summary>
    /// Compares <paramref name="actual"/> with the committed file, or writes it when updating. Returns a
    /// readable description of the difference, or null when they match.
    /// </summary>
    public static string? Compare(string fileName, string actual)
    {
        var path = Path.Combine(Directory(), fileName);
        if (Updating)
        {
            File.WriteAllText(path, actual);
            return null;
        }

        if (!File.Exists(path))
        {
            return $"{fileName}: no committed snapshot. Run `{UpdateVariable}=1 dotnet test` and review the new file.";
        }

        var expected = File.ReadAllText(path).ReplaceLineEndings("\n");
        return expected == actual ? null : $"{fileName} differs from the synthesized template (- committed, + synthesized):\n{Diff(expected, actual)}";
    }

    /// <summary>A unified-style diff with three lines of context around each change.</summary>
    public static string Diff(string expected, string actual)
    {
        var model = new InlineDiffBuilder(new DiffPlex.Differ()).BuildDiffModel(expected, actual, ignoreWhitespace: false);
        var lines = model.Lines;
        var show = new bool[lines.Count];
        for (var i = 0; i < lines.Count; i++)
        {
            if (lines[i].Type is ChangeType.Inserted or ChangeType.Deleted)
            {
                for (var j = Math.Max(0, i - 3); j <= Math.Min(lines.Count - 1, i + 3); j++)
                {
                    show[j] = true;
                }
            }
        }

        var output = new StringBuilder();
        for (var i = 0; i < lines.Count; i++)
        {
            if (!show[i])
            {
                continue;
            }

            if (i > 0 && !show[i - 1])
            {
                output.AppendLine("  ...");
            }

            var mark = lines[i].Type switch
            {
                ChangeType.Inserted => "+ ",
                ChangeType.Deleted => "- ",
                _ => "  ",
            };
            output.Append(mark).AppendLine(lines[i].Text);
        }

        return output.ToString();
    }
}
