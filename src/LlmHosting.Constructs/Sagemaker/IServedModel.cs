using Amazon.CDK.AWS.CloudWatch;
using LlmHosting.Constructs.Access;

namespace LlmHosting.Constructs.Sagemaker;

/// <summary>
/// A model served on SageMaker, defined in this app (<see cref="VllmEndpoint"/>, <c>InferenceComponent</c>) or elsewhere
/// (<see cref="VllmEndpoint.FromEndpointName"/>, <c>InferenceComponent.FromComponentName</c>): its OpenAI-compatible
/// address, its invoke grants and its metrics, for roles, dashboards and alarms.
/// </summary>
public interface IServedModel : IOpenAiEndpoint
{
    /// <summary>A metric of this model, with the dimensions that select it. Default statistic: average over 5 minutes.</summary>
    /// <param name="metricName">CloudWatch metric name.</param>
    /// <param name="options">Statistic, period, label...</param>
    Metric Metric(string metricName, IMetricOptions? options = null);

    /// <summary>Time the container took to answer, in microseconds. Default statistic: p90.</summary>
    /// <param name="options">Overrides.</param>
    Metric MetricModelLatency(IMetricOptions? options = null);

    /// <summary>Requests answered with a 4XX error. Default statistic: sum.</summary>
    /// <param name="options">Overrides.</param>
    Metric MetricInvocation4XXErrors(IMetricOptions? options = null);

    /// <summary>Requests answered with a 5XX error. Default statistic: sum.</summary>
    /// <param name="options">Overrides.</param>
    Metric MetricInvocation5XXErrors(IMetricOptions? options = null);

    /// <summary>Requests sent to the model. Default statistic: sum.</summary>
    /// <param name="options">Overrides.</param>
    Metric MetricInvocations(IMetricOptions? options = null);

    /// <summary>GPU utilisation of the model's instances or copies (percent). Default statistic: average.</summary>
    /// <param name="options">Overrides.</param>
    Metric MetricGpuUtilization(IMetricOptions? options = null);

    /// <summary>GPU memory utilisation of the model's instances or copies (percent). Default statistic: average.</summary>
    /// <param name="options">Overrides.</param>
    Metric MetricGpuMemoryUtilization(IMetricOptions? options = null);
}

/// <summary>A model served by an inference component: the component's name and its no-capacity failures.</summary>
public interface IInferenceComponentModel : IServedModel
{
    /// <summary>Name of the inference component.</summary>
    string InferenceComponentName { get; }

    /// <summary>Requests that failed because no copy of the component was running. Default statistic: sum.</summary>
    /// <param name="options">Overrides.</param>
    Metric MetricNoCapacityInvocationFailures(IMetricOptions? options = null);
}
