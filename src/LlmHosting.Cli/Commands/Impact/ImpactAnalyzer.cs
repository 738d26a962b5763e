using System.Text.Json.Nodes;

namespace LlmHosting.Cli.Commands.Impact;

/// <summary>
/// Compares two synthesized apps stack by stack (matched by environment and stack name) and says what a deployment
/// does to each resource. Replacements propagate as in CloudFormation: a property that reads a replaced resource
/// (Ref, Fn::GetAtt, Fn::Sub) or a changed export (Fn::ImportValue) gets a new value at deploy time, so it is
/// checked against the create-only properties too, until nothing more is replaced.
/// </summary>
internal sealed class ImpactAnalyzer(ResourceSchemas schemas)
{
    /// <param name="environment">Only this environment, or every one when null.</param>
    public ImpactReport Compare(TemplateSet before, TemplateSet after, string? environment = null)
    {
        var stacks = before.Stacks.Concat(after.Stacks)
            .Select(s => s.Environment)
            .Where(e => environment is null || e == environment)
            .Distinct()
            .Order(StringComparer.Ordinal)
            .SelectMany(e => new EnvironmentComparison(schemas, before.Stacks.Where(s => s.Environment == e), after.Stacks.Where(s => s.Environment == e)).Run())
            .ToList();
        return new ImpactReport(before.Label, after.Label, schemas.Source, stacks);
    }
}

/// <summary>One environment: its stacks can read each other's exports, and names must be unique across them.</summary>
internal sealed class EnvironmentComparison
{
    private const string ExportRowType = "Output (export)";

    private readonly List<StackPair> _pairs;
    private readonly Dictionary<string, string> _changedExports = new(StringComparer.Ordinal);
    private readonly ResourceSchemas _schemas;

    /// <summary>Pairs the stacks of one environment by stack name.</summary>
    public EnvironmentComparison(ResourceSchemas schemas, IEnumerable<StackTemplate> before, IEnumerable<StackTemplate> after)
    {
        _schemas = schemas;
        var old = before.ToDictionary(s => s.Stack);
        var current = after.ToDictionary(s => s.Stack);
        _pairs = old.Keys.Union(current.Keys).Order(StringComparer.Ordinal)
            .Select(name => new StackPair(old.GetValueOrDefault(name), current.GetValueOrDefault(name)))
            .ToList();
    }

    /// <summary>The impact on every stack of the environment, in stack name order.</summary>
    public IEnumerable<StackImpact> Run()
    {
        Propagate();
        var rows = _pairs.ToDictionary(p => p, Rows);
        FlagExportsInUse(rows);
        FlagNameCollisions(rows);
        return _pairs.Select(p => p.ToImpact(rows[p]));
    }

    private ResourceClassifier Classifier(StackPair pair) => new(_schemas, reference => CauseOf(pair, reference));

    private string? CauseOf(StackPair pair, TemplateReference reference)
        => reference.IsImport
            ? _changedExports.GetValueOrDefault(reference.Target)
            : pair.Replaced.Contains(reference.Target) ? $"{reference.Target} is replaced" : null;

    private void Propagate()
    {
        bool grew;
        do
        {
            grew = false;
            foreach (var pair in _pairs.Where(p => p.Before is not null && p.After is not null))
            {
                var classifier = Classifier(pair);
                foreach (var (id, after) in pair.AfterResources)
                {
                    if (!pair.Replaced.Contains(id) && pair.BeforeResources.TryGetValue(id, out var before)
                        && classifier.Classify(before, after)?.Action == ResourceAction.Replaced)
                    {
                        grew |= pair.Replaced.Add(id);
                    }
                }

                foreach (var (_, name, value) in Exports(pair.After!.Template))
                {
                    var old = Exports(pair.Before!.Template).FirstOrDefault(e => e.Name == name);
                    if (old.Name is not null && !_changedExports.ContainsKey(name)
                        && PropertyDiff.Compare(old.Value, value, r => CauseOf(pair, r)).Count > 0)
                    {
                        _changedExports[name] = $"export {name} of {pair.Name} changes";
                        grew = true;
                    }
                }
            }
        }
        while (grew);
    }

    private List<Row> Rows(StackPair pair)
    {
        if (pair.After is null)
        {
            return pair.BeforeResources.Select(r => new Row(r.Key, r.Value, ResourceAction.Removed,
                [$"stack no longer in the app: cdk deploy leaves it deployed; when it is deleted: {ResourceRules.Fate(r.Value, "DeletionPolicy")}"])).ToList();
        }

        var rows = pair.AfterResources.Where(r => !pair.BeforeResources.ContainsKey(r.Key))
            .Select(r => new Row(r.Key, r.Value, ResourceAction.Added, []))
            .Concat(pair.BeforeResources.Where(r => !pair.AfterResources.ContainsKey(r.Key))
                .Select(r => new Row(r.Key, r.Value, ResourceAction.Removed, [ResourceRules.Fate(r.Value, "DeletionPolicy"), .. OptionalSideEffect(r.Value)])))
            .ToList();
        var classifier = Classifier(pair);
        foreach (var (id, after) in pair.AfterResources)
        {
            if (pair.BeforeResources.TryGetValue(id, out var before) && classifier.Classify(before, after) is { } verdict)
            {
                var row = new Row(id, after, verdict.Action, [.. verdict.Reasons]) { DeployFails = verdict.DeployFails };
                if (verdict.Action == ResourceAction.Updated && (string?)after["Type"] == SageMakerDeployment.EndpointType
                    && SageMakerDeployment.AutoscalingConflict(id, pair.BeforeResources, pair.AfterResources) is { } conflict)
                {
                    row.Reasons.Insert(0, conflict);
                    row.DeployFails = true;
                }

                if (verdict.Action == ResourceAction.Updated
                    && RolloutCapacity.Of(id, after, pair.AfterResources, PropertyDiff.Compare(before["Properties"], after["Properties"], r => CauseOf(pair, r))) is { } need)
                {
                    row.Reasons.Add(need.Describe());
                    row.Capacity = need;
                }

                rows.Add(row);
            }
        }

        return rows;
    }

    // CloudFormation refuses to change or delete an export that another stack imports ("Export ... cannot be updated
    // as it is in use by ..."), and the exporting stack deploys first: the importer still reads the old value.
    private void FlagExportsInUse(Dictionary<StackPair, List<Row>> rows)
    {
        var importers = _pairs.Where(p => p.Before is not null)
            .SelectMany(p => TemplateReferences.Find(p.Before!.Template).Where(r => r.IsImport).Select(r => (Export: r.Target, Importer: p.Name)))
            .ToLookup(i => i.Export, i => i.Importer);
        foreach (var pair in _pairs.Where(p => p.Before is not null && p.After is not null))
        {
            foreach (var (outputId, name, oldValue) in Exports(pair.Before!.Template))
            {
                var users = importers[name].Where(i => i != pair.Name).Distinct().ToList();
                var current = Exports(pair.After!.Template).FirstOrDefault(e => e.Name == name);
                var difference = current.Name is null ? null : PropertyDiff.Compare(oldValue, current.Value, r => CauseOf(pair, r)).SelectMany(c => c.Causes.DefaultIfEmpty("a new value")).Distinct().ToList();
                var change = difference is null ? "is removed" : difference.Count > 0 ? $"changes ({string.Join(", ", difference)})" : null;
                if (users.Count > 0 && change is not null)
                {
                    var reason = $"export {name} {change} while {string.Join(", ", users)} imports it: CloudFormation rejects changing an export in use; stop importing it first";
                    rows[pair].Add(new Row(outputId, ExportRowType, ResourceAction.Updated, [reason]) { DeployFails = true });
                }
            }
        }
    }

    // A removed resource is deleted only after the new ones are created (and a stack that left the app is not
    // deleted by cdk deploy at all), so a new resource cannot take over its custom name in the same deployment.
    private void FlagNameCollisions(Dictionary<StackPair, List<Row>> rows)
    {
        var classifier = new ResourceClassifier(_schemas, _ => null);
        var taken = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in _pairs)
        {
            foreach (var (id, resource) in pair.BeforeResources.Where(r => !pair.AfterResources.ContainsKey(r.Key)))
            {
                if (classifier.NameKey(resource) is { } key)
                {
                    taken[key] = pair.After is null
                        ? $"{pair.Name}/{id}, whose stack left the app (cdk deploy does not delete it)"
                        : $"{pair.Name}/{id}, which is deleted only after new resources are created";
                }
            }
        }

        foreach (var pair in _pairs)
        {
            foreach (var row in rows[pair].Where(r => r.Action == ResourceAction.Added))
            {
                if (classifier.NameKey(row.Resource!) is { } key && taken.TryGetValue(key, out var holder))
                {
                    row.Reasons.Insert(0, $"{classifier.NameOf(row.Resource!)} is still taken by {holder}: creating it fails");
                    row.DeployFails = true;
                }
            }
        }
    }

    private static IEnumerable<string> OptionalSideEffect(JsonObject resource)
        => ResourceRules.SideEffect(resource) is { } text ? [text] : [];

    private static IEnumerable<(string OutputId, string Name, JsonNode? Value)> Exports(JsonObject template)
        => (template["Outputs"] as JsonObject ?? [])
            .Where(o => o.Value?["Export"]?["Name"] is JsonValue)
            .Select(o => (o.Key, (string)o.Value!["Export"]!["Name"]!, o.Value!["Value"]));

    private sealed class StackPair(StackTemplate? before, StackTemplate? after)
    {
        public StackTemplate? Before { get; } = before;

        public StackTemplate? After { get; } = after;

        public Dictionary<string, JsonObject> BeforeResources { get; } = Resources(before);

        public Dictionary<string, JsonObject> AfterResources { get; } = Resources(after);

        /// <summary>Logical ids of this stack's replaced resources: references to them change value.</summary>
        public HashSet<string> Replaced { get; } = new(StringComparer.Ordinal);

        public string Environment => (Before ?? After)!.Environment;

        public string Stack => (Before ?? After)!.Stack;

        public string Name => Environment.Length == 0 ? Stack : $"{Environment}/{Stack}";

        public StackImpact ToImpact(List<Row> rows)
        {
            var change = Before is null ? StackChange.New
                : After is null ? StackChange.Removed
                : rows.Count > 0 ? StackChange.Changed
                : StackChange.Unchanged;
            var impacts = rows.Select(r => r.ToImpact())
                .OrderByDescending(r => r.Flags.Count)
                .ThenByDescending(r => r.Action)
                .ThenBy(r => r.LogicalId, StringComparer.Ordinal)
                .ToList();
            return new StackImpact(Environment, Stack, change, impacts, [.. rows.Select(r => r.Capacity).OfType<CapacityNeed>()]);
        }

        private static Dictionary<string, JsonObject> Resources(StackTemplate? stack)
            => (stack?.Template["Resources"] as JsonObject ?? [])
                .Where(r => !ResourceRules.IsIgnored((string)r.Value!["Type"]!))
                .ToDictionary(r => r.Key, r => r.Value!.AsObject(), StringComparer.Ordinal);
    }

    private sealed class Row
    {
        public Row(string logicalId, JsonObject resource, ResourceAction action, List<string> reasons)
            : this(logicalId, (string)resource["Type"]!, action, reasons) => Resource = resource;

        public Row(string logicalId, string type, ResourceAction action, List<string> reasons)
        {
            LogicalId = logicalId;
            Type = type;
            Action = action;
            Reasons = reasons;
        }

        public string LogicalId { get; }

        public string Type { get; }

        public JsonObject? Resource { get; }

        public ResourceAction Action { get; }

        public List<string> Reasons { get; }

        public bool DeployFails { get; set; }

        public CapacityNeed? Capacity { get; set; }

        public ResourceImpact ToImpact()
        {
            var flags = new List<ImpactFlag>();
            var destructive = Action is ResourceAction.Replaced or ResourceAction.MayBeReplaced or ResourceAction.Removed;
            if (destructive && ResourceRules.StatefulTypes.Contains(Type))
            {
                flags.Add(ImpactFlag.DataRisk);
            }

            if (destructive && ResourceRules.ServingTypes.Contains(Type))
            {
                flags.Add(ImpactFlag.Downtime);
            }

            if (DeployFails)
            {
                flags.Add(ImpactFlag.DeployFails);
            }

            return new ResourceImpact(LogicalId, Type, Action, Reasons, flags);
        }
    }
}
