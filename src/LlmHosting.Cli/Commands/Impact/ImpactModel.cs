namespace LlmHosting.Cli.Commands.Impact;

/// <summary>What a deployment does to one resource.</summary>
internal enum ResourceAction
{
    /// <summary>Created.</summary>
    Added,

    /// <summary>Updated without a new physical resource.</summary>
    Updated,

    /// <summary>A custom resource whose handler receives an update and decides what it means.</summary>
    CustomUpdate,

    /// <summary>A conditionally create-only property changed, or the type has no schema: replacement is possible.</summary>
    MayBeReplaced,

    /// <summary>A new physical resource replaces the old one (create-only property changed).</summary>
    Replaced,

    /// <summary>No longer in the template (or its stack is gone from the app).</summary>
    Removed,
}

/// <summary>What a reviewer must look at before approving.</summary>
internal enum ImpactFlag
{
    /// <summary>A stateful resource (weights bucket, imported model, key, logs...) is replaced or removed.</summary>
    DataRisk,

    /// <summary>A serving resource (endpoint, inference component) is replaced or removed.</summary>
    Downtime,

    /// <summary>CloudFormation will reject the change (custom name kept on replacement, name still taken, changed ServiceToken or export in use...).</summary>
    DeployFails,
}

/// <summary>One row of the report.</summary>
/// <param name="Reasons">Why: the changed properties and what happens to the old resource, most important first.</param>
internal sealed record ResourceImpact(string LogicalId, string Type, ResourceAction Action, IReadOnlyList<string> Reasons, IReadOnlyList<ImpactFlag> Flags);

/// <summary>How a stack differs between the two assemblies.</summary>
internal enum StackChange
{
    /// <summary>Same resources, same values.</summary>
    Unchanged,

    /// <summary>Some resources change.</summary>
    Changed,

    /// <summary>Only in the new assembly.</summary>
    New,

    /// <summary>Only in the old assembly.</summary>
    Removed,
}

/// <summary>The impact on one stack, <c>&lt;environment&gt;/&lt;stack&gt;</c>.</summary>
/// <param name="Capacity">The extra instances each endpoint or component rollout of the stack needs at its peak.</param>
internal sealed record StackImpact(string Environment, string Stack, StackChange Change, IReadOnlyList<ResourceImpact> Resources, IReadOnlyList<CapacityNeed> Capacity)
{
    /// <summary>
    /// The extra instances by type if every rollout of the stack peaks at once (CloudFormation updates independent
    /// resources in parallel): "1 x ml.p5e.48xlarge, up to 2 x ml.g6e.12xlarge (component copies)"; null without rollouts.
    /// </summary>
    public string? PeakExtraInstances => Capacity.Count == 0 ? null : string.Join(", ", Capacity
        .GroupBy(c => c.InstanceType, StringComparer.Ordinal)
        .OrderBy(g => g.Key, StringComparer.Ordinal)
        .Select(g => (Sure: g.Where(c => !c.AtMost).Sum(c => c.Instances), Maybe: g.Where(c => c.AtMost).Sum(c => c.Instances), Type: g.Key))
        .Select(t => t.Sure > 0
            ? $"{t.Sure} x {t.Type}" + (t.Maybe > 0 ? $" (and up to {t.Maybe} more for component copies)" : "")
            : $"up to {t.Maybe} x {t.Type} (component copies)"));

    /// <summary>The stack's display name, as in the cloud assembly (<c>dev/Serving</c>).</summary>
    public string Name => Environment.Length == 0 ? Stack : $"{Environment}/{Stack}";
}

/// <summary>The whole comparison.</summary>
/// <param name="Before">Label of the old side ("test/.../Snapshots (snapshots)").</param>
/// <param name="After">Label of the new side.</param>
/// <param name="RulesSource">Where the replacement rules came from.</param>
internal sealed record ImpactReport(string Before, string After, string RulesSource, IReadOnlyList<StackImpact> Stacks)
{
    /// <summary>Every row of every stack.</summary>
    public IEnumerable<ResourceImpact> Resources => Stacks.SelectMany(s => s.Resources);

    /// <summary>True when any resource carries a flag (what <c>--fail-on risk</c> fails on).</summary>
    public bool HasFlags => Resources.Any(r => r.Flags.Count > 0);

    /// <summary>Resources that carry <paramref name="flag"/>.</summary>
    public int Count(ImpactFlag flag) => Resources.Count(r => r.Flags.Contains(flag));

    /// <summary>Resources that get <paramref name="action"/>.</summary>
    public int Count(ResourceAction action) => Resources.Count(r => r.Action == action);
}
