using System.Text;

namespace LlmHosting.Cli.Commands.Impact;

/// <summary>Renders an <see cref="ImpactReport"/>: Markdown for a pull-request comment, or plain text for a terminal.</summary>
internal static class ImpactReportWriter
{
    /// <summary>One line: the flags first, then the counts of each action, e.g. "1 DATA RISK · 2 replaced, 1 updated in 1 of 3 stacks".</summary>
    public static string Summary(ImpactReport report)
    {
        var touched = report.Stacks.Count(s => s.Change != StackChange.Unchanged);
        if (touched == 0)
        {
            return $"no changes in {report.Stacks.Count} stacks";
        }

        var flags = Enum.GetValues<ImpactFlag>().Where(f => report.Count(f) > 0).Select(f => $"{report.Count(f)} {Label(f)}").ToList();
        var actions = Enum.GetValues<ResourceAction>().Reverse().Where(a => report.Count(a) > 0).Select(a => $"{report.Count(a)} {Counted(a)}");
        var stacks = report.Stacks.Count(s => s.Change == StackChange.New) is var created and > 0 ? $", {created} new" : "";
        stacks += report.Stacks.Count(s => s.Change == StackChange.Removed) is var removed and > 0 ? $", {removed} removed" : "";
        return $"{(flags.Count == 0 ? "no flags" : string.Join(", ", flags))} · {string.Join(", ", actions)} in {touched} of {report.Stacks.Count} stacks{stacks}";
    }

    /// <summary>A summary heading, then one table per changed stack (resource, type, action, why, flags), then the unchanged stacks.</summary>
    public static string Markdown(ImpactReport report)
    {
        var text = new StringBuilder();
        text.Append("### Deployment impact: ").AppendLine(Summary(report)).AppendLine();
        text.AppendLine($"Before: {Escape(report.Before)} · after: {Escape(report.After)} · replacement rules: {report.RulesSource}");
        foreach (var stack in report.Stacks.Where(s => s.Change != StackChange.Unchanged))
        {
            text.AppendLine().AppendLine($"#### {Escape(stack.Name)}{Suffix(stack)}").AppendLine();
            text.AppendLine("| Resource | Type | Action | Why | Flags |").AppendLine("|---|---|---|---|---|");
            foreach (var resource in stack.Resources)
            {
                var action = resource.Action is ResourceAction.Replaced or ResourceAction.MayBeReplaced or ResourceAction.Removed
                    ? $"**{Label(resource.Action)}**" : Label(resource.Action);
                var flags = string.Join(" ", resource.Flags.Select(f => $"**{Label(f)}**"));
                text.AppendLine($"| `{resource.LogicalId}` | {Escape(resource.Type)} | {action} | {string.Join("<br>", resource.Reasons.Select(Escape))} | {flags} |");
            }

            if (stack.PeakExtraInstances is { } peak)
            {
                text.AppendLine().AppendLine($"**Peak extra instances during the rollout** (check quotas and capacity): {Escape(peak)}");
            }
        }

        AppendUnchanged(text.AppendLine(), report, s => $"`{s}`", "Unchanged: ");
        return text.ToString();
    }

    /// <summary>The same as <see cref="Markdown"/> as indented plain text.</summary>
    public static string Text(ImpactReport report)
    {
        var text = new StringBuilder();
        text.Append("Deployment impact: ").AppendLine(Summary(report));
        text.AppendLine($"before: {report.Before}; after: {report.After}; replacement rules: {report.RulesSource}");
        foreach (var stack in report.Stacks.Where(s => s.Change != StackChange.Unchanged))
        {
            text.AppendLine().AppendLine(stack.Name + Suffix(stack));
            foreach (var resource in stack.Resources)
            {
                var flags = resource.Flags.Count == 0 ? "" : $"  [{string.Join(", ", resource.Flags.Select(Label))}]";
                text.AppendLine($"  {Label(resource.Action),-13} {resource.LogicalId} ({resource.Type}){flags}");
                foreach (var reason in resource.Reasons)
                {
                    text.AppendLine($"                - {reason}");
                }
            }

            if (stack.PeakExtraInstances is { } peak)
            {
                text.AppendLine($"  peak extra instances during the rollout (check quotas and capacity): {peak}");
            }
        }

        AppendUnchanged(text.AppendLine(), report, s => s, "unchanged: ");
        return text.ToString();
    }

    /// <summary>How a flag is printed: DATA RISK, DOWNTIME, DEPLOY FAILS.</summary>
    public static string Label(ImpactFlag flag) => flag switch
    {
        ImpactFlag.DataRisk => "DATA RISK",
        ImpactFlag.Downtime => "DOWNTIME",
        _ => "DEPLOY FAILS",
    };

    /// <summary>How an action is printed; the destructive ones in capitals.</summary>
    public static string Label(ResourceAction action) => action switch
    {
        ResourceAction.Added => "add",
        ResourceAction.Updated => "update",
        ResourceAction.CustomUpdate => "custom update",
        ResourceAction.MayBeReplaced => "may REPLACE",
        ResourceAction.Replaced => "REPLACE",
        _ => "remove",
    };

    private static string Counted(ResourceAction action) => action switch
    {
        ResourceAction.Added => "added",
        ResourceAction.Updated => "updated",
        ResourceAction.CustomUpdate => "custom update(s)",
        ResourceAction.MayBeReplaced => "may be replaced",
        ResourceAction.Replaced => "replaced",
        _ => "removed",
    };

    private static string Suffix(StackImpact stack) => stack.Change switch
    {
        StackChange.New => " (new stack)",
        StackChange.Removed => " (stack removed from the app)",
        _ => "",
    };

    private static void AppendUnchanged(StringBuilder text, ImpactReport report, Func<string, string> format, string prefix)
    {
        var unchanged = report.Stacks.Where(s => s.Change == StackChange.Unchanged).Select(s => format(s.Name)).ToList();
        if (unchanged.Count > 0)
        {
            text.Append(prefix).AppendLine(string.Join(", ", unchanged));
        }
    }

    // Template values can hold characters that Markdown tables or HTML would interpret.
    private static string Escape(string text)
        => text.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;").Replace("|", "\\|").ReplaceLineEndings(" ");
}
