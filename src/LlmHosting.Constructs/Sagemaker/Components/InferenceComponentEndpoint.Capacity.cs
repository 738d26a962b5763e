using Amazon.CDK.AWS.EC2;
using LlmHosting.Constructs.Network;
using LlmHosting.Constructs.Sagemaker.Capacity;
using LlmHosting.Constructs.Validation;

namespace LlmHosting.Constructs.Sagemaker.Components;

/// <summary>The capacity and network of an <see cref="InferenceComponentEndpoint"/>: fallback types, reservations, the VPC.</summary>
public sealed partial class InferenceComponentEndpoint
{
    private VariantCapacity _capacity = null!;
    private IVpc? _vpc;
    private SubnetSelection? _vpcSubnets;

    /// <summary>Every instance type the endpoint may run on, in priority order: <see cref="InstanceType"/>, then the fallbacks.</summary>
    public IReadOnlyList<GpuInstanceType> InstanceTypes => _capacity.InstanceTypes;

    /// <summary>The pools, timeout and reservation of the variant.</summary>
    internal VariantCapacity Capacity => _capacity;

    /// <summary>The VPC of the instances, or null.</summary>
    public IVpc? Vpc => _vpc;

    private void AddCapacityProblems(PropsProblems problems, InferenceComponentEndpointProps props)
    {
        _capacity = new VariantCapacity(props.InstanceType, props.FallbackInstanceTypes, props.InstanceProvisionTimeout, props.CapacityReservation);
        var policy = props.DeploymentPolicy ?? Deployment.EndpointDeploymentPolicy.AllAtOnce();
        _capacity.AddProblems(problems, this, MaxInstanceCount, policy, props.VolumeSizeInGb, nameof(InferenceComponentEndpointProps.VolumeSizeInGb));
        for (var i = 0; i < _capacity.Fallbacks.Count; i++)
        {
            if (_capacity.Fallbacks[i].TensorParallelSize is { } tp)
            {
                var entry = $"{nameof(InferenceComponentEndpointProps.FallbackInstanceTypes)}[{i}]";
                problems.Add(entry, $"{Property.Ref(entry)} sets tensor parallel size {tp}, but every component runs one specification on all instance types; set the components' own tensor parallel size or GPUs instead");
            }
        }

        if (props.Vpc is { } vpc)
        {
            ServingNetwork.AddProblems(problems, nameof(InferenceComponentEndpointProps.Vpc), vpc, props.VpcSubnets, []);
        }
        else if (props.VpcSubnets is not null || props.SecurityGroups is not null)
        {
            problems.Add(nameof(InferenceComponentEndpointProps.Vpc), $"{Property.Ref(nameof(InferenceComponentEndpointProps.VpcSubnets))} or {Property.Ref(nameof(InferenceComponentEndpointProps.SecurityGroups))} is set without {Property.Ref(nameof(InferenceComponentEndpointProps.Vpc))}");
        }
    }

    // The pools, timeout and reservation, and the VPC of every component's copies (CreateEndpointConfig.VpcConfig: the
    // variant has no model of its own to carry one). CDK 2.160's L1 lacks the capacity properties: overrides.
    private void WriteCapacity(InferenceComponentEndpointProps props)
    {
        _capacity.Write(EndpointConfig, _ => null);
        if (props.Vpc is not { } vpc)
        {
            return;
        }

        _vpc = vpc;
        _vpcSubnets = props.VpcSubnets;
        var securityGroups = props.SecurityGroups ?? [new SecurityGroup(this, "SecurityGroup", new SecurityGroupProps
        {
            Vpc = vpc,
            Description = $"SageMaker inference component endpoint {EndpointName}",
            AllowAllOutbound = true,
        })];
        EndpointConfig.AddPropertyOverride("VpcConfig", new Dictionary<string, object>
        {
            ["Subnets"] = vpc.SelectSubnets(props.VpcSubnets).SubnetIds,
            ["SecurityGroupIds"] = securityGroups.Select(g => g.SecurityGroupId).ToArray(),
        });
    }

    /// <summary>The problems of a component's weights source in this endpoint's VPC (internet, S3 route).</summary>
    internal void CheckNetwork(ModelSource source, PropsProblems problems)
    {
        if (_vpc is { } vpc)
        {
            ServingNetwork.AddProblems(problems, "Endpoint.Vpc", vpc, _vpcSubnets, [source]);
        }
    }
}
