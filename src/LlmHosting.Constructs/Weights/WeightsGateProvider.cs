using Amazon.CDK;
using Amazon.CDK.AWS.IAM;
using Amazon.CDK.AWS.Lambda;
using Amazon.CDK.CustomResources;
using Constructs;
using LlmHosting.Constructs.Handlers;

namespace LlmHosting.Constructs.Weights;

/// <summary>The one gate handler of a stack: a .NET function behind the CDK Provider framework, with a role every gate adds its prefix to.</summary>
internal sealed class WeightsGateProvider : Construct
{
    private const string HandlerType = "LlmHosting.Lambda.WeightsGate.Handler";

    internal WeightsGateProvider(Construct scope, string id)
        : base(scope, id)
    {
        Role = new Role(this, "HandlerRole", new RoleProps
        {
            Description = "Checks model weight folders before the models that read them are deployed.",
            AssumedBy = new ServicePrincipal("lambda.amazonaws.com"),
            ManagedPolicies = [ManagedPolicy.FromAwsManagedPolicyName("service-role/AWSLambdaBasicExecutionRole")],
        });
        var handler = new Function(this, "Handler", new FunctionProps
        {
            Runtime = HandlerCode.Runtime,
            Handler = HandlerCode.HandlerName(HandlerType, "OnEvent"),
            Code = HandlerCode.Get(),
            Role = Role,
            Architecture = Architecture.ARM_64,
            MemorySize = 512,
            // A listing of a few hundred keys and a few small reads; S3 retries included, well under a minute.
            Timeout = Duration.Minutes(2),
            Description = "Checks a model weight folder (llmhost validate-model's rules) before models or imports read it.",
        });
        ServiceToken = ProviderRuntimes.Create(this, "Provider", new ProviderProps { OnEventHandler = handler }).ServiceToken;
        CfnLint.IgnoreRedundantRoleDependencies(this);
    }

    internal IRole Role { get; }

    internal string ServiceToken { get; }

    internal void DependOnGrants(IConstruct resource)
    {
        if (Role.Node.TryFindChild("DefaultPolicy") is IConstruct policy)
        {
            resource.Node.AddDependency(policy);
        }
    }
}
