using System.Text.RegularExpressions;
using LlmHosting.Constructs.Events;

namespace LlmHosting.App.Configuration;

/// <summary>
/// Where vLLM's serving metrics are published in CloudWatch (<c>operations.llmMetrics</c>): the namespace and dimensions of
/// whatever publishes them, and their names when they differ from vLLM's (<see cref="LlmServingMetrics"/>).
/// </summary>
public sealed partial record LlmMetricsConfig
{
    /// <summary>The CloudWatch namespace, for example <c>LlmHosting/vLLM</c>.</summary>
    public string Namespace { get; init; } = "";

    /// <inheritdoc cref="LlmServingMetrics.ComponentDimension"/>
    public string? ComponentDimension { get; init; }

    /// <inheritdoc cref="LlmServingMetrics.EndpointDimension"/>
    public string? EndpointDimension { get; init; }

    /// <summary>Metric names by what they measure (<c>timeToFirstToken</c>, <c>interTokenLatency</c>, <c>generationTokens</c>, <c>runningRequests</c>, <c>waitingRequests</c>, <c>kvCacheUsage</c>). Default: vLLM's names.</summary>
    public Dictionary<string, string>? Names { get; init; }

    /// <summary>
    /// p90 time to first token, in seconds, above which an update of an endpoint or component is rolled back (and the
    /// operations topic told): an alarm per model in its <c>RollbackAlarms</c>. Missing data never fires it. Default: none.
    /// </summary>
    public double? TimeToFirstTokenRollbackSeconds { get; init; }

    private static readonly string[] Measures = ["timeToFirstToken", "interTokenLatency", "generationTokens", "runningRequests", "waitingRequests", "kvCacheUsage"];

    internal void Validate(ICollection<string> problems, string path)
    {
        // CloudWatch namespaces: letters, digits and . - _ / # : (CloudWatch API reference, Namespace), not starting with AWS/.
        if (!NamespacePattern().IsMatch(Namespace) || Namespace.StartsWith("AWS/", StringComparison.Ordinal))
        {
            problems.Add(Namespace.Length == 0
                ? $"{path}.namespace is missing: the CloudWatch namespace the serving metrics are published under"
                : $"{path}.namespace '{Namespace}' is not a CloudWatch namespace of your own (1-255 letters, digits and . - _ / # :, not starting with AWS/)");
        }

        if (TimeToFirstTokenRollbackSeconds is { } seconds && !(seconds > 0 && seconds <= 600))
        {
            problems.Add($"{path}.timeToFirstTokenRollbackSeconds {seconds} must be above 0 and at most 600");
        }

        foreach (var key in (Names ?? []).Keys.Where(k => !Measures.Contains(k)))
        {
            problems.Add($"{path}.names.{key} is not a measure ({string.Join(", ", Measures)})");
        }
    }

    /// <summary>The library's description of the metrics, from this validated section.</summary>
    internal LlmServingMetrics ToMetrics()
    {
        var names = Names ?? [];
        var defaults = new LlmServingMetrics { Namespace = Namespace };
        return new LlmServingMetrics
        {
            Namespace = Namespace,
            ComponentDimension = ComponentDimension ?? defaults.ComponentDimension,
            EndpointDimension = EndpointDimension ?? defaults.EndpointDimension,
            TimeToFirstToken = names.GetValueOrDefault("timeToFirstToken", defaults.TimeToFirstToken),
            InterTokenLatency = names.GetValueOrDefault("interTokenLatency", defaults.InterTokenLatency),
            GenerationTokens = names.GetValueOrDefault("generationTokens", defaults.GenerationTokens),
            RunningRequests = names.GetValueOrDefault("runningRequests", defaults.RunningRequests),
            WaitingRequests = names.GetValueOrDefault("waitingRequests", defaults.WaitingRequests),
            KvCacheUsage = names.GetValueOrDefault("kvCacheUsage", defaults.KvCacheUsage),
        };
    }

    [GeneratedRegex(@"^[A-Za-z0-9.\-_/#:]{1,255}$", RegexOptions.CultureInvariant)]
    private static partial Regex NamespacePattern();
}
