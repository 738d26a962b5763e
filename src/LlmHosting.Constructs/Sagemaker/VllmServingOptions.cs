using Amazon.CDK;
using Amazon.CDK.AWS.CloudWatch;
using LlmHosting.Constructs.Logs;

namespace LlmHosting.Constructs.Sagemaker;

/// <summary>
/// What every vLLM serving construct takes, whether it serves the model on whole instances
/// (<see cref="VllmEndpointProps"/>) or as an inference component (<c>InferenceComponentOptions</c>): the model, where its
/// weights come from, the container and its settings, and the alarms.
/// </summary>
public abstract class VllmServingOptions
{
    /// <summary>The model: its GPU memory need and recommended parsers. Use <see cref="KnownModel.Of"/> for others.</summary>
    public required KnownModel Model { get; init; }

    /// <summary>Where the weights come from: <see cref="ModelSource.FromBucket"/> or <see cref="ModelSource.FromHuggingFace"/>.</summary>
    public required ModelSource Source { get; init; }

    /// <summary>Container image. Default: <see cref="VllmImage.Default"/> (the vLLM DLC with a pinned tag).</summary>
    public VllmImage? Image { get; init; }

    /// <summary>vLLM settings. Default: every <see cref="VllmSettings"/> default (tensor parallel over every GPU given to the model).</summary>
    public VllmSettings? Vllm { get; init; }

    /// <summary>
    /// Run the container without network access. Must be false for Hugging Face sources.
    /// Default: true for bucket sources, false for Hugging Face sources.
    /// </summary>
    public bool? EnableNetworkIsolation { get; init; }

    /// <summary>
    /// How long SageMaker waits for the container's health check after start-up, 60-3600 s. Large models take minutes to
    /// load. Default: <see cref="ServingDefaults.ContainerStartupHealthCheckTimeout"/> (30 minutes).
    /// </summary>
    public Duration? ContainerStartupHealthCheckTimeout { get; init; }

    /// <summary>How long SageMaker may take to copy the weights, 60-3600 s. Default: <see cref="ServingDefaults.ModelDataDownloadTimeout"/> (60 minutes).</summary>
    public Duration? ModelDataDownloadTimeout { get; init; }

    /// <summary>Create the default alarms (5XX error rate, model latency), which also roll updates back. Default: true.</summary>
    public bool? DefaultAlarms { get; init; }

    /// <summary>
    /// Percentage of requests answered with a 5XX error at which the error-rate alarms fire: the rollback alarm in 3 of
    /// 5 minutes, the alerting alarm over 5 minutes of at least <see cref="ServingDefaults.ErrorRateAlarmMinimumInvocations"/>
    /// requests. Above 0, at most 100. Default: <see cref="ServingDefaults.ErrorRateAlarmThreshold"/> (5%).
    /// </summary>
    public double? ErrorRateAlarmThreshold { get; init; }

    /// <summary>
    /// p90 model latency above which the latency alarm fires (three 5-minute periods in a row). Default: the time the
    /// longest request the model allows can take, its context length (<c>Vllm.MaxModelLength</c>, else the model's
    /// <see cref="KnownModel.MaxContextLength"/>) x <see cref="ServingDefaults.SlowestTokenInterval"/> (50 ms), at least
    /// 60 seconds (gpt-oss-120b with 131072 tokens: 6554 s; a 32768-token limit: 1639 s); 1 hour when no length is known.
    /// </summary>
    public Duration? ModelLatencyAlarmThreshold { get; init; }

    /// <summary>Alarms that roll an update back, in addition to the default 5XX and latency alarms (at most 10 in all). Default: none.</summary>
    public IAlarm[]? RollbackAlarms { get; init; }

    /// <summary>
    /// Retention, key and removal of the log group the containers write to (<see cref="ServedModel.LogGroupName"/>).
    /// Default: the <see cref="LogGroupOptions.SetDefaults"/> of an enclosing scope, else one month, no key, retained.
    /// </summary>
    public LogGroupOptions? Logs { get; init; }

    /// <summary>
    /// Declare the log group in the stack, created before the endpoint or component, so that the execution role needs no
    /// <c>logs:CreateLogGroup</c>. False for a group that exists already and stays outside the stack (SageMaker created it
    /// on an earlier deployment, or another stack holds it): nothing is declared, <see cref="Logs"/> does not apply, and
    /// the role may create that group (only it), as SageMaker needs when it is missing. Default: true.
    /// </summary>
    public bool? DeclareLogGroup { get; init; }

    /// <summary>
    /// Reject a Hugging Face source without a pinned revision (<see cref="ModelSource.FromHuggingFace"/>'s
    /// <c>revision</c>) instead of warning: set it in production-like environments, where a new upstream commit must not
    /// change what serves without a deployment. Default: false, a CDK warning annotation at synthesis.
    /// </summary>
    public bool? RequirePinnedRevision { get; init; }
}
