using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace LlmHosting.Tests.Shared;

/// <summary>
/// Checks the identity policies of a synthesized template against the IAM resource types of AWS's Service
/// Authorization Reference, as cfn-lint ships them (<c>data/AdditionalSpecs/Policies.json</c> of the installed
/// cfn-lint package, located with python3). cfn-lint's own rules do not report an action granted on ARNs that
/// supports no resource type (such a grant is denied at run time), nor an ARN that no resource type of the
/// action matches (such a grant is useless); this check does.
/// <list type="bullet">
/// <item>An action that supports no resource type must be granted on <c>"*"</c> only.</item>
/// <item>An action granted on ARNs must have a resource type whose ARN format matches one of them, and every ARN
/// of the statement must match a resource type of one of its actions.</item>
/// <item><c>"*"</c> on an action that has resource types is allowed only for the actions of <see cref="StarAllowed"/>.</item>
/// <item>Actions the data does not know are listed in <see cref="MissingFromData"/> with their source.</item>
/// </list>
/// </summary>
internal static class IamResourceTypes
{
    /// <summary>
    /// Actions that have resource types but are granted on <c>"*"</c> on purpose: the action, an action that must
    /// stand in the same statement (so that the exception covers one known statement, not the action everywhere),
    /// and the reason.
    /// </summary>
    public static readonly IReadOnlyList<(string Action, string Companion, string Reason)> StarAllowed =
    [
        // aws-cdk-lib's custom-resources Provider gives its waiter state machine this logging statement; Step
        // Functions delivers logs through CloudWatch Logs' vended log delivery, whose documented policy
        // ("Logging using CloudWatch Logs", Step Functions developer guide) grants these actions on "*".
        ("logs:CreateLogStream", "logs:CreateLogDelivery", "CDK Provider waiter state machine logging (Step Functions documents Resource \"*\")"),
        ("logs:PutLogEvents", "logs:CreateLogDelivery", "CDK Provider waiter state machine logging (Step Functions documents Resource \"*\")"),
        // The endpoint scaling handler's writes: the resource type scalable-target has an id that the registration itself
        // assigns, and the Application Auto Scaling user guide ("How Application Auto Scaling works with IAM") says to use
        // "*"; "*" is right under both readings (VariantScaling).
        ("application-autoscaling:RegisterScalableTarget", "application-autoscaling:DescribeScalableTargets", "Application Auto Scaling user guide: always use \"*\""),
        ("application-autoscaling:DeregisterScalableTarget", "application-autoscaling:DescribeScalableTargets", "Application Auto Scaling user guide: always use \"*\""),
        ("application-autoscaling:PutScalingPolicy", "application-autoscaling:DescribeScalableTargets", "Application Auto Scaling user guide: always use \"*\""),
        ("application-autoscaling:DeleteScalingPolicy", "application-autoscaling:DescribeScalableTargets", "Application Auto Scaling user guide: always use \"*\""),
    ];

    /// <summary>
    /// Actions absent from cfn-lint's copy of the Service Authorization Reference, with the resource handling
    /// their own documentation gives: <c>"*"</c> when the action supports no resource type.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, (bool StarOnly, string Source)> MissingFromData = new Dictionary<string, (bool, string)>(StringComparer.OrdinalIgnoreCase)
    {
        ["sagemaker:CallWithBearerToken"] = (true,
            "SageMaker's OpenAI-compatible API (bearer tokens): the action supports no resource-level permission, "
            + "Resource must be \"*\" (AWS-FACTS.md, Invocation; SageMaker Python SDK token_generator)"),
        ["bedrock:CallWithBearerToken"] = (true,
            "Amazon Bedrock API keys: the action supports no resource-level permission, Resource must be \"*\" "
            + "(AWS-FACTS.md, Bedrock short-term API keys)"),
    };

    private static readonly Lazy<Data> Reference = new(Load);

    /// <summary>Every violation in the template, one line each; empty when the template is fine.</summary>
    /// <param name="template">The synthesized template.</param>
    /// <param name="name">A name for messages, for example <c>dev.Serving</c>.</param>
    public static IReadOnlyList<string> Violations(JsonObject template, string name)
    {
        var data = Reference.Value;
        var renderer = new ArnRenderer(template);
        var violations = new List<string>();
        foreach (var (policyId, statement) in IdentityStatements(template))
        {
            if ((string?)statement["Effect"] != "Allow")
            {
                continue;
            }

            var where = $"{name}: {policyId} statement {Describe(statement)}";
            if (statement.ContainsKey("NotAction") || statement.ContainsKey("NotResource"))
            {
                violations.Add($"{where}: NotAction/NotResource is not checked; write the statement with Action and Resource");
                continue;
            }

            var actions = Strings(statement["Action"]);
            var resources = Values(statement["Resource"]).Select(renderer.Render).ToList();
            var used = new bool[resources.Count];
            foreach (var action in actions)
            {
                violations.AddRange(CheckAction(data, where, action, actions, resources, used));
            }

            for (var i = 0; i < resources.Count; i++)
            {
                if (!used[i] && resources[i] != "*")
                {
                    violations.Add($"{where}: resource {resources[i]} matches no resource type of {string.Join(", ", actions)}: it grants nothing");
                }
            }
        }

        return violations;
    }

    private static IEnumerable<string> CheckAction(Data data, string where, string action, List<string> statementActions, List<string> resources, bool[] used)
    {
        if (action.Contains('*') || action.Contains('?'))
        {
            yield return $"{where}: action {action} is a wildcard; name the actions";
            yield break;
        }

        var hasStar = resources.Contains("*");
        var onlyStar = resources.All(r => r == "*");
        if (!data.Actions.TryGetValue(action.ToLowerInvariant(), out var types))
        {
            if (!MissingFromData.TryGetValue(action, out var known))
            {
                yield return $"{where}: action {action} is not in cfn-lint's Policies.json; add it to MissingFromData with its source";
            }
            else if (known.StarOnly && !onlyStar)
            {
                yield return $"{where}: {action} supports no resource type ({known.Source}); grant it on \"*\" only";
            }

            yield break;
        }

        if (types.Count == 0)
        {
            if (!onlyStar)
            {
                yield return $"{where}: {action} supports no resource type (Service Authorization Reference), so IAM denies it on ARNs; grant it on \"*\"";
            }

            yield break;
        }

        if (hasStar && !StarAllowed.Any(a => string.Equals(a.Action, action, StringComparison.OrdinalIgnoreCase)
                && statementActions.Contains(a.Companion, StringComparer.OrdinalIgnoreCase)))
        {
            yield return $"{where}: {action} supports resource types ({string.Join(", ", types.Select(t => t.Name))}) but is granted on \"*\"; name the resources, or add it to StarAllowed with a reason";
        }

        var matched = false;
        for (var i = 0; i < resources.Count; i++)
        {
            if (resources[i] != "*" && types.Any(t => t.Formats.Any(f => f.IsMatch(resources[i]))))
            {
                used[i] = true;
                matched = true;
            }
        }

        if (!matched && !hasStar)
        {
            yield return $"{where}: {action} is granted on {string.Join(", ", resources)}, which match none of its resource types ({string.Join("; ", types.Select(t => t.Name + " " + string.Join(" | ", t.Formats)))})";
        }
    }

    /// <summary>Identity-policy statements: IAM policies, managed policies and roles' inline policies.</summary>
    private static IEnumerable<(string Id, JsonObject Statement)> IdentityStatements(JsonObject template)
    {
        foreach (var (id, resource) in template["Resources"]?.AsObject() ?? [])
        {
            var type = (string?)resource!["Type"];
            var properties = resource["Properties"];
            var documents = type switch
            {
                "AWS::IAM::Policy" or "AWS::IAM::ManagedPolicy" => [properties?["PolicyDocument"]],
                "AWS::IAM::Role" => (properties?["Policies"]?.AsArray() ?? []).Select(p => p?["PolicyDocument"]).ToList(),
                _ => new List<JsonNode?>(),
            };
            foreach (var statement in documents.SelectMany(d => Values(d?["Statement"])))
            {
                yield return (id, statement!.AsObject());
            }
        }
    }

    private static string Describe(JsonObject statement)
        => (string?)statement["Sid"] is { } sid ? $"'{sid}'" : $"[{string.Join(", ", Strings(statement["Action"]))}]";

    private static List<string> Strings(JsonNode? node) => Values(node).Select(n => (string)n!).ToList();

    private static List<JsonNode?> Values(JsonNode? node) => node switch
    {
        null => [],
        JsonArray array => array.ToList(),
        _ => [node],
    };

    private sealed record ResourceType(string Name, IReadOnlyList<Regex> Formats);

    private sealed record Data(IReadOnlyDictionary<string, IReadOnlyList<ResourceType>> Actions);

    /// <summary>The Service Authorization Reference data of the installed cfn-lint (<c>Policies.json</c>).</summary>
    public static string PoliciesJsonPath() => Path.Combine(CfnLintFolder.Value, "data", "AdditionalSpecs", "Policies.json");

    private static readonly Lazy<string> CfnLintFolder = new(CfnLintDirectory);

    private static Data Load()
    {
        var path = PoliciesJsonPath();
        using var document = JsonDocument.Parse(File.ReadAllBytes(path));
        var actions = new Dictionary<string, IReadOnlyList<ResourceType>>(StringComparer.Ordinal);
        foreach (var service in document.RootElement.EnumerateObject())
        {
            var types = new Dictionary<string, ResourceType>(StringComparer.OrdinalIgnoreCase);
            if (service.Value.TryGetProperty("Resources", out var resources))
            {
                foreach (var type in resources.EnumerateObject())
                {
                    var formats = type.Value.TryGetProperty("ARNFormats", out var f)
                        ? f.EnumerateArray().Select(a => FormatRegex(a.GetString()!)).ToList()
                        : [];
                    types[type.Name] = new ResourceType(type.Name, formats);
                }
            }

            if (!service.Value.TryGetProperty("Actions", out var serviceActions))
            {
                continue;
            }

            foreach (var action in serviceActions.EnumerateObject())
            {
                var names = action.Value.TryGetProperty("Resources", out var r) ? r.EnumerateArray().Select(n => n.GetString()!).ToList() : [];
                actions[$"{service.Name}:{action.Name}"] = names
                    .Select(n => types.TryGetValue(n, out var t) ? t : throw new InvalidOperationException($"Policies.json: {service.Name}:{action.Name} names unknown resource type {n}"))
                    .ToList();
            }
        }

        return new Data(actions);
    }

    // ARN formats are regular expressions with ${Partition}, ${Region}, ${Account}... placeholders.
    private static Regex FormatRegex(string format)
    {
        var pattern = Regex.Replace(format, @"\$\{(\w+)\}", m => m.Groups[1].Value switch
        {
            "Partition" => "aws[a-z-]*",
            "Region" => "[a-z0-9-]*",
            "Account" or "AccountId" => @"\d{12}",
            _ => "[^:]*",
        });
        return new Regex("^" + pattern + "$", RegexOptions.CultureInvariant);
    }

    // Where the cfnlint package is, found without importing it (an import of cfnlint costs about 1.5 s of CPU).
    private static string CfnLintDirectory()
    {
        var start = new ProcessStartInfo("python3", ["-c", "import importlib.util; print(importlib.util.find_spec('cfnlint').submodule_search_locations[0])"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start) ?? throw new InvalidOperationException("python3 did not start");
        var output = process.StandardOutput.ReadToEnd().Trim();
        process.WaitForExit();
        return process.ExitCode == 0 && Directory.Exists(output)
            ? output
            : throw new InvalidOperationException("cfn-lint is not installed for python3 (it comes with the machine image); the IAM resource-type check needs its Policies.json.");
    }
}
