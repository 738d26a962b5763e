using LlmHosting.App.Configuration;
using LlmHosting.Constructs.Network;

namespace LlmHosting.App.Stacks;

/// <summary>
/// The network of a <see cref="ServingStack"/> (<c>network</c> in the configuration): the environment's VPC, imported from its
/// ids, in which every endpoint runs, and the VPC endpoints through which clients in it invoke exactly the environment's
/// endpoints, components and Bedrock models.
/// </summary>
internal static class ServingNetworkWiring
{
    /// <summary>The VPC placement of the endpoints, or null without <c>network</c>; creates the VPC endpoints when configured.</summary>
    internal static (ServingNetworkPlacement? Placement, PrivateInvocationEndpoints? Endpoints) Add(ServingStack stack, EnvironmentConfig config, ConstructProblems problems)
    {
        if (config.Network is not { } network)
        {
            return (null, null);
        }

        var vpc = network.ImportVpc(stack, ServingIds.Vpc);
        PrivateInvocationEndpoints? endpoints = null;
        if (network.PrivateInvocation)
        {
            var bedrock = config.BedrockModels.Count > 0 || config.ModelImports.Count > 0;
            endpoints = problems.Create(NetworkConfig.Keys, () => new PrivateInvocationEndpoints(stack, ServingIds.PrivateInvocation, network.ToProps(vpc, bedrock)));
        }
        else if (network.S3GatewayEndpoint)
        {
            vpc.AddGatewayEndpoint("S3", new Amazon.CDK.AWS.EC2.GatewayVpcEndpointOptions { Service = Amazon.CDK.AWS.EC2.GatewayVpcEndpointAwsService.S3 });
        }

        return (new ServingNetworkPlacement(vpc, network.Subnets), endpoints);
    }

    /// <summary>Lets the VPC endpoints invoke every model <paramref name="stack"/> has created.</summary>
    internal static void AllowModels(ServingStack stack, PrivateInvocationEndpoints? endpoints)
    {
        if (endpoints is null)
        {
            return;
        }

        foreach (var target in stack.Endpoints.Cast<LlmHosting.Constructs.Access.IOpenAiEndpoint>().Concat(stack.InferenceComponents))
        {
            endpoints.AllowInvoke(target);
        }

        var bedrockArns = stack.BedrockModels.Select(m => m.ModelArn).Concat(stack.ModelImports.Values.Select(i => i.ImportedModelArn)).ToList();
        if (endpoints.BedrockRuntime is not null && bedrockArns.Count > 0)
        {
            endpoints.AllowInvokeBedrock(bedrockArns);
        }
    }
}
