using System.Globalization;
using Amazon.CDK;
using LlmHosting.Constructs.Validation;

namespace LlmHosting.Constructs.Sagemaker;

/// <summary>
/// The thresholds of a served model's default alarms, from its options and its limits. Normal traffic must not trip them:
/// a rollback alarm that fires on it rolls back an ordinary update.
/// <list type="bullet">
/// <item>Errors are judged as a rate, never as a count: one 5XX among a handful of requests is not a broken model.</item>
/// <item>Latency is judged against the longest request the model allows: vLLM lets a request generate up to the rest of
/// its context window (<c>max_tokens</c> defaults to <c>max_model_len</c> minus the prompt), so a healthy server can take
/// <c>max_model_len</c> x <see cref="ServingDefaults.SlowestTokenInterval"/> for one request of a long streamed answer.
/// InvokeEndpoint (not streamed) is cut by SageMaker at 60 s (botocore's sagemaker-runtime model), so below 60 s the
/// threshold would flag only the requests SageMaker lets run.</item>
/// </list>
/// </summary>
internal sealed record AlarmThresholds(double ErrorRatePercent, int MinimumInvocations, Duration ModelLatency, string ModelLatencyBasis)
{
    /// <summary>The thresholds in effect for <paramref name="options"/>: as set, else derived from the model's limits.</summary>
    internal static AlarmThresholds For(VllmServingOptions options)
    {
        var errorRate = options.ErrorRateAlarmThreshold ?? ServingDefaults.ErrorRateAlarmThreshold;
        if (options.ModelLatencyAlarmThreshold is { } latency)
        {
            return new AlarmThresholds(errorRate, ServingDefaults.ErrorRateAlarmMinimumInvocations, latency, "as set");
        }

        var (seconds, basis) = DerivedLatencySeconds(options);
        return new AlarmThresholds(errorRate, ServingDefaults.ErrorRateAlarmMinimumInvocations, Duration.Seconds(seconds), basis);
    }

    /// <summary>The problems of the alarm settings of <paramref name="options"/>, under <paramref name="prefix"/>.</summary>
    internal static IEnumerable<PropsProblem> Problems(VllmServingOptions options, string prefix = "")
    {
        var rate = prefix + nameof(VllmServingOptions.ErrorRateAlarmThreshold);
        if (options.ErrorRateAlarmThreshold is { } percent && !(percent > 0 && percent <= 100))
        {
            yield return new PropsProblem(rate, $"{Property.Ref(rate)} {percent.ToString(CultureInfo.InvariantCulture)} must be a percentage above 0 and at most 100");
        }
    }

    /// <summary>
    /// The longest a healthy request can take: the model's context length (<c>Vllm.MaxModelLength</c>, else the model's
    /// <see cref="KnownModel.MaxContextLength"/>) times <see cref="ServingDefaults.SlowestTokenInterval"/>, at least 60 s;
    /// <see cref="ServingDefaults.UnknownLengthModelLatencyAlarmThreshold"/> when neither length is known. Whole seconds.
    /// </summary>
    private static (double Seconds, string Basis) DerivedLatencySeconds(VllmServingOptions options)
    {
        var length = options.Vllm?.MaxModelLength ?? options.Model?.MaxContextLength;
        if (length is not { } tokens || tokens < 1)
        {
            return (ServingDefaults.UnknownLengthModelLatencyAlarmThreshold.ToSeconds(), "the model's context length is unknown");
        }

        var perToken = ServingDefaults.SlowestTokenInterval.ToMilliseconds() / 1000.0;
        var seconds = Math.Max(ServingDefaults.MinimumModelLatencyAlarmThreshold.ToSeconds(), Math.Ceiling(tokens * perToken));
        return (seconds, $"{tokens.ToString(CultureInfo.InvariantCulture)} tokens x {ServingDefaults.SlowestTokenInterval.ToMilliseconds()} ms");
    }
}
