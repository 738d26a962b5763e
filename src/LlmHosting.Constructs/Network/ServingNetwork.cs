using Amazon.CDK.AWS.EC2;
using LlmHosting.Constructs.Sagemaker;
using LlmHosting.Constructs.Validation;

namespace LlmHosting.Constructs.Network;

/// <summary>
/// What an endpoint placed in a VPC needs from it, checked offline from the VPC's description (no lookup): subnets in two
/// Availability Zones, and a way to the weights. SageMaker guide "Give SageMaker AI Hosted Endpoints Access to Resources in
/// Your Amazon VPC": "You must create at least two subnets in different availability zones"; "If you configure your VPC so
/// that model containers don't have access to the internet, they can't connect to the Amazon S3 buckets that contain your
/// data unless you create a VPC endpoint that allows access". Isolated subnets (no NAT, CDK's <c>PRIVATE_ISOLATED</c>, or
/// <c>isolatedSubnetIds</c> of an imported VPC) have no internet; private subnets with egress and public subnets do.
/// </summary>
internal static class ServingNetwork
{
    /// <summary>Adds the problems of placing models that read <paramref name="sources"/> in <paramref name="selection"/> of <paramref name="vpc"/>.</summary>
    internal static void AddProblems(PropsProblems problems, string property, IVpc vpc, SubnetSelection? selection, IEnumerable<ModelSource> sources)
    {
        var p = Property.Ref(property);
        IReadOnlyList<ISubnet> subnets;
        try
        {
            subnets = vpc.SelectSubnets(selection).Subnets;
        }
        catch (Exception e)
        {
            // CDK (through jsii) throws when the VPC has no subnet of the selected type.
            problems.Add(property, $"{p}: the subnet selection matches no subnet ({e.Message.Split('\n')[0]})");
            return;
        }

        if (subnets.Count == 0)
        {
            problems.Add(property, $"{p}: the subnet selection matches no subnet");
            return;
        }

        var zones = subnets.Select(s => s.AvailabilityZone).Where(z => !Validation.Tokens.IsUnresolved(z)).Distinct().Count();
        if (zones == 1)
        {
            problems.Add(property, $"{p}: the selected subnets are all in {subnets[0].AvailabilityZone}; SageMaker needs subnets in at least two Availability Zones");
        }

        var isolatedIds = vpc.IsolatedSubnets.Select(s => s.SubnetId).ToHashSet(StringComparer.Ordinal);
        // A subnet of a VPC defined in the app has no id before deployment: its construct id names it.
        var isolated = subnets.Where(s => isolatedIds.Contains(s.SubnetId)).Select(s => Validation.Tokens.IsUnresolved(s.SubnetId) ? s.Node.Id : s.SubnetId).ToList();
        if (isolated.Count == 0)
        {
            return;
        }

        var names = string.Join(", ", isolated);
        foreach (var source in sources.DistinctBy(s => s.Describe()))
        {
            if (source.NeedsInternet)
            {
                problems.Add(property, $"{p}: the weights come from {source.Describe()}, which needs internet access, but the subnets {names} are isolated (no NAT); load the weights from the model bucket or use subnets with egress");
            }
            else if (!HasS3GatewayEndpoint(vpc))
            {
                problems.Add(property, $"{p}: the weights come from {source.Describe()}, but the subnets {names} are isolated (no NAT) and the VPC has no S3 gateway endpoint; add an S3 gateway endpoint to the VPC");
            }
        }
    }

    /// <summary>True when the VPC construct holds an S3 gateway endpoint (made by <see cref="PrivateInvocationEndpoints"/>, <c>AddGatewayEndpoint</c> or the VPC's own <c>GatewayEndpoints</c>).</summary>
    internal static bool HasS3GatewayEndpoint(IVpc vpc)
        => vpc.Node.FindAll().Any(c => c is CfnVPCEndpoint endpoint
                                       && (endpoint.VpcEndpointType ?? "Gateway") == "Gateway"
                                       && endpoint.ServiceName.EndsWith(".s3", StringComparison.Ordinal));
}
