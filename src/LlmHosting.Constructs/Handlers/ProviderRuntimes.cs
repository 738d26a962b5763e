using Amazon.CDK;
using Amazon.CDK.AWS.Lambda;
using Amazon.CDK.CustomResources;
using Constructs;
using LlmHosting.Constructs.Aspects;

namespace LlmHosting.Constructs.Handlers;

/// <summary>
/// Creates CDK <see cref="Provider"/> frameworks whose Node.js functions run on a runtime AWS still accepts, so that no
/// construct of the library needs <see cref="NodejsRuntimeUpgrade"/>. CDK 2.160's Provider gives its framework functions
/// (onEvent, isComplete, onTimeout) <c>lambda.determineLatestNodeRuntime(this)</c> and offers no property to choose
/// (custom-resources/lib/provider-framework/provider.js, <c>createFunction</c>): <c>nodejs20.x</c> in a stack with a
/// region, <c>Fn::FindInMap</c> over <see cref="LatestNodeRuntimeMapping"/> in a stack without one. Both are blocked for
/// new functions since 2026-06-01 (cfn-lint's data/AdditionalSpecs/LmbdRuntimeLifecycle.json, rule E2533).
/// </summary>
internal static class ProviderRuntimes
{
    /// <summary>
    /// A <see cref="Provider"/> whose framework functions run on <see cref="NodejsRuntimeUpgrade.DefaultRuntime"/>. When
    /// the Provider is what added the runtime mapping to the stack, the mapping is removed again: its only readers were
    /// the functions just raised, and a later reader makes CDK create it anew.
    /// </summary>
    internal static Provider Create(Construct scope, string id, IProviderProps props)
    {
        var stack = Stack.Of(scope);
        var mappingWasThere = LatestNodeRuntimeMapping.ExistsIn(stack);
        var provider = new Provider(scope, id, props);
        // The framework creates no other function: every one below the Provider is a Node.js framework function.
        foreach (var function in provider.Node.FindAll().OfType<CfnFunction>())
        {
            function.Runtime = NodejsRuntimeUpgrade.DefaultRuntime;
        }

        if (!mappingWasThere)
        {
            stack.Node.TryRemoveChild(LatestNodeRuntimeMapping.Id);
        }

        return provider;
    }
}
