using Amazon.CDK;
using Amazon.CDK.RegionInfo;
using Constructs;

namespace LlmHosting.Constructs.Aspects;

/// <summary>
/// The mapping CDK 2.160 adds to a stack without a region when one of its functions asks for the latest Node.js
/// runtime: <c>Stack.regionalFact(LATEST_NODE_RUNTIME)</c> calls <c>deployTimeLookup</c> (core/lib/private/region-lookup.js),
/// which creates the child <c>LatestNodeRuntimeMap</c> of the stack (the fact's name, capitalised, and <c>Map</c>), fills
/// one row per region of <see cref="RegionInfo.RegionMap"/> (or of <see cref="RegionInfo.LimitedRegionMap"/> when the
/// target-partitions context is set) under the key <c>value</c>, and gives the function <c>Fn::FindInMap</c> over it.
/// </summary>
internal static class LatestNodeRuntimeMapping
{
    /// <summary>The construct id (and so the logical id) of the mapping.</summary>
    internal static readonly string Id = char.ToUpperInvariant(FactName.LATEST_NODE_RUNTIME[0]) + FactName.LATEST_NODE_RUNTIME[1..] + "Map";

    /// <summary>The second-level key of every row.</summary>
    internal const string Key = "value";

    // cx-api's TARGET_PARTITIONS; aws-cdk-lib 2.160 exposes no constant for it in .NET.
    private const string TargetPartitionsContext = "@aws-cdk/core:target-partitions";

    /// <summary>Whether <paramref name="stack"/> has the mapping.</summary>
    internal static bool ExistsIn(Stack stack) => stack.Node.TryFindChild(Id) is CfnMapping;

    /// <summary>Whether <paramref name="node"/> is the mapping of its stack.</summary>
    internal static bool Is(IConstruct node) => node is CfnMapping && node.Node.Id == Id && node.Node.Scope is Stack;

    /// <summary>
    /// The rows CDK wrote into the mapping of <paramref name="stack"/>: the same region map <c>deployTimeLookup</c> used,
    /// so that a rewrite changes values and never adds regions.
    /// </summary>
    internal static IDictionary<string, string> Rows(Stack stack)
        => stack.Node.TryGetContext(TargetPartitionsContext) is object[] partitions
            ? RegionInfo.LimitedRegionMap(FactName.LATEST_NODE_RUNTIME, partitions.Select(p => p.ToString()!).ToArray())
            : RegionInfo.RegionMap(FactName.LATEST_NODE_RUNTIME);
}
