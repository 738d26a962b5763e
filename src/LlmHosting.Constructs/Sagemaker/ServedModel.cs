using Amazon.CDK;
using Amazon.CDK.AWS.CloudWatch;
using Amazon.CDK.AWS.IAM;
using Amazon.CDK.AWS.Logs;
using Amazon.CDK.AWS.Sagemaker;
using Constructs;
using LlmHosting.Constructs.Access;

namespace LlmHosting.Constructs.Sagemaker;

/// <summary>
/// A model that vLLM serves on SageMaker behind the OpenAI-compatible API: the part every serving construct shares, a
/// whole-instance <see cref="VllmEndpoint"/> and an inference component alike. It holds the SageMaker model, the default
/// alarms (which also roll updates back), the metrics and the invoke grants.
/// </summary>
public abstract class ServedModel : Construct, IServedModel
{
    private readonly List<IAlarm> _alarms = [];

    /// <summary>Creates the construct; the subclass creates the resources.</summary>
    /// <param name="scope">Parent construct.</param>
    /// <param name="id">Construct id.</param>
    private protected ServedModel(Construct scope, string id)
        : base(scope, id)
    {
    }

    /// <inheritdoc />
    public abstract string EndpointName { get; }

    /// <inheritdoc />
    public abstract string EndpointArn { get; }

    /// <inheritdoc />
    public string OpenAiBaseUrl { get; private protected set; } = "";

    /// <summary>The model name a client sends in OpenAI requests (<c>SM_VLLM_SERVED_MODEL_NAME</c>): the catalog name.</summary>
    public string ServedModelName { get; private protected set; } = "";

    /// <summary>Log group the containers write to.</summary>
    public string LogGroupName { get; private protected set; } = "";

    /// <summary>
    /// The declared log group (<see cref="LogGroupName"/>), created before the endpoint or component, or null when
    /// <see cref="VllmServingOptions.DeclareLogGroup"/> is false.
    /// </summary>
    public ILogGroup? LogGroup { get; private protected set; }

    /// <summary>Tensor parallel size in effect.</summary>
    public int TensorParallelSize { get; private protected set; }

    /// <summary>GPU memory left for the KV cache once the weights are loaded, in GiB (an estimate from the catalogs).</summary>
    public double KvCacheHeadroomGiB { get; private protected set; }

    /// <summary>The SageMaker model.</summary>
    public CfnModel Model { get; private protected set; } = null!;

    /// <summary>The default alerting alarms, empty when turned off.</summary>
    public IReadOnlyList<IAlarm> Alarms => _alarms;

    /// <summary>
    /// The alarms that roll an update back: the default error-rate (<see cref="ErrorRateRollbackAlarm"/>) and latency
    /// alarms, and the ones given. Each is a plain single-metric alarm, the kind SageMaker's guardrails document.
    /// </summary>
    public IReadOnlyList<IAlarm> RollbackAlarmList { get; private set; } = [];

    /// <summary>
    /// The plain alarm on the 5XX error rate that rolls updates back (3 of 5 minutes at or above
    /// <see cref="VllmServingOptions.ErrorRateAlarmThreshold"/>), or null when the default alarms are off. It does not
    /// notify: the alerting 5XX alarm in <see cref="Alarms"/> does, once enough requests came.
    /// </summary>
    public IAlarm? ErrorRateRollbackAlarm { get; private set; }

    /// <summary>A metric of this model, with the dimensions that select it. Default statistic: average over 5 minutes.</summary>
    /// <param name="metricName">CloudWatch metric name.</param>
    /// <param name="options">Statistic, period, label...</param>
    public abstract Metric Metric(string metricName, IMetricOptions? options = null);

    /// <summary>Time the container took to answer, in microseconds. Default statistic: p90.</summary>
    /// <param name="options">Overrides.</param>
    public Metric MetricModelLatency(IMetricOptions? options = null) => Metric("ModelLatency", SagemakerMetrics.WithStatistic(options, "p90"));

    /// <summary>Requests answered with a 4XX error. Default statistic: sum.</summary>
    /// <param name="options">Overrides.</param>
    public Metric MetricInvocation4XXErrors(IMetricOptions? options = null) => Metric("Invocation4XXErrors", SagemakerMetrics.WithStatistic(options, "Sum"));

    /// <summary>Requests answered with a 5XX error. Default statistic: sum.</summary>
    /// <param name="options">Overrides.</param>
    public Metric MetricInvocation5XXErrors(IMetricOptions? options = null) => Metric("Invocation5XXErrors", SagemakerMetrics.WithStatistic(options, "Sum"));

    /// <summary>Requests sent to the model. Default statistic: sum.</summary>
    /// <param name="options">Overrides.</param>
    public Metric MetricInvocations(IMetricOptions? options = null) => Metric("Invocations", SagemakerMetrics.WithStatistic(options, "Sum"));

    /// <summary>GPU utilisation of the model's instances or copies (percent). Default statistic: average.</summary>
    /// <param name="options">Overrides.</param>
    public abstract Metric MetricGpuUtilization(IMetricOptions? options = null);

    /// <summary>GPU memory utilisation of the model's instances or copies (percent). Default statistic: average.</summary>
    /// <param name="options">Overrides.</param>
    public abstract Metric MetricGpuMemoryUtilization(IMetricOptions? options = null);

    /// <inheritdoc />
    public abstract Grant GrantInvoke(IGrantable grantee);

    /// <inheritdoc />
    public Grant GrantInvokeOpenAi(IGrantable grantee) => GrantInvoke(grantee).Combine(InvokeActions.GrantBearerToken(grantee));

    /// <summary>
    /// Creates the default alarms (unless turned off): the alerting 5XX rate and the latency in <see cref="Alarms"/>, the
    /// plain 5XX rate that rolls updates back; and sets the rollback alarms. The subclass adds its other alerting alarms
    /// afterwards with <see cref="AddAlarm"/>.
    /// </summary>
    /// <param name="options">The serving options.</param>
    /// <param name="alarmPrefix">Start of the alarm names; the events rules select an environment's alarms by it.</param>
    /// <param name="subject">What answers, for the descriptions, for example <c>SageMaker endpoint llm-dev-x</c>.</param>
    /// <param name="capacity">What to add when it is too slow, for example <c>more instances</c>.</param>
    private protected void AddDefaultAlarms(VllmServingOptions options, string alarmPrefix, string subject, string capacity)
    {
        if (options.DefaultAlarms ?? true)
        {
            var thresholds = AlarmThresholds.For(options);
            _alarms.Add(SagemakerAlarms.ErrorRateAlert(this, alarmPrefix, subject, LogGroupName, MetricInvocation5XXErrors(), MetricInvocations(), thresholds));
            var latency = SagemakerAlarms.ModelLatency(this, alarmPrefix, subject, thresholds, capacity, MetricModelLatency());
            _alarms.Add(latency);
            ErrorRateRollbackAlarm = SagemakerAlarms.ErrorRateRollback(
                this, alarmPrefix, subject, MetricInvocation5XXErrors(new MetricOptions { Statistic = "Average", Period = Duration.Minutes(1) }), thresholds);
            RollbackAlarmList = [ErrorRateRollbackAlarm, latency];
        }

        RollbackAlarmList = [.. RollbackAlarmList, .. options.RollbackAlarms ?? []];
    }

    /// <summary>Adds an alerting alarm that does not roll updates back.</summary>
    private protected void AddAlarm(IAlarm alarm) => _alarms.Add(alarm);

    /// <summary>The number of rollback alarms <paramref name="options"/> make, for the check against SageMaker's limit.</summary>
    private protected static int RollbackAlarmCount(VllmServingOptions options)
        => (options.DefaultAlarms ?? true ? 2 : 0) + (options.RollbackAlarms?.Length ?? 0);
}
