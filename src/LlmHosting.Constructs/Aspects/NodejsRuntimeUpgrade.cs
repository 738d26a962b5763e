using Amazon.CDK;
using Amazon.CDK.AWS.Lambda;
using Amazon.JSII.Runtime.Deputy;
using Constructs;
using LlmHosting.Constructs.Validation;

namespace LlmHosting.Constructs.Aspects;

/// <summary>
/// Raises every Node.js Lambda function below the scope it is applied to onto a runtime that can still be
/// created. CDK 2.160 gives its own helper functions (the custom resource <c>Provider</c> framework,
/// <c>autoDeleteObjects</c>, log retention...) <c>nodejs20.x</c> or older, which AWS no longer accepts for new
/// functions. Both <see cref="CfnFunction"/> resources and the raw <c>AWS::Lambda::Function</c> resources
/// of <see cref="CustomResourceProviderBase"/> are handled, in stacks with a region (a literal runtime) and without
/// one (what <c>cdk init</c> makes: the runtime is <c>Fn::FindInMap</c> over CDK's <c>LatestNodeRuntimeMap</c>,
/// whose rows are raised). The library's own constructs need no aspect; this one is for the functions CDK adds
/// itself, for example for <c>autoDeleteObjects</c>.
/// </summary>
/// <example><code>Aspects.Of(app).Add(new NodejsRuntimeUpgrade());</code></example>
public sealed class NodejsRuntimeUpgrade : DeputyBase, IAspect
{
    /// <summary>
    /// The runtime used when none is given: <c>nodejs24.x</c>, the newest Node.js runtime (deprecated 2028-04-30;
    /// <c>nodejs22.x</c> is deprecated 2027-04-30: cfn-lint's data/AdditionalSpecs/LmbdRuntimeLifecycle.json). cdk-nag's
    /// AwsSolutions-L1 accepts only the newest runtime of a family. CDK 2.160's helper handlers are async functions, which
    /// Node.js 24 (no callback-style handlers) runs.
    /// </summary>
    public const string DefaultRuntime = "nodejs24.x";

    private readonly string _runtime;
    private readonly int _minimumMajor;

    /// <summary>Creates the aspect.</summary>
    /// <param name="runtime">
    /// The Node.js runtime to move older functions to, for example <c>nodejs22.x</c> or <c>nodejs24.x</c>.
    /// Default: <see cref="DefaultRuntime"/>.
    /// </param>
    public NodejsRuntimeUpgrade(string runtime = DefaultRuntime)
    {
        _minimumMajor = ParseMajor(runtime)
            ?? throw new ArgumentException($"'{runtime}' is not a Node.js Lambda runtime name like 'nodejs22.x'.", nameof(runtime));
        _runtime = runtime;
    }

    /// <inheritdoc />
    public void Visit(IConstruct node)
    {
        switch (node)
        {
            case CfnFunction function when NeedsUpgrade(function.Runtime):
                function.Runtime = _runtime;
                break;
            case CfnResource { CfnResourceType: "AWS::Lambda::Function" } resource
                when resource.Node.Scope is CustomResourceProviderBase:
                // CustomResourceProviderBase only supports Node.js runtimes and exposes no typed property.
                resource.AddPropertyOverride("Runtime", _runtime);
                // Its DependsOn on the role repeats what the Fn::GetAtt of the role already orders
                // (cfn-lint W3005); dropping it changes nothing in deployment order.
                resource.AddDeletionOverride("DependsOn");
                break;
            case CfnMapping mapping when LatestNodeRuntimeMapping.Is(mapping):
                // The functions read this mapping through a token, which cannot be compared with a runtime name;
                // its rows can, and every reader of the mapping is a Node.js function.
                foreach (var (region, runtime) in LatestNodeRuntimeMapping.Rows(Stack.Of(mapping)))
                {
                    if (NeedsUpgrade(runtime))
                    {
                        mapping.SetValue(region, LatestNodeRuntimeMapping.Key, _runtime);
                    }
                }

                break;
        }
    }

    private bool NeedsUpgrade(string? runtime)
        => runtime is not null && !Tokens.IsUnresolved(runtime) && ParseMajor(runtime) is { } major && major < _minimumMajor;

    private static int? ParseMajor(string runtime)
    {
        const string prefix = "nodejs";
        if (!runtime.StartsWith(prefix, StringComparison.Ordinal) || !runtime.EndsWith(".x", StringComparison.Ordinal))
        {
            return null;
        }

        return int.TryParse(runtime.AsSpan(prefix.Length, runtime.Length - prefix.Length - 2), out var major) ? major : null;
    }
}
