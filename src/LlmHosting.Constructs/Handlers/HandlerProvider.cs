using Amazon.CDK;
using Amazon.CDK.AWS.IAM;
using Constructs;

namespace LlmHosting.Constructs.Handlers;

/// <summary>
/// One .NET handler of <c>lambda/Handlers</c> behind the CDK Provider framework (onEvent only), with a role that every
/// resource it serves adds its grants to: the provider of the weights gates and of the endpoint scaling resources of a
/// stack. Created once per stack under a container construct of the caller's choice (<see cref="Of"/>). Its log groups
/// take the <see cref="Logs.LogGroupOptions"/> defaults of the stack.
/// </summary>
internal sealed class HandlerProvider : Construct
{
    private HandlerProvider(Construct scope, string id, string handlerType, string roleDescription, string functionDescription, Duration timeout)
        : base(scope, id)
    {
        Role = HandlerFunctions.NewRole(this, "HandlerRole", roleDescription);
        var handler = HandlerFunctions.Create(
            this, "Handler", HandlerCode.HandlerName(handlerType, "OnEvent"), HandlerCode.Get(), Role, timeout, functionDescription, logs: null);
        ServiceToken = ProviderFramework.Create(this, "Provider", handler, logs: null).ServiceToken;
        CfnLint.IgnoreRedundantRoleDependencies(this);
    }

    /// <summary>The handler's role.</summary>
    internal IRole Role { get; }

    /// <summary>The service token of the custom resources the handler serves.</summary>
    internal string ServiceToken { get; }

    /// <summary>The provider under <paramref name="container"/> (child id <c>Provider</c>), created on first use.</summary>
    /// <param name="container">The stack-wide container construct of the resources the handler serves.</param>
    /// <param name="handlerType">The handler class, for example <c>LlmHosting.Lambda.WeightsGate.Handler</c>.</param>
    /// <param name="roleDescription">Description of the role.</param>
    /// <param name="functionDescription">Description of the function.</param>
    /// <param name="timeout">The function's timeout: the handler's worst case, retries included.</param>
    internal static HandlerProvider Of(Construct container, string handlerType, string roleDescription, string functionDescription, Duration timeout)
        => container.Node.TryFindChild("Provider") as HandlerProvider
           ?? new HandlerProvider(container, "Provider", handlerType, roleDescription, functionDescription, timeout);

    /// <summary>Makes <paramref name="resource"/> wait for the grants of the handler's role.</summary>
    internal void DependOnGrants(IConstruct resource)
    {
        if (Role.Node.TryFindChild("DefaultPolicy") is IConstruct policy)
        {
            resource.Node.AddDependency(policy);
        }
    }
}
