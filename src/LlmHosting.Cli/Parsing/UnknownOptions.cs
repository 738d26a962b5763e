using System.CommandLine;
using System.CommandLine.Parsing;
using Quickenshtein;

namespace LlmHosting.Cli.Parsing;

/// <summary>
/// Finds a token that looks like an option but that the command does not have. System.CommandLine binds such a token
/// to a free argument (chat's prompt, a folder) when one is free, so <c>chat --modle gpt-oss-20b</c> would send
/// "--modle" as the prompt. Tokens after <c>--</c> are taken literally, as POSIX tools do.
/// </summary>
internal static class UnknownOptions
{
    /// <summary>One line naming the first unknown option and the closest option of the command; null when there is none.</summary>
    public static string? Find(ParseResult parse)
    {
        var command = parse.CommandResult.Command;
        var optionValues = parse.CommandResult.Children.OfType<OptionResult>().SelectMany(o => o.Tokens).ToHashSet(ReferenceEqualityComparer.Instance);
        foreach (var token in parse.Tokens.TakeWhile(t => t.Type != TokenType.DoubleDash))
        {
            if (token.Type != TokenType.Argument || token.Value.Length < 2 || token.Value[0] != '-' || optionValues.Contains(token)
                || double.TryParse(token.Value, System.Globalization.CultureInfo.InvariantCulture, out _))
            {
                continue;
            }

            var name = command is RootCommand ? "llmhost" : $"llmhost {command.Name}";
            var closest = Closest(token.Value, OptionNames(parse.CommandResult));
            return $"Unknown option '{token.Value}' for {name}{(closest is null ? "" : $"; did you mean {closest}?")} ({name} --help lists the options; a value that starts with '-' goes after --.)";
        }

        return null;
    }

    private static IEnumerable<string> OptionNames(CommandResult result)
    {
        for (SymbolResult? current = result; current is CommandResult c; current = c.Parent)
        {
            foreach (var option in c.Command.Options.Where(o => !o.Hidden && (ReferenceEquals(c, result) || o.Recursive)))
            {
                yield return option.Name;
                foreach (var alias in option.Aliases)
                {
                    yield return alias;
                }
            }
        }
    }

    /// <summary>The option within a few edits of <paramref name="typed"/> (two in five letters: a typo or a swap, not another word).</summary>
    private static string? Closest(string typed, IEnumerable<string> names) => names
        .Select(n => (Name: n, Distance: Levenshtein.GetDistance(typed, n)))
        .Where(n => n.Distance <= 2 * Math.Max(typed.Length, n.Name.Length) / 5)
        .OrderBy(n => n.Distance)
        .ThenBy(n => n.Name, StringComparer.Ordinal)
        .Select(n => n.Name)
        .FirstOrDefault();
}
