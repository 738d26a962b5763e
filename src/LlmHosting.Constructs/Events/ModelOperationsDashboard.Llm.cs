using Amazon.CDK.AWS.CloudWatch;
using LlmHosting.Constructs.Sagemaker;

namespace LlmHosting.Constructs.Events;

/// <summary>The LLM serving row of a <see cref="ModelOperationsDashboard"/>: what users feel and what explains it.</summary>
public sealed partial class ModelOperationsDashboard
{
    /// <summary>
    /// Adds a row of vLLM's serving metrics for a model: time to first token and inter-token latency (p50, p90, seconds),
    /// output tokens per second, and running requests, waiting requests and KV-cache usage (a share, 0-1).
    /// </summary>
    /// <param name="model">An endpoint or (adapter) inference component.</param>
    /// <param name="metrics">Where the metrics are (<see cref="LlmServingMetrics"/>: the path to CloudWatch is yours to set).</param>
    public void AddLlmServing(IServedModel model, LlmServingMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(metrics);
        var name = model is IInferenceComponentModel component ? component.InferenceComponentName : model.EndpointName;
        var tokens = metrics.Metric(model, metrics.GenerationTokens, Options("Sum", "generated tokens"));
        var tokensPerSecond = new MathExpression(new MathExpressionProps
        {
            // Tokens counted in each period, over the period's seconds.
            Expression = "tokens / PERIOD(tokens)",
            UsingMetrics = new Dictionary<string, IMetric> { ["tokens"] = tokens },
            Label = "output tokens per second",
            Period = _period,
        });
        Dashboard.AddWidgets(
            Graph($"{name}: time to first token and inter-token latency (seconds)", [
                metrics.Metric(model, metrics.TimeToFirstToken, Options("p50", "time to first token p50")),
                metrics.Metric(model, metrics.TimeToFirstToken, Options("p90", "time to first token p90")),
                metrics.Metric(model, metrics.InterTokenLatency, Options("p50", "inter-token latency p50")),
                metrics.Metric(model, metrics.InterTokenLatency, Options("p90", "inter-token latency p90")),
            ]),
            Graph($"{name}: output tokens per second", [tokensPerSecond]),
            Graph($"{name}: requests running and waiting, KV cache in use (0-1)", [
                metrics.Metric(model, metrics.RunningRequests, Options("Average", "running requests")),
                metrics.Metric(model, metrics.WaitingRequests, Options("Average", "waiting requests")),
                metrics.Metric(model, metrics.KvCacheUsage, Options("Maximum", "KV cache usage (max)")),
            ]));
    }
}
