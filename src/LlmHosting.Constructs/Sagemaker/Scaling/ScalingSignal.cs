using System.Globalization;
using Amazon.CDK.AWS.ApplicationAutoScaling;

namespace LlmHosting.Constructs.Sagemaker.Scaling;

/// <summary>
/// What target tracking scales a single-model endpoint's instances or an inference component's copies on:
/// <list type="bullet">
/// <item><see cref="Invocations"/>: requests per instance or copy per minute (<c>SageMakerVariantInvocationsPerInstance</c>,
/// <c>SageMakerInferenceComponentInvocationsPerCopy</c>), one-minute metrics. Right for short, uniform requests.</item>
/// <item><see cref="ConcurrentRequests"/>: requests in flight per model container or copy, reported every 10 seconds
/// (<c>SageMakerVariantConcurrentRequestsPerModelHighResolution</c>,
/// <c>SageMakerInferenceComponentConcurrentRequestsPerCopyHighResolution</c>; SageMaker guide "Define a scaling policy",
/// high-resolution predefined metrics; botocore's application-autoscaling <c>MetricType</c>). Right for LLM requests,
/// which last seconds to minutes: a few long generations load a copy as much as many short ones, and the alarm reacts
/// within a minute instead of three.</item>
/// </list>
/// The scale-out from zero copies does not depend on the signal: it is a step-scaling action fired by the
/// <c>NoCapacityInvocationFailures</c> alarm, since neither metric exists while no copy runs.
/// </summary>
public sealed class ScalingSignal
{
    /// <summary>
    /// Share of vLLM's maximum of concurrent sequences (<c>--max-num-seqs</c>) that the default concurrency target keeps
    /// per copy: a burst of twice the target still runs without queueing while a new copy starts.
    /// </summary>
    public const double DefaultConcurrencyShare = 0.5;

    private ScalingSignal(bool concurrency, double? target)
    {
        IsConcurrency = concurrency;
        Target = target;
    }

    /// <summary>True for <see cref="ConcurrentRequests"/>.</summary>
    public bool IsConcurrency { get; }

    /// <summary>The target as given, or null for the default.</summary>
    public double? Target { get; }

    /// <summary>
    /// Requests per instance or copy per minute. Default target: <see cref="ServingDefaults.TargetInvocations"/>.
    /// </summary>
    /// <param name="targetPerMinute">Invocations per minute to keep per instance or copy, above 0.</param>
    public static ScalingSignal Invocations(double? targetPerMinute = null) => new(false, targetPerMinute);

    /// <summary>
    /// Concurrent requests per model container (endpoint) or per copy (component), high resolution. Default target:
    /// <see cref="DefaultConcurrencyShare"/> of vLLM's maximum of concurrent sequences (the model's <c>MaxNumSeqs</c>, else
    /// vLLM's default for the GPU, see <see cref="VllmDefaultMaxNumSeqs"/>), at least 1.
    /// </summary>
    /// <param name="target">Requests in flight to keep per container or copy, above 0.</param>
    public static ScalingSignal ConcurrentRequests(double? target = null) => new(true, target);

    /// <summary>
    /// vLLM's default of <c>--max-num-seqs</c> for its OpenAI server on a GPU: 1024 on GPUs of at least 70 GiB other than
    /// A100, 256 otherwise (vLLM <c>vllm/engine/arg_utils.py</c>, <c>EngineArgs.get_batch_defaults</c>, usage context
    /// <c>OPENAI_API_SERVER</c>).
    /// </summary>
    /// <param name="instanceType">The instance type whose GPU runs the engine.</param>
    public static int VllmDefaultMaxNumSeqs(GpuInstanceType instanceType)
    {
        ArgumentNullException.ThrowIfNull(instanceType);
        return instanceType.GpuMemoryGiB >= 70 && !instanceType.GpuModel.Contains("A100", StringComparison.OrdinalIgnoreCase) ? 1024 : 256;
    }

    /// <summary>The default concurrency target for an engine of <paramref name="maxNumSeqs"/> sequences.</summary>
    /// <param name="maxNumSeqs">vLLM's maximum of concurrent sequences.</param>
    public static double DefaultConcurrencyTarget(int maxNumSeqs) => Math.Max(1, Math.Floor(maxNumSeqs * DefaultConcurrencyShare));

    /// <summary>The predefined metric of a component's copies.</summary>
    internal PredefinedMetric ComponentMetric => IsConcurrency
        ? PredefinedMetric.SAGEMAKER_INFERENCE_COMPONENT_CONCURRENT_REQUESTS_PER_COPY_HIGH_RESOLUTION
        : PredefinedMetric.SAGEMAKER_INFERENCE_COMPONENT_INVOCATIONS_PER_COPY;

    /// <summary>The predefined metric type of an endpoint variant, as Application Auto Scaling names it.</summary>
    internal string VariantMetricType => IsConcurrency ? "SageMakerVariantConcurrentRequestsPerModelHighResolution" : "SageMakerVariantInvocationsPerInstance";

    /// <summary>A short name for policy names: <c>invocations-per-instance</c>, <c>concurrent-requests-per-model</c>...</summary>
    internal string PolicySuffix(bool component) => (IsConcurrency, component) switch
    {
        (true, true) => "concurrent-requests-per-copy",
        (true, false) => "concurrent-requests-per-model",
        (false, true) => "invocations-per-copy",
        (false, false) => "invocations-per-instance",
    };

    /// <summary>The target in effect: as given, or the default for the signal and <paramref name="maxNumSeqs"/>.</summary>
    internal double TargetFor(int maxNumSeqs) => Target ?? (IsConcurrency ? DefaultConcurrencyTarget(maxNumSeqs) : ServingDefaults.TargetInvocations);

    /// <inheritdoc />
    public override string ToString()
        => (IsConcurrency ? "concurrent requests" : "invocations per minute") + (Target is { } t ? " " + t.ToString(CultureInfo.InvariantCulture) : "");
}
