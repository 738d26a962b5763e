using System.CommandLine;

namespace LlmHosting.Cli.Commands.Impact;

/// <summary>
/// <c>llmhost impact</c>: compares two synthesized apps (by default the committed snapshots and a fresh cdk.out) and
/// prints, per environment, stack and resource, what a deployment would do, with DATA RISK, DOWNTIME and DEPLOY
/// FAILS flags. Exit codes: 0, 3 when <c>--fail-on risk</c> and a flag is raised, 2 when an input cannot be read.
/// </summary>
internal static class ImpactCommand
{
    /// <summary>The committed snapshots, relative to the repository root.</summary>
    public const string DefaultBefore = "test/LlmHosting.App.Tests/Snapshots";

    /// <summary>Where <c>scripts/synth</c> writes the cloud assembly.</summary>
    public const string DefaultAfter = "cdk.out";

    /// <summary>--fail-on risk and at least one flag raised.</summary>
    public const int ExitRisk = 3;

    /// <summary>The <c>impact</c> command with its options.</summary>
    public static Command Create()
    {
        var before = new Option<string>("--before")
        {
            Description = $"The deployed state: a cloud assembly (cdk.out) or a snapshot folder. Default: {DefaultBefore}.",
            DefaultValueFactory = _ => DefaultBefore,
        };
        var after = new Option<string>("--after")
        {
            Description = $"The state to deploy: a cloud assembly or a snapshot folder. Default: {DefaultAfter}.",
            DefaultValueFactory = _ => DefaultAfter,
        };
        var format = new Option<string>("--format")
        {
            Description = "markdown (for a pull-request comment) or text.",
            DefaultValueFactory = _ => "markdown",
        };
        format.AcceptOnlyFromAmong("markdown", "text");
        var failOn = new Option<string?>("--fail-on")
        {
            Description = $"risk: exit with {ExitRisk} when any DATA RISK, DOWNTIME or DEPLOY FAILS flag is raised.",
        };
        failOn.AcceptOnlyFromAmong("risk");
        var environment = new Option<string?>("--env")
        {
            Description = "Compare only this environment (for a cdk.out synthesized with -c env=NAME).",
        };

        var command = new Command("impact", "Show what deploying a synthesized app would do to each resource: update, blue/green or rolling update, or REPLACE.")
        {
            before, after, format, failOn, environment,
        };
        command.SetAction(parse => Run(
            parse.GetValue(before)!, parse.GetValue(after)!, parse.GetValue(format)!, parse.GetValue(failOn) is not null, parse.GetValue(environment),
            parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error));
        return command;
    }

    /// <summary>Reads both sides, prints the report and returns the exit code; unreadable input is one line on <paramref name="error"/>.</summary>
    internal static int Run(string beforeDirectory, string afterDirectory, string format, bool failOnRisk, string? environment, TextWriter output, TextWriter error)
    {
        ImpactReport report;
        try
        {
            var old = TemplateSet.Read(beforeDirectory);
            var current = TemplateSet.Read(afterDirectory);
            if (environment is not null && !old.Stacks.Concat(current.Stacks).Any(s => s.Environment == environment))
            {
                var known = old.Stacks.Concat(current.Stacks).Select(s => s.Environment).Distinct().Order(StringComparer.Ordinal);
                throw new CliException($"--env {environment}: no stack of that environment in {beforeDirectory} or {afterDirectory} (environments: {string.Join(", ", known)})");
            }

            report = new ImpactAnalyzer(ResourceSchemas.Default).Compare(old, current, environment);
        }
        catch (CliException e)
        {
            error.WriteLine("error: " + e.Message);
            return e.ExitCode;
        }

        output.Write(format == "text" ? ImpactReportWriter.Text(report) : ImpactReportWriter.Markdown(report));
        return failOnRisk && report.HasFlags ? ExitRisk : ExitCodes.Success;
    }
}
