using System.Text.Json.Nodes;

namespace LlmHosting.Cli.Commands.Impact;

/// <summary>What a deployment does to one resource present on both sides, and why.</summary>
/// <param name="DeployFails">CloudFormation will reject the change (its reason is among <paramref name="Reasons"/>).</param>
internal sealed record Verdict(ResourceAction Action, IReadOnlyList<string> Reasons, bool DeployFails);

/// <summary>
/// Classifies the change of one resource from its old and new template entries. References to values that change
/// at deploy time (a replaced resource, a changed export) count as changes: <paramref name="causeOf"/> names them.
/// </summary>
internal sealed class ResourceClassifier(ResourceSchemas schemas, Func<TemplateReference, string?> causeOf)
{
    private const int MaxListedChanges = 8;
    private static readonly string[] PolicyAttributes = ["DeletionPolicy", "UpdateReplacePolicy"];

    /// <summary>The verdict, or null when nothing CloudFormation acts on changed (Metadata and DependsOn are not compared).</summary>
    public Verdict? Classify(JsonObject before, JsonObject after)
    {
        var type = (string)after["Type"]!;
        var oldType = (string)before["Type"]!;
        if (type != oldType)
        {
            return new(ResourceAction.Updated, [$"Type {oldType} → {type}: CloudFormation cannot change a resource's type; give it a new logical id"], DeployFails: true);
        }

        var oldProperties = before["Properties"] as JsonObject ?? [];
        var newProperties = after["Properties"] as JsonObject ?? [];
        var changes = PropertyDiff.Compare(oldProperties, newProperties, causeOf);
        var policyChanges = PolicyAttributes
            .Where(a => (string?)before[a] != (string?)after[a])
            .Select(a => $"{a} {(string?)before[a] ?? "Delete (default)"} → {(string?)after[a] ?? "Delete (default)"}")
            .ToList();
        if (changes.Count == 0 && policyChanges.Count == 0)
        {
            return null;
        }

        if (ResourceRules.IsCustom(type))
        {
            return Custom(type, before, changes, policyChanges);
        }

        if (schemas.Find(type) is not { } rules)
        {
            return new(ResourceAction.MayBeReplaced, [$"no resource schema for {type} in the {schemas.Source}: whether this replaces it is unknown", .. List(changes), .. policyChanges], DeployFails: false);
        }

        bool Hits(PropertyChange change, PropertyPath pattern)
            => change.Path.IsWithin(pattern) || (change.Path.Contains(pattern) && SelectionDiffers(pattern, oldProperties, newProperties));

        var createOnly = changes.Where(c => rules.CreateOnly.Any(p => Hits(c, p))).ToList();
        if (createOnly.Count > 0)
        {
            var reasons = createOnly.Select(c => c.Describe() + " (create-only)").Concat(List(changes.Except(createOnly))).Concat(policyChanges).ToList();
            reasons.Add("old resource: " + ResourceRules.Fate(before, "UpdateReplacePolicy"));
            if (ResourceRules.SideEffect(after) is { } sideEffect)
            {
                reasons.Add(sideEffect);
            }

            // A custom name that stays the same cannot be held by the new and the old resource at once (AWS
            // CloudFormation template reference, "Name type": "If you must replace the resource, specify a new name").
            var name = rules.NameProperty ?? "";
            var keepsName = name.Length > 0 && !rules.DeletesFirst && newProperties[name] is not null
                && !changes.Any(c => c.Path.IsWithin(PropertyPath.Root.Property(name)));
            if (keepsName)
            {
                reasons.Insert(0, $"{name} {Show(newProperties[name])} stays the same: CloudFormation cannot replace a custom-named resource; give it a new name, or none");
            }

            return new(ResourceAction.Replaced, reasons, keepsName);
        }

        var conditional = changes.Where(c => rules.ConditionallyCreateOnly.Any(p => Hits(c, p))).ToList();
        if (conditional.Count > 0)
        {
            return new(ResourceAction.MayBeReplaced, [.. conditional.Select(c => c.Describe() + " (may require replacement)"), .. List(changes.Except(conditional)), .. policyChanges], DeployFails: false);
        }

        var updated = List(changes).Concat(policyChanges).ToList();
        if (SageMakerDeployment.Describe(type, changes, newProperties) is { } rollout)
        {
            updated.Add(rollout);
        }

        return new(ResourceAction.Updated, updated, DeployFails: false);
    }

    /// <summary>The name of a resource as a comparable key, when its type has a name property and it is set to a value that reads no other resource.</summary>
    public string? NameKey(JsonObject resource)
    {
        var type = (string)resource["Type"]!;
        if (schemas.Find(type)?.NameProperty is not { } name || resource["Properties"]?[name] is not { } value
            || TemplateReferences.Find(value).Any(r => r.IsImport || !r.Target.StartsWith("AWS::", StringComparison.Ordinal)))
        {
            return null;
        }

        return $"{type} {value.ToJsonString()}";
    }

    /// <summary>"EndpointName llm-dev-x" for the reason of a name collision.</summary>
    public string NameOf(JsonObject resource)
    {
        var name = schemas.Find((string)resource["Type"]!)!.NameProperty!;
        return $"{name} {Show(resource["Properties"]![name])}";
    }

    // Custom resources have no schema: their handler receives an update. CloudFormation itself rejects a changed
    // ServiceToken ("Modifying service token is not allowed", aws-cloudformation/cloudformation-coverage-roadmap#802).
    private Verdict Custom(string type, JsonObject before, IReadOnlyList<PropertyChange> changes, List<string> policyChanges)
    {
        var token = changes.Where(c => c.Path.IsWithin(PropertyPath.Root.Property("ServiceToken"))).ToList();
        var tokenReasons = token.Select(c => c.Describe() + ": CloudFormation does not allow changing a custom resource's ServiceToken; give the resource a new logical id").ToList();
        var others = changes.Except(token).ToList();
        if (type == ResourceRules.BedrockModelImportType)
        {
            // lambda/BedrockModelImport: an update that changes ModelName or S3Uri starts a new import under a new
            // physical id; the old one then gets CloudFormation's delete.
            var reimport = others.Where(c => c.Path.IsWithin(PropertyPath.Root.Property("ModelName")) || c.Path.IsWithin(PropertyPath.Root.Property("S3Uri"))).ToList();
            if (reimport.Count > 0)
            {
                return new(ResourceAction.Replaced,
                    [.. tokenReasons, .. reimport.Select(c => c.Describe() + " (re-import)"), .. List(others.Except(reimport)), .. policyChanges,
                     "the handler imports a new model under a new name; old model: " + ResourceRules.Fate(before, "UpdateReplacePolicy")],
                    token.Count > 0);
            }
        }

        return new(ResourceAction.CustomUpdate, [.. tokenReasons, .. List(others), .. policyChanges, "custom update: the handler decides what it means"], token.Count > 0);
    }

    // A change above a create-only pointer (an array that grew) replaces the resource only if what the pointer selects differs.
    private bool SelectionDiffers(PropertyPath pattern, JsonObject before, JsonObject after)
    {
        var old = pattern.Select(before);
        var current = pattern.Select(after);
        return old.Count != current.Count
            || old.Zip(current).Any(p => !JsonNode.DeepEquals(p.First, p.Second))
            || current.Any(v => TemplateReferences.Find(v).Any(r => causeOf(r) is not null));
    }

    private static IEnumerable<string> List(IEnumerable<PropertyChange> changes)
    {
        var all = changes.ToList();
        return all.Count <= MaxListedChanges
            ? all.Select(c => c.Describe())
            : all.Take(MaxListedChanges - 1).Select(c => c.Describe()).Append($"... and {all.Count - MaxListedChanges + 1} more changed values");
    }

    private static string Show(JsonNode? value) => value is JsonValue scalar ? $"'{scalar}'" : value?.ToJsonString() ?? "null";
}
