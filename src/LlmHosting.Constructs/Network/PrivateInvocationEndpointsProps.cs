using Amazon.CDK.AWS.EC2;

namespace LlmHosting.Constructs.Network;

/// <summary>Properties of <see cref="PrivateInvocationEndpoints"/>.</summary>
public sealed class PrivateInvocationEndpointsProps
{
    /// <summary>The VPC the clients and the endpoints run in. An imported VPC needs its CIDR block (the endpoints' security group admits it).</summary>
    public required IVpc Vpc { get; init; }

    /// <summary>Subnets of the interface endpoints' network interfaces, one per Availability Zone. Default: the VPC's private subnets.</summary>
    public SubnetSelection? Subnets { get; init; }

    /// <summary>Security groups of the interface endpoints. Default: a new group that admits HTTPS from the VPC's CIDR block.</summary>
    public ISecurityGroup[]? SecurityGroups { get; init; }

    /// <summary>
    /// Add an S3 gateway endpoint to the subnets' route tables, through which models in isolated subnets read their weights
    /// (gateway endpoints cost nothing). Default: true.
    /// </summary>
    public bool? S3GatewayEndpoint { get; init; }

    /// <summary>Add an interface endpoint for the Bedrock runtime, for Bedrock models. Default: false.</summary>
    public bool? BedrockRuntime { get; init; }

    /// <summary>
    /// Let calls with bearer tokens through (<c>sagemaker:CallWithBearerToken</c>, and <c>bedrock:CallWithBearerToken</c> with
    /// <see cref="BedrockRuntime"/>, on <c>*</c>: the actions support no resource type). Whether a VPC endpoint policy is
    /// evaluated for these actions is UNCONFIRMED; they grant nothing by themselves. Default: true.
    /// </summary>
    public bool? AllowBearerTokens { get; init; }
}
