using Amazon.CDK;
using Amazon.CDK.AWS.CloudWatch;

namespace LlmHosting.Constructs.Sagemaker;

/// <summary>Builds the CloudWatch metrics of endpoints and inference components from their fixed dimensions.</summary>
internal static class SagemakerMetrics
{
    /// <summary>
    /// A metric with <paramref name="dimensions"/> plus any from <paramref name="options"/>. Default: average over
    /// 5 minutes.
    /// </summary>
    internal static Metric Create(string metricNamespace, string metricName, IDictionary<string, string> dimensions, IMetricOptions? options)
    {
        var merged = new Dictionary<string, string>(dimensions);
        foreach (var (key, value) in options?.DimensionsMap ?? new Dictionary<string, string>())
        {
            merged[key] = value;
        }

        return new Metric(new MetricProps
        {
            Namespace = metricNamespace,
            MetricName = metricName,
            DimensionsMap = merged,
            Statistic = options?.Statistic ?? "Average",
            Period = options?.Period ?? Duration.Minutes(5),
            Label = options?.Label,
            Unit = options?.Unit,
            Color = options?.Color,
            Account = options?.Account,
            Region = options?.Region,
        });
    }

    /// <summary>The options with <paramref name="statistic"/> as the default statistic.</summary>
    internal static IMetricOptions WithStatistic(IMetricOptions? options, string statistic) => new MetricOptions
    {
        Statistic = options?.Statistic ?? statistic,
        Period = options?.Period,
        Label = options?.Label,
        Unit = options?.Unit,
        Color = options?.Color,
        Account = options?.Account,
        Region = options?.Region,
        DimensionsMap = options?.DimensionsMap,
    };
}
