using System.Text.Json;
using System.Text.RegularExpressions;
using Amazon.CDK;
using Amazon.CDK.AWS.IAM;
using Amazon.JSII.Runtime.Deputy;
using Constructs;

namespace LlmHosting.Constructs.Nag;

/// <summary>
/// Writes cdk-nag suppressions into a resource's CloudFormation metadata, in cdk-nag's own format
/// (<c>Metadata.cdk_nag.rules_to_suppress: [{id, reason, applies_to}]</c>), so that <c>scripts/nag</c> and
/// any other cdk-nag run over the synthesized template honour them. Every suppression carries a reason that
/// names its evidence: a sentence of at least <see cref="MinReasonLength"/> characters, with the source in
/// parentheses, ending with a full stop.
/// </summary>
/// <example><code>
/// NagSuppressions.Add(handlerRole, "AwsSolutions-IAM5",
///     "CreateModelImportJob supports no resource type (Service Authorization Reference).", "Resource::*");
/// </code></example>
public static partial class NagSuppressions
{
    /// <summary>The shortest reason accepted, in characters (cdk-nag's own minimum is 10).</summary>
    public const int MinReasonLength = 30;

    /// <summary>The rule a reason follows, as the error messages state it.</summary>
    public const string ReasonRule =
        "a reason must be a sentence of at least 30 characters that names its evidence in parentheses and ends with a full stop, " +
        "e.g. \"CreateModelImportJob supports no resource type (Service Authorization Reference).\"";

    private const string MetadataKey = "cdk_nag";

    /// <summary>Suppresses <paramref name="ruleId"/> on the resource of <paramref name="scope"/>.</summary>
    /// <param name="scope">
    /// A <see cref="CfnResource"/>, or a construct whose default child is one (a Bucket, a Function...). For an IAM
    /// Role the suppression also goes on its DefaultPolicy, where cdk-nag reports the wildcard findings of the
    /// role's grants; the policy gets it at synthesis, so grants added after this call are covered.
    /// </param>
    /// <param name="ruleId">An AwsSolutions rule id, for example <c>AwsSolutions-IAM5</c>.</param>
    /// <param name="reason">Why the finding is acceptable and the evidence for it; see <see cref="ReasonRule"/>.</param>
    /// <param name="appliesTo">
    /// The findings suppressed, exactly as cdk-nag reports them (<c>Resource::*</c>, <c>Action::s3:Get*</c>), or
    /// cdk-nag's regular expression form <c>/pattern/flags</c> matched against them. Default (none): every
    /// finding of the rule on the resource.
    /// </param>
    /// <exception cref="ArgumentException">The rule id, reason or a finding is malformed, or the scope has no resource.</exception>
    public static void Add(IConstruct scope, string ruleId, string reason, params string[] appliesTo)
        => Add(scope, ruleId, reason, (IEnumerable<string>)appliesTo);

    /// <summary>Suppresses <paramref name="ruleId"/> on the resource of <paramref name="scope"/>, for a computed list of findings.</summary>
    /// <param name="scope">A <see cref="CfnResource"/> or a construct whose default child is one; see the other overload.</param>
    /// <param name="ruleId">An AwsSolutions rule id, for example <c>AwsSolutions-IAM5</c>.</param>
    /// <param name="reason">Why the finding is acceptable and the evidence for it; see <see cref="ReasonRule"/>.</param>
    /// <param name="appliesTo">The findings, or <c>/pattern/flags</c> expressions; empty: every finding of the rule.</param>
    /// <exception cref="ArgumentException">The rule id, reason or a finding is malformed, or the scope has no resource.</exception>
    public static void Add(IConstruct scope, string ruleId, string reason, IEnumerable<string> appliesTo)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(appliesTo);
        var findings = appliesTo.ToList();
        var problems = Problems(ruleId, reason, findings);
        if (problems.Count > 0)
        {
            throw new ArgumentException(
                $"Invalid cdk-nag suppression {ruleId} on {scope.Node.Path}: {string.Join("; ", problems)}", nameof(reason));
        }

        var resource = scope as CfnResource ?? scope.Node.DefaultChild as CfnResource
            ?? throw new ArgumentException(
                $"Invalid cdk-nag suppression {ruleId}: {scope.Node.Path} is not a CloudFormation resource and has no default child " +
                "that is one; pass the CfnResource the finding is reported on.", nameof(scope));
        var entry = Entry(ruleId, reason, findings);
        Append(resource, ruleId, entry);
        if (resource.CfnResourceType == "AWS::IAM::Role" && resource != scope)
        {
            // IAM5 findings are reported on the role's DefaultPolicy. When it exists (the grants were made first) the
            // entry goes there at once; otherwise an aspect puts it there at synthesis, once the grants have made it.
            if (scope.Node.TryFindChild("DefaultPolicy")?.Node.DefaultChild is CfnResource policy)
            {
                Append(policy, ruleId, entry);
            }
            else
            {
                Amazon.CDK.Aspects.Of(scope).Add(new DefaultPolicySuppression(scope.Node.Path, ruleId, entry));
            }
        }
    }

    /// <summary>
    /// <see cref="Add(IConstruct, string, string, string[])"/> on the principal of a grant, when this app defines it: an
    /// imported role has no resource here to carry the suppression (nor a policy that cdk-nag would report).
    /// </summary>
    internal static void AddToGrantee(IGrantable grantee, string ruleId, string reason, params string[] appliesTo)
    {
        if ((grantee.GrantPrincipal as IConstruct ?? grantee as IConstruct) is { } scope
            && (scope is CfnResource || scope.Node.DefaultChild is CfnResource))
        {
            Add(scope, ruleId, reason, appliesTo);
        }
    }

    /// <summary>What is wrong with a reason, or null when it follows <see cref="ReasonRule"/> (the rule of scripts/nag.rule.js).</summary>
    internal static string? ReasonProblem(string? reason)
    {
        if (reason is null)
        {
            return "has no reason";
        }

        var text = reason.Trim();
        if (text.Length < MinReasonLength)
        {
            return $"reason \"{text}\" is shorter than {MinReasonLength} characters";
        }

        if (!Evidence().IsMatch(text))
        {
            return $"reason \"{text}\" names no evidence in parentheses";
        }

        return text.EndsWith('.') ? null : $"reason \"{text}\" does not end with a full stop";
    }

    private static List<string> Problems(string? ruleId, string? reason, List<string> findings)
    {
        var problems = new List<string>();
        if (ruleId is null || !RuleIdFormat().IsMatch(ruleId))
        {
            problems.Add(ruleId is not null && ruleId.Contains('[')
                ? $"rule id '{ruleId}' names a finding: give the rule id alone and the finding in appliesTo"
                : $"rule id '{ruleId}' is not an AwsSolutions rule id like AwsSolutions-IAM5");
        }

        if (ReasonProblem(reason) is { } reasonProblem)
        {
            problems.Add($"{reasonProblem}; {ReasonRule}");
        }

        foreach (var finding in findings)
        {
            if (string.IsNullOrWhiteSpace(finding))
            {
                problems.Add("an appliesTo entry is empty");
            }
            else if (finding.StartsWith('/') && !RegexForm().IsMatch(finding))
            {
                problems.Add($"appliesTo '{finding}' starts like a regular expression but is not in cdk-nag's /pattern/flags form");
            }
        }

        return problems;
    }

    private static Dictionary<string, object> Entry(string ruleId, string reason, List<string> findings)
    {
        var entry = new Dictionary<string, object> { ["id"] = ruleId, ["reason"] = reason };
        if (findings.Count > 0)
        {
            entry["applies_to"] = findings
                .Select(f => f.StartsWith('/') ? new Dictionary<string, object> { ["regex"] = f } : (object)f)
                .ToArray();
        }

        return entry;
    }

    /// <summary>Adds the entry after the suppressions already on the resource; an identical entry is not repeated (as in cdk-nag).</summary>
    private static void Append(CfnResource resource, string ruleId, Dictionary<string, object> entry)
    {
        var existing = resource.GetMetadata(MetadataKey);
        var entries = new List<object>();
        if (existing is not null)
        {
            if (existing is not IDictionary<string, object> metadata
                || !metadata.TryGetValue("rules_to_suppress", out var rules)
                || rules is not IEnumerable<object> ruleList)
            {
                throw new ArgumentException(
                    $"Invalid cdk-nag suppression {ruleId}: the {MetadataKey} metadata already on {resource.Node.Path} is not " +
                    $"{{\"rules_to_suppress\": [...]}} ({JsonSerializer.Serialize(existing)}); nothing was changed.", nameof(resource));
            }

            entries.AddRange(ruleList);
        }

        var serialized = JsonSerializer.Serialize(entry);
        if (entries.Any(e => JsonSerializer.Serialize(e) == serialized))
        {
            return;
        }

        entries.Add(entry);
        resource.AddMetadata(MetadataKey, new Dictionary<string, object> { ["rules_to_suppress"] = entries.ToArray() });
    }

    [GeneratedRegex(@"^AwsSolutions-[A-Z]+[0-9]+$")]
    private static partial Regex RuleIdFormat();

    // Kept equal to EVIDENCE in scripts/nag.rule.js: a source in parentheses, three characters or more.
    [GeneratedRegex(@"\(\s*[^()\s][^()]+[^()\s]\s*\)")]
    private static partial Regex Evidence();

    // cdk-nag's NagSuppressionHelper.toRegEx reads a regex entry as /pattern/flags.
    [GeneratedRegex(@"^/.+/[dgimsuvy]*$")]
    private static partial Regex RegexForm();

    /// <summary>Puts a Role's suppression on its DefaultPolicy at synthesis, when every grant has created it.</summary>
    private sealed class DefaultPolicySuppression(string rolePath, string ruleId, Dictionary<string, object> entry) : DeputyBase, IAspect
    {
        public void Visit(IConstruct node)
        {
            if (node.Node.Path == rolePath && node.Node.TryFindChild("DefaultPolicy")?.Node.DefaultChild is CfnResource policy)
            {
                Append(policy, ruleId, entry);
            }
        }
    }
}
