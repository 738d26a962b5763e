using System.Text.RegularExpressions;
using Amazon.CDK.AWS.EC2;
using Constructs;
using LlmHosting.Constructs.Network;

namespace LlmHosting.App.Configuration;

/// <summary>
/// The environment's VPC (<c>network</c>), described by its ids so that synthesis looks nothing up: every SageMaker endpoint
/// of the environment runs in its subnets, and with <see cref="PrivateInvocation"/> clients in the VPC reach the models
/// through interface VPC endpoints whose policies name exactly the environment's endpoints and models.
/// </summary>
public sealed partial record NetworkConfig
{
    internal const string Path = "network";

    /// <summary>The VPC's id, <c>vpc-</c> and 8 or 17 hexadecimal digits.</summary>
    public string VpcId { get; init; } = "";

    /// <summary>The VPC's CIDR block, for example <c>10.0.0.0/16</c> (the interface endpoints admit HTTPS from it).</summary>
    public string CidrBlock { get; init; } = "";

    /// <summary>The Availability Zones of <see cref="SubnetIds"/>, one per subnet, in the same order.</summary>
    public List<string> AvailabilityZones { get; init; } = [];

    /// <summary>The subnets the endpoints and the interface endpoints use, in at least two Availability Zones.</summary>
    public List<string> SubnetIds { get; init; } = [];

    /// <summary>The route table of each subnet, in the same order (the S3 gateway endpoint is added to them).</summary>
    public List<string> RouteTableIds { get; init; } = [];

    /// <summary>True when the subnets reach the internet through a NAT gateway; false for isolated subnets. Default: false.</summary>
    public bool SubnetsHaveInternet { get; init; }

    /// <summary>Create the interface VPC endpoints of the SageMaker runtime (and of the Bedrock runtime when the environment uses Bedrock). Default: true.</summary>
    public bool PrivateInvocation { get; init; } = true;

    /// <summary>Add an S3 gateway endpoint to the subnets' route tables, for weights read from isolated subnets. Default: true.</summary>
    public bool S3GatewayEndpoint { get; init; } = true;

    internal void Validate(ICollection<string> problems)
    {
        if (!VpcIdPattern().IsMatch(VpcId))
        {
            problems.Add($"{Path}.vpcId '{VpcId}' is not a VPC id (vpc- and 8 or 17 hexadecimal digits)");
        }

        if (!CidrPattern().IsMatch(CidrBlock))
        {
            problems.Add($"{Path}.cidrBlock '{CidrBlock}' is not an IPv4 CIDR block (for example 10.0.0.0/16)");
        }

        if (SubnetIds.Count == 0)
        {
            problems.Add($"{Path}.subnetIds is empty: the endpoints and the VPC endpoints need subnets (at least two, in two Availability Zones)");
        }

        foreach (var subnet in SubnetIds.Where(s => !SubnetIdPattern().IsMatch(s)))
        {
            problems.Add($"{Path}.subnetIds '{subnet}' is not a subnet id (subnet- and 8 or 17 hexadecimal digits)");
        }

        if (AvailabilityZones.Count != SubnetIds.Count)
        {
            problems.Add($"{Path}.availabilityZones lists {AvailabilityZones.Count} zones for {SubnetIds.Count} subnets; give each subnet's zone, in the same order");
        }

        if (S3GatewayEndpoint && RouteTableIds.Count != SubnetIds.Count)
        {
            problems.Add($"{Path}.routeTableIds lists {RouteTableIds.Count} route tables for {SubnetIds.Count} subnets; the S3 gateway endpoint needs each subnet's, in the same order");
        }
    }

    /// <summary>The VPC, imported from its ids (no lookup).</summary>
    internal IVpc ImportVpc(Construct scope, string id) => Vpc.FromVpcAttributes(scope, id, new VpcAttributes
    {
        VpcId = VpcId,
        VpcCidrBlock = CidrBlock,
        AvailabilityZones = AvailabilityZones.ToArray(),
        PrivateSubnetIds = SubnetsHaveInternet ? SubnetIds.ToArray() : null,
        PrivateSubnetRouteTableIds = SubnetsHaveInternet && RouteTableIds.Count > 0 ? RouteTableIds.ToArray() : null,
        IsolatedSubnetIds = SubnetsHaveInternet ? null : SubnetIds.ToArray(),
        IsolatedSubnetRouteTableIds = !SubnetsHaveInternet && RouteTableIds.Count > 0 ? RouteTableIds.ToArray() : null,
    });

    /// <summary>The subnets every endpoint uses.</summary>
    internal SubnetSelection Subnets => new() { SubnetType = SubnetsHaveInternet ? SubnetType.PRIVATE_WITH_EGRESS : SubnetType.PRIVATE_ISOLATED };

    internal PrivateInvocationEndpointsProps ToProps(IVpc vpc, bool bedrock) => new()
    {
        Vpc = vpc,
        Subnets = Subnets,
        S3GatewayEndpoint = S3GatewayEndpoint,
        BedrockRuntime = bedrock,
    };

    /// <summary>Where the VPC endpoints' props come from, for messages.</summary>
    internal static PropsKeys Keys { get; } = new(Path,
    [
        new(nameof(PrivateInvocationEndpointsProps.Subnets), $"{Path}.subnetIds"),
        new(nameof(PrivateInvocationEndpointsProps.S3GatewayEndpoint), $"{Path}.routeTableIds"),
    ]);

    [GeneratedRegex("^vpc-([0-9a-f]{8}|[0-9a-f]{17})$", RegexOptions.CultureInvariant)]
    private static partial Regex VpcIdPattern();

    [GeneratedRegex("^subnet-([0-9a-f]{8}|[0-9a-f]{17})$", RegexOptions.CultureInvariant)]
    private static partial Regex SubnetIdPattern();

    [GeneratedRegex(@"^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}/([0-9]|[12]\d|3[0-2])$", RegexOptions.CultureInvariant)]
    private static partial Regex CidrPattern();
}
