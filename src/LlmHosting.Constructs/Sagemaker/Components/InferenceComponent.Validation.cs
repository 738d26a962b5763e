using Amazon.CDK;
using Amazon.CDK.AWS.ApplicationAutoScaling;
using Amazon.CDK.AWS.CloudWatch;
using Amazon.CDK.AWS.CloudWatch.Actions;
using Amazon.CDK.AWS.IAM;
using Amazon.CDK.AWS.Sagemaker;
using Constructs;
using LlmHosting.Constructs.Access;
using LlmHosting.Constructs.Sagemaker.Deployment;
using LlmHosting.Constructs.Sagemaker.Scaling;
using LlmHosting.Constructs.Validation;

namespace LlmHosting.Constructs.Sagemaker.Components;

/// <summary>The validation of an <see cref="InferenceComponent"/>'s options, against its model and its endpoint.</summary>
public sealed partial class InferenceComponent
{
    private void Validate(InferenceComponentOptions options, VllmModelDefinition definition, ComponentDemand demand)
    {
        var problems = new PropsProblems(nameof(InferenceComponentProps));
        string P(string property) => Property.Ref(property);
        SagemakerNames.CheckName(problems, nameof(InferenceComponentOptions.InferenceComponentName), options.InferenceComponentName);

        if (CpuCores < 0.25 || double.IsNaN(CpuCores) || double.IsInfinity(CpuCores))
        {
            problems.Add(nameof(InferenceComponentOptions.CpuCores), $"{P(nameof(InferenceComponentOptions.CpuCores))} {VllmModelDefinition.Number(CpuCores)} must be at least 0.25");
        }

        if (MemoryInMb < 128)
        {
            problems.Add(nameof(InferenceComponentOptions.MemoryInMb), $"{P(nameof(InferenceComponentOptions.MemoryInMb))} {MemoryInMb} must be at least 128");
        }

        if (InitialCopyCount < 1)
        {
            problems.Add(nameof(InferenceComponentOptions.InitialCopyCount), $"{P(nameof(InferenceComponentOptions.InitialCopyCount))} {InitialCopyCount} must be at least 1 (SageMaker cannot create a component without copies; set {P(nameof(InferenceComponentOptions.MinCopyCount))} 0 to let it scale to zero)");
        }

        if (MinCopyCount < 0)
        {
            problems.Add(nameof(InferenceComponentOptions.MinCopyCount), $"{P(nameof(InferenceComponentOptions.MinCopyCount))} {MinCopyCount} must be at least 0");
        }

        if (MaxCopyCount < 1)
        {
            problems.Add(nameof(InferenceComponentOptions.MaxCopyCount), $"{P(nameof(InferenceComponentOptions.MaxCopyCount))} {MaxCopyCount} must be at least 1");
        }
        else if (MaxCopyCount < MinCopyCount)
        {
            problems.Add(nameof(InferenceComponentOptions.MaxCopyCount), $"{P(nameof(InferenceComponentOptions.MaxCopyCount))} {MaxCopyCount} is below {P(nameof(InferenceComponentOptions.MinCopyCount))} {MinCopyCount}");
        }

        if (InitialCopyCount > MaxCopyCount && MaxCopyCount >= 1)
        {
            problems.Add(nameof(InferenceComponentOptions.InitialCopyCount), $"{P(nameof(InferenceComponentOptions.InitialCopyCount))} {InitialCopyCount} is above {P(nameof(InferenceComponentOptions.MaxCopyCount))} {MaxCopyCount}");
        }

        if (options.TargetInvocationsPerCopy is { } target && !(target > 0))
        {
            problems.Add(nameof(InferenceComponentOptions.TargetInvocationsPerCopy), $"{P(nameof(InferenceComponentOptions.TargetInvocationsPerCopy))} {target} must be above 0");
        }

        DeploymentPolicy.AddProblems(problems, nameof(InferenceComponentOptions.DeploymentPolicy), MinCopyCount);
        problems.AddRange(AlarmThresholds.Problems(options));
        problems.AddRange(definition.Problems(this));
        Endpoint.CheckImage(definition.Image, problems);
        foreach (var (property, message) in Endpoint.InstanceTypes.SelectMany(t => ComponentPacking.SingleCopyProblems(demand, t)).Distinct())
        {
            problems.Add(property, message);
        }

        AddCapacityProblems(problems, options);
        Endpoint.CheckNetwork(definition.Source, problems);

        problems.ThrowIfAny(Describe());

        var packing = Endpoint.PackingProblemsWith(demand);
        if (packing.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", packing));
        }
    }

    private string Describe() => $"component '{InferenceComponentName}' on endpoint {EndpointName} ({Endpoint.InstanceType.Name})";
}
