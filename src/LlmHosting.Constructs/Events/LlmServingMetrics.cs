using Amazon.CDK;
using Amazon.CDK.AWS.CloudWatch;
using Constructs;
using LlmHosting.Constructs.Sagemaker;

namespace LlmHosting.Constructs.Events;

/// <summary>
/// Where vLLM's own serving metrics are in CloudWatch: time to first token, inter-token latency, generated tokens,
/// running and waiting requests and KV-cache usage, per model. The metric names default to vLLM's Prometheus names
/// (<c>/metrics</c> of the server: vLLM <c>docs/design/metrics.md</c>, V1 engine); the namespace and the dimensions are
/// whatever publishes them to CloudWatch, so they have no default.
/// </summary>
/// <remarks>
/// UNCONFIRMED path: SageMaker's detailed observability (<c>MetricsConfig.EnableDetailedObservability</c>) scrapes the
/// container's Prometheus endpoint but publishes OpenTelemetry metrics "queryable using PromQL" (CloudWatch user guide,
/// SageMaker AI Insights metrics reference), with labels such as <c>aws.sagemaker.inference_component.name</c>; whether
/// classic metric widgets and alarms can read them, and under which namespace, no source here confirms. A collector of your
/// own that publishes the Prometheus metrics as CloudWatch metrics (namespace, one dimension per model) is what this
/// describes; set the names it uses.
/// </remarks>
public sealed class LlmServingMetrics
{
    /// <summary>CloudWatch namespace of the metrics. Required: it is chosen by what publishes them.</summary>
    public required string Namespace { get; init; }

    /// <summary>Dimension that names an inference component. Default: <c>InferenceComponentName</c>.</summary>
    public string ComponentDimension { get; init; } = "InferenceComponentName";

    /// <summary>Dimension that names a whole-instance endpoint. Default: <c>EndpointName</c>.</summary>
    public string EndpointDimension { get; init; } = "EndpointName";

    /// <summary>Time to first token in seconds (a distribution). Default: <c>vllm:time_to_first_token_seconds</c>.</summary>
    public string TimeToFirstToken { get; init; } = "vllm:time_to_first_token_seconds";

    /// <summary>Time between two output tokens in seconds (a distribution). Default: <c>vllm:inter_token_latency_seconds</c> (vLLM V1; older servers: <c>vllm:time_per_output_token_seconds</c>).</summary>
    public string InterTokenLatency { get; init; } = "vllm:inter_token_latency_seconds";

    /// <summary>Output tokens generated, counted per period (summed, then divided by the period for tokens per second). Default: <c>vllm:generation_tokens_total</c>.</summary>
    public string GenerationTokens { get; init; } = "vllm:generation_tokens_total";

    /// <summary>Requests being generated. Default: <c>vllm:num_requests_running</c>.</summary>
    public string RunningRequests { get; init; } = "vllm:num_requests_running";

    /// <summary>Requests waiting for a slot. Default: <c>vllm:num_requests_waiting</c>.</summary>
    public string WaitingRequests { get; init; } = "vllm:num_requests_waiting";

    /// <summary>Share of the KV cache in use, 0 to 1. Default: <c>vllm:kv_cache_usage_perc</c>.</summary>
    public string KvCacheUsage { get; init; } = "vllm:kv_cache_usage_perc";

    /// <summary>A metric of <paramref name="model"/> under this namespace, selected by its component's or endpoint's name.</summary>
    /// <param name="model">An endpoint or (adapter) inference component.</param>
    /// <param name="metricName">The metric's name.</param>
    /// <param name="options">Statistic, period, label... Default: average over 5 minutes.</param>
    public Metric Metric(IServedModel model, string metricName, IMetricOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        return model is IInferenceComponentModel component
            ? Metric(ComponentDimension, component.InferenceComponentName, metricName, options)
            : Metric(EndpointDimension, model.EndpointName, metricName, options);
    }

    /// <summary>A metric under this namespace with one dimension, for a model known by name only (before it is created).</summary>
    /// <param name="dimension"><see cref="ComponentDimension"/> or <see cref="EndpointDimension"/>.</param>
    /// <param name="name">The component's or endpoint's name.</param>
    /// <param name="metricName">The metric's name.</param>
    /// <param name="options">Statistic, period, label... Default: average over 5 minutes.</param>
    public Metric Metric(string dimension, string name, string metricName, IMetricOptions? options = null)
    {
        return new Metric(new MetricProps
        {
            Namespace = Namespace,
            MetricName = metricName,
            DimensionsMap = new Dictionary<string, string> { [dimension] = name },
            Statistic = options?.Statistic ?? "Average",
            Period = options?.Period ?? Duration.Minutes(5),
            Label = options?.Label,
        });
    }

    /// <summary>Time to first token of <paramref name="model"/>, in seconds. Default statistic: p90.</summary>
    /// <param name="model">The model.</param>
    /// <param name="options">Overrides.</param>
    public Metric MetricTimeToFirstToken(IServedModel model, IMetricOptions? options = null)
        => Metric(model, TimeToFirstToken, WithStatistic(options, "p90"));

    /// <summary>
    /// An alarm on the p90 time to first token of <paramref name="model"/>, for a model's <c>RollbackAlarms</c>: above
    /// <paramref name="threshold"/> in 2 of 3 one-minute periods. Missing data (nothing published) never fires it, so it
    /// cannot block an update on its own.
    /// </summary>
    /// <param name="scope">Where the alarm is created.</param>
    /// <param name="id">Construct id.</param>
    /// <param name="model">The model watched.</param>
    /// <param name="alarmName">The alarm's name.</param>
    /// <param name="threshold">The p90 time to first token that is too slow.</param>
    public Alarm TimeToFirstTokenAlarm(Construct scope, string id, IServedModel model, string alarmName, Duration threshold)
    {
        ArgumentNullException.ThrowIfNull(model);
        return model is IInferenceComponentModel component
            ? TimeToFirstTokenAlarm(scope, id, ComponentDimension, component.InferenceComponentName, alarmName, threshold)
            : TimeToFirstTokenAlarm(scope, id, EndpointDimension, model.EndpointName, alarmName, threshold);
    }

    /// <summary>
    /// The alarm of <see cref="TimeToFirstTokenAlarm(Construct, string, IServedModel, string, Duration)"/> for a model known by
    /// name only, so that it can be given to the model's <c>RollbackAlarms</c> before the model is created.
    /// </summary>
    /// <param name="scope">Where the alarm is created.</param>
    /// <param name="id">Construct id.</param>
    /// <param name="dimension"><see cref="ComponentDimension"/> or <see cref="EndpointDimension"/>.</param>
    /// <param name="name">The component's or endpoint's name.</param>
    /// <param name="alarmName">The alarm's name.</param>
    /// <param name="threshold">The p90 time to first token that is too slow.</param>
    public Alarm TimeToFirstTokenAlarm(Construct scope, string id, string dimension, string name, string alarmName, Duration threshold)
    {
        ArgumentNullException.ThrowIfNull(threshold);
        return new Alarm(scope, id, new AlarmProps
        {
            AlarmName = alarmName,
            AlarmDescription = $"p90 time to first token of {name} stayed above {threshold.ToHumanString()}: the model is overloaded or an update made it slower (rolls the update back).",
            Metric = Metric(dimension, name, TimeToFirstToken, new MetricOptions { Statistic = "p90", Period = Duration.Minutes(1) }),
            Threshold = threshold.ToMilliseconds(new TimeConversionOptions { Integral = false }) / 1000,
            EvaluationPeriods = 3,
            DatapointsToAlarm = 2,
            ComparisonOperator = ComparisonOperator.GREATER_THAN_THRESHOLD,
            TreatMissingData = TreatMissingData.NOT_BREACHING,
        });
    }

    private static IMetricOptions WithStatistic(IMetricOptions? options, string statistic) => new MetricOptions
    {
        Statistic = options?.Statistic ?? statistic,
        Period = options?.Period,
        Label = options?.Label,
    };
}
