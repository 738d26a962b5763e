using System.Text.Json;
using LlmHosting.Constructs.Nag;

namespace LlmHosting.Constructs.Tests.Nag;

/// <summary>
/// The C# helper and scripts/nag judge a reason by the same rule, written once in each language: both must
/// give the same answer, word for word, for every reason here.
/// </summary>
public sealed class ReasonRuleParityTests
{
    private static readonly string?[] Reasons =
    [
        null,
        "",
        "ok",
        "Wildcards are fine here.",
        "   CreateModelImportJob supports no resource type (Service Authorization Reference).   ",
        "CreateModelImportJob supports no resource type (Service Authorization Reference).",
        "CreateModelImportJob supports no resource type (Service Authorization Reference)",
        "CreateModelImportJob supports no resource type, see the reference.",
        "CreateModelImportJob supports no resource type (SA).",
        "CreateModelImportJob supports no resource type (   ).",
        "CreateModelImportJob supports no resource type (() ).",
        "The log streams are created by SageMaker at run time (https://docs.aws.amazon.com/sagemaker/latest/dg/logging-cloudwatch.html).",
        "Suppressed (ok).",
        "Der Dienst legt die Protokollströme zur Laufzeit an (SageMaker-Entwicklerhandbuch).",
    ];

    [Fact]
    public void ReasonRule_CSharpAndScript_GiveTheSameAnswers()
    {
        const string script = """
            const { reasonProblem, RULE_TEXT } = require('./scripts/nag.rule.js');
            const reasons = JSON.parse(require('fs').readFileSync(0, 'utf8'));
            console.log(JSON.stringify({ rule: RULE_TEXT, problems: reasons.map(reasonProblem) }));
            """;
        var (exitCode, stdout, stderr) = NagScript.Node(script, JsonSerializer.Serialize(Reasons));
        Assert.True(exitCode == 0, stderr);
        using var answer = JsonDocument.Parse(stdout);

        Assert.Equal(NagSuppressions.ReasonRule, answer.RootElement.GetProperty("rule").GetString());
        var scriptProblems = answer.RootElement.GetProperty("problems").EnumerateArray().Select(p => p.GetString()).ToList();
        Assert.Equal(Reasons.Select(NagSuppressions.ReasonProblem), scriptProblems);
        Assert.Equal([4, 5, 11, 13], Enumerable.Range(0, Reasons.Length).Where(i => scriptProblems[i] is null));
    }
}
