using Amazon.CDK.AWS.Sagemaker;
using LlmHosting.Constructs.Network;
using LlmHosting.Constructs.Sagemaker.Capacity;
using LlmHosting.Constructs.Sagemaker.Scaling;
using LlmHosting.Constructs.Validation;

namespace LlmHosting.Constructs.Sagemaker;

/// <summary>The capacity of a <see cref="VllmEndpoint"/>: fallback instance types, reserved capacity and the scaling signal.</summary>
public sealed partial class VllmEndpoint
{
    private readonly VariantCapacity _capacity;
    private readonly IReadOnlyList<VllmModelDefinition> _fallbackDefinitions;

    /// <summary>Every instance type the endpoint may run on, in priority order: <see cref="InstanceType"/>, then the fallbacks.</summary>
    public IReadOnlyList<GpuInstanceType> InstanceTypes => _capacity.InstanceTypes;

    /// <summary>
    /// The SageMaker models of fallback instance types that need settings of their own (a tensor parallel size for their
    /// GPU count), by instance type name; a fallback absent here runs <see cref="ServedModel.Model"/>.
    /// </summary>
    public IReadOnlyDictionary<string, CfnModel> FallbackModels { get; private set; } = new Dictionary<string, CfnModel>();

    /// <summary>The signal autoscaling tracks, or null when the instance count is fixed.</summary>
    public ScalingSignal? ScalingSignal { get; private set; }

    private static VariantCapacity CapacityOf(VllmEndpointProps props)
        => new(props.InstanceType, props.FallbackInstanceTypes, props.InstanceProvisionTimeout, props.CapacityReservation);

    // The model on each fallback type: the fallback's own tensor parallel size, else the settings', else its GPU count.
    private static IReadOnlyList<VllmModelDefinition> FallbackDefinitions(VllmEndpointProps props)
        => (props.FallbackInstanceTypes ?? [])
            .Select(f => new VllmModelDefinition(props, f.InstanceType, f.InstanceType.GpuCount, f.TensorParallelSize))
            .ToList();

    private void AddCapacityProblems(PropsProblems problems, VllmEndpointProps props, VllmModelDefinition definition, int min)
    {
        var max = props.MaxInstanceCount ?? min;
        _capacity.AddProblems(problems, this, max, DeploymentPolicy, props.VolumeSizeInGb, nameof(VllmEndpointProps.VolumeSizeInGb));
        for (var i = 0; i < _fallbackDefinitions.Count; i++)
        {
            _capacity.AddModelFitProblems(problems, i, _fallbackDefinitions[i].Problems(this));
        }

        if (props.Scaling is { } signal)
        {
            ScalingProblems.Add(problems, nameof(VllmEndpointProps.Scaling), signal, props.TargetInvocationsPerInstance, nameof(VllmEndpointProps.TargetInvocationsPerInstance));
        }

        ScalingProblems.AddCooldowns(problems, nameof(VllmEndpointProps.ScaleInCooldown), props.ScaleInCooldown, nameof(VllmEndpointProps.ScaleOutCooldown), props.ScaleOutCooldown);
        if (props.Vpc is { } vpc)
        {
            ServingNetwork.AddProblems(problems, nameof(VllmEndpointProps.Vpc), vpc, props.VpcSubnets, [definition.Source]);
        }
    }

    // A fallback whose container environment differs from the primary's (its tensor parallel size) runs a model of its own.
    private void WriteCapacity(VllmModelDefinition primary, CfnModel.VpcConfigProperty? vpcConfig)
    {
        var environment = primary.Environment();
        var models = new Dictionary<string, CfnModel>(StringComparer.Ordinal);
        var overrides = _fallbackDefinitions.Select(fallback =>
        {
            if (fallback.Environment().SequenceEqual(environment))
            {
                return null;
            }

            var model = fallback.CreateModel(this, "Model" + VariantCapacity.IdOf(fallback.InstanceType.Name), Role, vpcConfig);
            models[fallback.InstanceType.Name] = model;
            return model.AttrModelName;
        }).ToList();
        _capacity.Write(EndpointConfig, i => overrides[i]);
        FallbackModels = models;
    }

    // Target tracking on the chosen signal; the concurrency default comes from vLLM's batch limit on the smallest GPU.
    private void RegisterScaling(VllmEndpointProps props, VllmModelDefinition definition, int min, int max)
    {
        var signal = props.Scaling ?? ScalingSignal.Invocations(props.TargetInvocationsPerInstance);
        var maxNumSeqs = definition.Settings.MaxNumSeqs ?? InstanceTypes.Min(ScalingSignal.VllmDefaultMaxNumSeqs);
        Scaling.Register(
            Endpoint, min, max,
            signal.VariantMetricType, signal.PolicySuffix(component: false), signal.TargetFor(maxNumSeqs),
            props.ScaleInCooldown ?? ServingDefaults.ScaleInCooldown,
            props.ScaleOutCooldown ?? ServingDefaults.EndpointScaleOutCooldown);
        ScalingSignal = signal;
    }
}
