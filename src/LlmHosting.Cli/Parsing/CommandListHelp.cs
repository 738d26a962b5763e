using System.CommandLine;
using System.CommandLine.Invocation;

namespace LlmHosting.Cli.Parsing;

/// <summary>
/// The main help with the command list written as each command's own usage line writes it: System.CommandLine lists
/// <c>upload-model &lt;folder&gt; &lt;destination&gt;</c> although the destination may be left out (its command's usage
/// says <c>[&lt;destination&gt;]</c>). Every other help text is System.CommandLine's own.
/// </summary>
internal sealed class CommandListHelp(CommandLineAction inner) : SynchronousCommandLineAction
{
    public override bool ClearsParseErrors => true;

    public override int Invoke(ParseResult parseResult)
    {
        var help = (SynchronousCommandLineAction)inner;
        if (parseResult.CommandResult.Command is not RootCommand root)
        {
            return help.Invoke(parseResult);
        }

        var configuration = parseResult.InvocationConfiguration;
        var output = configuration.Output;
        var captured = new StringWriter();
        configuration.Output = captured;
        int code;
        try
        {
            code = help.Invoke(parseResult);
        }
        finally
        {
            configuration.Output = output;
        }

        var text = captured.ToString();
        var section = text.IndexOf("Commands:" + Environment.NewLine, StringComparison.Ordinal);
        output.Write(section < 0 ? text : text[..section] + CommandList(root));
        return code;
    }

    internal static string CommandList(RootCommand root)
    {
        var rows = root.Subcommands.Where(c => !c.Hidden)
            .Select(c => (Label: string.Join(" ", c.Arguments.Where(a => !a.Hidden).Select(Usage).Prepend(c.Name)), c.Description ?? ""))
            .ToList();
        var width = rows.Max(r => r.Label.Length) + 2;
        var lines = rows.Select(r => ("  " + r.Label.PadRight(width) + r.Item2).TrimEnd());
        return "Commands:" + Environment.NewLine + string.Join(Environment.NewLine, lines) + Environment.NewLine + Environment.NewLine;
    }

    private static string Usage(Argument argument)
    {
        var label = $"<{argument.HelpName ?? argument.Name}>";
        return argument.Arity.MinimumNumberOfValues == 0 ? $"[{label}]" : label;
    }
}
