namespace LlmHosting.Constructs.Tests.Nag;

/// <summary>Runs the whole fixture folder through scripts/nag once; each test reads the part about one template.</summary>
public sealed class NagFixtureRun
{
    public NagFixtureRun()
    {
        (ExitCode, var stdout, Stderr) = NagScript.Run("--warnings", NagScript.Fixtures);
        Lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    public int ExitCode { get; }

    public string Stderr { get; }

    public IReadOnlyList<string> Lines { get; }

    /// <summary>The summary line of a fixture and the lines under it.</summary>
    public (string Summary, IReadOnlyList<string> Details) Section(string fixture)
    {
        var start = Lines.ToList().FindIndex(l => l.StartsWith(Path.Combine("test", "LlmHosting.Constructs.Tests", "Nag", "fixtures", fixture + ".template.json: "), StringComparison.Ordinal));
        Assert.True(start >= 0, $"no section for {fixture} in:\n{string.Join('\n', Lines)}\n{Stderr}");
        var details = Lines.Skip(start + 1).TakeWhile(l => l.StartsWith(' ')).Select(l => l.Trim()).ToList();
        return (Lines[start], details);
    }
}

public sealed class NagScriptTests(NagFixtureRun run) : IClassFixture<NagFixtureRun>
{
    private const string Policy = "HandlerPolicy (fixture/Handler/Role/DefaultPolicy/Resource)";

    [Fact]
    public void Nag_CompliantTemplate_ReportsNothing()
    {
        var (summary, details) = run.Section("compliant");

        Assert.EndsWith(": 0 errors, 0 warnings, 0 suppressed, 0 rejected suppressions", Summary(summary));
        Assert.Empty(details);
    }

    [Fact]
    public void Nag_NonCompliantTemplate_ReportsEachErrorWithRuleResourceFindingAndExplanation_AndCountsWarnings()
    {
        var (summary, details) = run.Section("noncompliant");

        Assert.EndsWith(": 3 errors, 1 warning, 0 suppressed, 0 rejected suppressions", Summary(summary));
        Assert.Equal("error AwsSolutions-IAM5: The IAM entity contains wildcard permissions and does not have a cdk-nag rule suppression with evidence for those permission.", details[0]);
        Assert.StartsWith("why: Metadata explaining the evidence (e.g. via supporting links) for wildcard permissions", details[1]);
        Assert.Equal(
            [$"at {Policy}: Resource::*", $"at {Policy}: Action::s3:Get*", $"at {Policy}: Resource::arn:aws:s3:::models/gpt-oss-20b/*"],
            details.Skip(2).Take(3));
        Assert.Equal("warning AwsSolutions-VPC3: A Network ACL or Network ACL entry has been implemented.", details[5]);
        Assert.Equal("at Acl", details[7]);
    }

    [Fact]
    public void Nag_SuppressionsWithReasonInResourceMetadata_AreHonoured_EvenWithAnEncodedReason()
    {
        var (summary, details) = run.Section("suppressed");

        Assert.EndsWith(": 0 errors, 0 warnings, 4 suppressed, 0 rejected suppressions", Summary(summary));
        Assert.Empty(details);
    }

    [Fact]
    public void Nag_AppliesToSuppression_SuppressesOnlyTheNamedAndMatchedFindings()
    {
        var (summary, details) = run.Section("applies-to");

        Assert.EndsWith(": 1 error, 0 warnings, 2 suppressed, 0 rejected suppressions", Summary(summary));
        Assert.Equal($"at {Policy}: Action::s3:Get*", Assert.Single(details, d => d.StartsWith("at ", StringComparison.Ordinal)));
    }

    [Fact]
    public void Nag_SuppressionWithoutReasonOrWithAShortOne_IsRejectedAndNotHonoured()
    {
        var (summary, details) = run.Section("reasonless");

        Assert.EndsWith(": 3 errors, 0 warnings, 0 suppressed, 2 rejected suppressions", Summary(summary));
        var rejected = details.Where(d => d.StartsWith("rejected", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, rejected.Count);
        Assert.StartsWith($"rejected suppression AwsSolutions-IAM5 on {Policy}: has no reason; a reason must be a sentence of at least 30 characters", rejected[0]);
        Assert.StartsWith($"rejected suppression AwsSolutions-IAM5 on {Policy}: reason \"Wildcards are fine here.\" is shorter than 30 characters;", rejected[1]);
    }

    [Fact]
    public void Nag_SuppressionOfARuleThePackDoesNotHave_IsRejected()
    {
        var (summary, details) = run.Section("unknown-rule");

        Assert.EndsWith(": 3 errors, 0 warnings, 0 suppressed, 1 rejected suppression", Summary(summary));
        Assert.Contains($"rejected suppression AwsSolutions-IAM55 on {Policy}: no rule AwsSolutions-IAM55 in the AwsSolutions pack of cdk-nag 2.38.2", details);
    }

    [Fact]
    public void Nag_SuppressionsCdkNagCannotRead_AreRejectedEachWithItsProblem()
    {
        var (summary, details) = run.Section("malformed");

        Assert.EndsWith(": 3 errors, 0 warnings, 0 suppressed, 3 rejected suppressions", Summary(summary));
        Assert.Equal(
            ["rejected suppression Metadata.cdk_nag on HandlerRole (fixture/Handler/Role/Resource): must be {\"rules_to_suppress\": [...]}",
             $"rejected suppression AwsSolutions-IAM5 on {Policy}: \"applies_to\" must be a list of findings or {{\"regex\": \"/.../\"}} objects",
             $"rejected suppression AwsSolutions-IAM5 on {Policy}: Error(s) detected in suppression with 'id' AwsSolutions-IAM5. Invalid regular expression [/(unclosed/]"],
            details.Where(d => d.StartsWith("rejected", StringComparison.Ordinal)));
    }

    [Fact]
    public void Nag_StackWideSuppression_IsRejected()
    {
        var (summary, details) = run.Section("stack-wide");

        Assert.EndsWith(": 3 errors, 0 warnings, 0 suppressed, 1 rejected suppression", Summary(summary));
        Assert.Contains("rejected suppression Metadata.cdk_nag on the template: stack-wide suppressions are not accepted: put each suppression on the resource it is about", details);
    }

    [Fact]
    public void Nag_AnyUnsuppressedError_ExitsWithOneAfterATotal()
    {
        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith(
            "total: 8 templates, 16 errors, 1 warning, 6 suppressed, 7 rejected suppressions (",
            Assert.Single(run.Lines, l => l.StartsWith("total: ", StringComparison.Ordinal)));
        Assert.Equal(
            ["Fix each error, or suppress it on its resource with a reason from C# (LlmHosting.Constructs.Nag.NagSuppressions).",
             "Correct or remove each rejected suppression: it is not honoured."],
            run.Lines.TakeLast(2));
    }

    [Fact]
    public void Nag_OnlyCleanTemplates_ExitsWithZero()
    {
        var (exitCode, stdout, stderr) = NagScript.Run(NagScript.Fixture("compliant"), NagScript.Fixture("suppressed"));

        Assert.True(exitCode == 0, stdout + stderr);
        Assert.Contains("total: 2 templates, 0 errors, 0 warnings, 4 suppressed, 0 rejected suppressions (", stdout);
    }

    [Fact]
    public void Nag_ReasonlessSuppressionWithNothingToSuppress_StillExitsWithOne()
    {
        var template = File.ReadAllText(NagScript.Fixture("compliant"))
            .Replace("\"aws:cdk:path\": \"fixture/Handler/Role/DefaultPolicy/Resource\"",
                "\"aws:cdk:path\": \"fixture/Handler/Role/DefaultPolicy/Resource\", \"cdk_nag\": {\"rules_to_suppress\": [{\"id\": \"AwsSolutions-IAM5\"}]}");
        var file = Path.Combine(Path.GetTempPath(), $"nag-{Guid.NewGuid():N}.template.json");
        File.WriteAllText(file, template);
        try
        {
            var (exitCode, stdout, _) = NagScript.Run(file);

            Assert.Equal(1, exitCode);
            Assert.Contains("0 errors, 0 warnings, 0 suppressed, 1 rejected suppression", stdout);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void Nag_NoTemplate_ExitsWithTwoAndSaysToSynthesize()
    {
        var empty = Directory.CreateTempSubdirectory("nag-empty-");
        try
        {
            var (exitCode, stdout, stderr) = NagScript.Run(empty.FullName);

            Assert.Equal(2, exitCode);
            Assert.Equal("", stdout);
            Assert.Equal($"error: {empty.FullName}: no *.template.json in this directory: run scripts/synth first", stderr.Trim());
        }
        finally
        {
            empty.Delete();
        }
    }

    [Fact]
    public void Nag_NotJson_ExitsWithTwoNamingTheFile()
    {
        var file = Path.Combine(Path.GetTempPath(), $"nag-{Guid.NewGuid():N}.template.json");
        File.WriteAllText(file, "Resources: {}");
        try
        {
            var (exitCode, stdout, _) = NagScript.Run(file);

            Assert.Equal(2, exitCode);
            Assert.StartsWith($"{file}: cannot check: not a readable JSON file: ", stdout);
        }
        finally
        {
            File.Delete(file);
        }
    }

    // The summary line without its timing, which varies.
    private static string Summary(string line) => line[..line.LastIndexOf(" (", StringComparison.Ordinal)];
}
