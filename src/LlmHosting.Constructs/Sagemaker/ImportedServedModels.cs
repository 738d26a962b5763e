using Amazon.CDK.AWS.CloudWatch;
using Amazon.CDK.AWS.IAM;
using Constructs;
using LlmHosting.Constructs.Access;
using LlmHosting.Constructs.Sagemaker.Components;

namespace LlmHosting.Constructs.Sagemaker;

/// <summary>An endpoint defined outside this app, referenced by name (<see cref="VllmEndpoint.FromEndpointName"/>).</summary>
internal sealed class ImportedVllmEndpoint : ServedModel
{
    internal ImportedVllmEndpoint(Construct scope, string id, string endpointName)
        : base(scope, id)
    {
        EndpointName = endpointName;
        EndpointArn = SagemakerAddresses.EndpointArn(this, endpointName, null);
        OpenAiBaseUrl = SagemakerAddresses.OpenAiBaseUrl(this, $"endpoints/{endpointName}");
        LogGroupName = SagemakerNames.EndpointLogGroup(endpointName);
    }

    public override string EndpointName { get; }

    public override string EndpointArn { get; }

    public override Metric Metric(string metricName, IMetricOptions? options = null) => VllmEndpoint.VariantMetric(EndpointName, metricName, options);

    public override Metric MetricGpuUtilization(IMetricOptions? options = null) => Metric("GPUUtilization", options);

    public override Metric MetricGpuMemoryUtilization(IMetricOptions? options = null) => Metric("GPUMemoryUtilization", options);

    public override Grant GrantInvoke(IGrantable grantee) => InvokeActions.GrantInvoke(grantee, EndpointArn);
}

/// <summary>An inference component defined outside this app, referenced by name (<see cref="InferenceComponent.FromComponentName"/>).</summary>
internal sealed class ImportedInferenceComponent : ServedModel, IInferenceComponentModel
{
    internal ImportedInferenceComponent(Construct scope, string id, string endpointName, string componentName)
        : base(scope, id)
    {
        EndpointName = endpointName;
        InferenceComponentName = componentName;
        EndpointArn = SagemakerAddresses.EndpointArn(this, endpointName, null);
        InferenceComponentArn = SagemakerAddresses.Arn(this, "inference-component", componentName);
        OpenAiBaseUrl = SagemakerAddresses.OpenAiBaseUrl(this, $"endpoints/{endpointName}/inference-components/{componentName}");
        LogGroupName = SagemakerNames.InferenceComponentLogGroup(componentName);
    }

    public override string EndpointName { get; }

    public override string EndpointArn { get; }

    public string InferenceComponentName { get; }

    private string InferenceComponentArn { get; }

    public override Metric Metric(string metricName, IMetricOptions? options = null) => InferenceComponent.ComponentMetric(InferenceComponentName, metricName, options);

    public override Metric MetricGpuUtilization(IMetricOptions? options = null) => Metric("GPUUtilizationNormalized", options);

    public override Metric MetricGpuMemoryUtilization(IMetricOptions? options = null) => Metric("GPUMemoryUtilizationNormalized", options);

    public Metric MetricNoCapacityInvocationFailures(IMetricOptions? options = null)
        => Metric(InferenceComponent.NoCapacityMetricName, SagemakerMetrics.WithStatistic(options, "Sum"));

    public override Grant GrantInvoke(IGrantable grantee) => Grant.AddToPrincipal(new GrantOnPrincipalOptions
    {
        Grantee = grantee ?? throw new ArgumentNullException(nameof(grantee)),
        Actions = InvokeActions.Invoke.ToArray(),
        ResourceArns = [EndpointArn, InferenceComponentArn],
    });
}
