using Amazon.CDK.AWS.EC2;
using Amazon.CDK.AWS.IAM;
using Amazon.JSII.Runtime.Deputy;
using Constructs;
using LlmHosting.Constructs.Access;
using LlmHosting.Constructs.Bedrock.OnDemand;
using LlmHosting.Constructs.Sagemaker.Components;
using LlmHosting.Constructs.Validation;

namespace LlmHosting.Constructs.Network;

/// <summary>
/// Private invocation from a VPC: an interface VPC endpoint for the SageMaker runtime (<c>com.amazonaws.&lt;region&gt;.sagemaker.runtime</c>,
/// SageMaker guide "Connect to SageMaker Within your VPC"), optionally one for the Bedrock runtime
/// (<c>com.amazonaws.&lt;region&gt;.bedrock-runtime</c>), and an S3 gateway endpoint for weights read from isolated subnets.
/// Each interface endpoint's policy allows invoking exactly the endpoints, components and models added with
/// <see cref="AllowInvoke"/> and <see cref="AllowInvokeBedrock"/>; synthesis fails when one allows nothing, since an
/// endpoint without a policy would allow everything. With private DNS (the default), clients keep using the public
/// runtime URLs, which resolve to the endpoints inside the VPC.
/// </summary>
public sealed class PrivateInvocationEndpoints : Construct
{
    private readonly bool _bearerTokens;
    private readonly List<string> _sageMakerArns = [];
    private readonly List<string> _bedrockArns = [];

    /// <summary>Creates the endpoints, or throws <see cref="PropsValidationException"/> naming every problem.</summary>
    /// <param name="scope">Parent construct.</param>
    /// <param name="id">Construct id.</param>
    /// <param name="props">The VPC, the subnets and which endpoints to create.</param>
    public PrivateInvocationEndpoints(Construct scope, string id, PrivateInvocationEndpointsProps props)
        : base(scope, id)
    {
        ArgumentNullException.ThrowIfNull(props);
        ArgumentNullException.ThrowIfNull(props.Vpc, nameof(props.Vpc));
        _bearerTokens = props.AllowBearerTokens ?? true;
        var subnets = Validate(props);

        SageMakerRuntime = new InterfaceVpcEndpoint(this, "SageMakerRuntime", new InterfaceVpcEndpointProps
        {
            Vpc = props.Vpc,
            Service = new InterfaceVpcEndpointAwsService("sagemaker.runtime"),
            Subnets = props.Subnets,
            SecurityGroups = props.SecurityGroups,
            PrivateDnsEnabled = true,
        });
        SageMakerRuntime.Node.AddValidation(new NotEmpty("SageMaker runtime", _sageMakerArns));

        if (props.BedrockRuntime == true)
        {
            BedrockRuntime = new InterfaceVpcEndpoint(this, "BedrockRuntime", new InterfaceVpcEndpointProps
            {
                Vpc = props.Vpc,
                Service = new InterfaceVpcEndpointAwsService("bedrock-runtime"),
                Subnets = props.Subnets,
                SecurityGroups = props.SecurityGroups,
                PrivateDnsEnabled = true,
            });
            BedrockRuntime.Node.AddValidation(new NotEmpty("Bedrock runtime", _bedrockArns));
        }

        if (props.S3GatewayEndpoint ?? true)
        {
            // A child of the VPC, where the serving constructs look for an S3 route (ServingNetwork).
            S3 = props.Vpc.AddGatewayEndpoint(Node.Path.Replace('/', '-') + "-S3", new GatewayVpcEndpointOptions
            {
                Service = GatewayVpcEndpointAwsService.S3,
                Subnets = [new SubnetSelection { Subnets = subnets }],
            });
        }
    }

    /// <summary>The SageMaker runtime's interface endpoint.</summary>
    public InterfaceVpcEndpoint SageMakerRuntime { get; }

    /// <summary>The Bedrock runtime's interface endpoint, or null unless <see cref="PrivateInvocationEndpointsProps.BedrockRuntime"/>.</summary>
    public InterfaceVpcEndpoint? BedrockRuntime { get; }

    /// <summary>The S3 gateway endpoint, or null when <see cref="PrivateInvocationEndpointsProps.S3GatewayEndpoint"/> is false.</summary>
    public GatewayVpcEndpoint? S3 { get; }

    /// <summary>
    /// Allows invoking <paramref name="target"/> through the SageMaker runtime endpoint: <see cref="InvokeActions.Invoke"/> on
    /// its endpoint's ARN, and on its own ARN for an inference component (InvokeEndpoint authorizes both).
    /// </summary>
    /// <param name="target">An endpoint or inference component.</param>
    public void AllowInvoke(IOpenAiEndpoint target)
    {
        ArgumentNullException.ThrowIfNull(target);
        var arns = target is InferenceComponent component ? [target.EndpointArn, component.InferenceComponentArn] : new[] { target.EndpointArn };
        AddStatements(SageMakerRuntime, InvokeActions.Invoke, arns, _sageMakerArns, InvokeActions.BearerToken);
    }

    /// <summary>
    /// Allows invoking the Bedrock models of <paramref name="modelArns"/> (foundation-model or imported-model ARNs) through the
    /// Bedrock runtime endpoint. Throws when the construct has none.
    /// </summary>
    /// <param name="modelArns">The models' ARNs.</param>
    public void AllowInvokeBedrock(IEnumerable<string> modelArns)
    {
        ArgumentNullException.ThrowIfNull(modelArns);
        var endpoint = BedrockRuntime ?? throw new InvalidOperationException("PrivateInvocationEndpoints has no Bedrock runtime endpoint: set BedrockRuntime.");
        var arns = modelArns.ToArray();
        if (arns.Length > 0)
        {
            AddStatements(endpoint, BedrockGrants.InvokeActions, arns, _bedrockArns, BedrockGrants.BearerKeyActions);
        }
    }

    // A statement for the given ARNs (IAM's policy minimization merges those of one endpoint) and, the first time and with
    // bearer tokens, one for the token action on *.
    private void AddStatements(InterfaceVpcEndpoint endpoint, IReadOnlyList<string> actions, string[] arns, List<string> allowed, IReadOnlyList<string> bearerActions)
    {
        var first = allowed.Count == 0;
        allowed.AddRange(arns);
        endpoint.AddToPolicy(new PolicyStatement(new PolicyStatementProps
        {
            Principals = [new AnyPrincipal()],
            Actions = actions.ToArray(),
            Resources = arns,
        }));
        if (first && _bearerTokens)
        {
            endpoint.AddToPolicy(new PolicyStatement(new PolicyStatementProps
            {
                Principals = [new AnyPrincipal()],
                Actions = bearerActions.ToArray(),
                Resources = ["*"],
            }));
        }
    }

    private static ISubnet[] Validate(PrivateInvocationEndpointsProps props)
    {
        var problems = new PropsProblems(nameof(PrivateInvocationEndpointsProps));
        ISubnet[] subnets = [];
        try
        {
            subnets = props.Vpc.SelectSubnets(props.Subnets).Subnets;
        }
        catch (Exception)
        {
            // CDK (through jsii) throws when the VPC has no subnet of the selected type: the same problem as an empty selection.
        }

        if (subnets.Length == 0)
        {
            problems.Add(nameof(PrivateInvocationEndpointsProps.Subnets), $"{Property.Ref(nameof(PrivateInvocationEndpointsProps.Subnets))} selects no subnet of the VPC; an interface endpoint needs at least one (one per Availability Zone of the clients)");
        }
        else if ((props.S3GatewayEndpoint ?? true) && subnets.Where(s => RouteTableOf(s) is null).Select(s => s.SubnetId).ToList() is { Count: > 0 } without)
        {
            problems.Add(nameof(PrivateInvocationEndpointsProps.S3GatewayEndpoint), $"{Property.Ref(nameof(PrivateInvocationEndpointsProps.S3GatewayEndpoint))} needs the route table of every subnet, and the VPC does not give one for {string.Join(", ", without)}");
        }

        problems.ThrowIfAny();
        return subnets;
    }

    // An imported subnet without a route table id fails when its id is read.
    private static string? RouteTableOf(ISubnet subnet)
    {
        try
        {
            return string.IsNullOrEmpty(subnet.RouteTable?.RouteTableId) ? null : subnet.RouteTable.RouteTableId;
        }
        catch (Exception)
        {
            return null;
        }
    }

    private sealed class NotEmpty(string name, List<string> arns) : DeputyBase, IValidation
    {
        public string[] Validate() => arns.Count == 0
            ? [$"The {name} VPC endpoint allows invoking nothing: call AllowInvoke for each endpoint or model the VPC may call, or drop the endpoint (without a policy it would allow every call)."]
            : [];
    }
}
