using System.Text;

namespace LlmHosting.TestSupport.Readme;

/// <summary>One command of a README's shell example, split into words as a shell would (quotes removed).</summary>
internal sealed record ShellCommand(ReadmeLine At, string Language, string Text, IReadOnlyList<string> Words);

/// <summary>
/// The commands of the shell examples (<c>bash</c>, <c>sh</c>, <c>yaml</c> blocks): lines joined where they end with
/// <c>\</c>, comments left out, and each line cut at <c>|</c>, <c>&amp;&amp;</c>, <c>||</c>, <c>;</c>, redirections
/// and <c>$( )</c>, so that <c>echo hi | llmhost chat ...</c> and <c>export KEY=$(llmhost token ...)</c> each yield the
/// llmhost command.
/// </summary>
internal static class ShellCommands
{
    private static readonly string[] ShellLanguages = ["bash", "sh", "shell", "console", "yaml", "yml"];

    public static IEnumerable<ShellCommand> Of(ReadmeDocument readme) =>
        readme.CodeBlocks.Where(b => ShellLanguages.Contains(b.Language)).SelectMany(Of);

    public static IEnumerable<ShellCommand> Of(CodeExample block)
    {
        var pending = new StringBuilder();
        var start = 0;
        foreach (var (line, text) in block.Lines)
        {
            if (pending.Length == 0)
            {
                start = line;
            }

            var trimmed = text.TrimEnd();
            if (trimmed.EndsWith('\\'))
            {
                pending.Append(trimmed[..^1]).Append(' ');
                continue;
            }

            pending.Append(trimmed);
            foreach (var command in Split(pending.ToString()))
            {
                yield return new ShellCommand(block.Start with { Line = start }, block.Language, string.Join(' ', command), command);
            }

            pending.Clear();
        }
    }

    /// <summary>The commands of one logical line, each as its words.</summary>
    internal static List<List<string>> Split(string line)
    {
        var commands = new List<List<string>>();
        var words = new List<string>();
        var word = new StringBuilder();
        var inWord = false;
        char? quote = null;
        void EndWord()
        {
            if (inWord)
            {
                words.Add(word.ToString());
            }

            word.Clear();
            inWord = false;
        }

        void EndCommand()
        {
            EndWord();
            if (words.Count > 0)
            {
                commands.Add(words);
            }

            words = [];
        }

        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quote is { } q)
            {
                if (c == q)
                {
                    quote = null;
                }
                else
                {
                    word.Append(c);
                }

                continue;
            }

            switch (c)
            {
                case '\'' or '"':
                    quote = c;
                    inWord = true;
                    break;
                case ' ' or '\t':
                    EndWord();
                    break;
                case '#' when !inWord:
                    EndCommand();
                    return commands;
                case '$' when i + 1 < line.Length && line[i + 1] == '(':
                    EndCommand();
                    i++;
                    break;
                case '>' or '<' when inWord && !word.ToString().All(char.IsDigit):
                    // Inside a word (s3://<bucket>/...) it is a placeholder, not a redirection.
                    word.Append(c);
                    break;
                case '|' or ';' or '&' or ')' or '>' or '<':
                    EndCommand();
                    break;
                default:
                    word.Append(c);
                    inWord = true;
                    break;
            }
        }

        EndCommand();
        return commands;
    }

    /// <summary>
    /// The arguments given to llmhost when the command runs it, written <c>llmhost ...</c> (the installed tool) or
    /// <c>dotnet run --project src/LlmHosting.Cli -- ...</c> (from the clone); null for any other command.
    /// </summary>
    public static string[]? LlmhostArguments(ShellCommand command)
    {
        var words = command.Words;
        if (words.Count > 0 && words[0] == "llmhost")
        {
            return words.Skip(1).ToArray();
        }

        if (words.Count >= 4 && words[0] == "dotnet" && words[1] == "run" && words[2] == "--project" && words[3].TrimEnd('/') == "src/LlmHosting.Cli")
        {
            var dashes = words.ToList().IndexOf("--");
            return dashes < 0 ? [] : words.Skip(dashes + 1).ToArray();
        }

        return null;
    }

    /// <summary>The arguments given to the CDK CLI (<c>node_modules/.bin/cdk</c>, <c>cdk</c>, <c>npx [--yes] aws-cdk@...</c>); null for any other command.</summary>
    public static string[]? CdkArguments(ShellCommand command)
    {
        var words = command.Words;
        if (words.Count > 0 && (words[0] == "cdk" || words[0].EndsWith("/.bin/cdk", StringComparison.Ordinal)))
        {
            return words.Skip(1).ToArray();
        }

        if (words.Count > 0 && words[0] == "npx")
        {
            var rest = words.Skip(1).SkipWhile(w => w.StartsWith('-')).ToList();
            if (rest.Count > 0 && (rest[0] == "aws-cdk" || rest[0].StartsWith("aws-cdk@", StringComparison.Ordinal)))
            {
                return rest.Skip(1).ToArray();
            }
        }

        return null;
    }
}
