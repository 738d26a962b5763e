namespace LlmHosting.Cli.Commands.Bench;

/// <summary>
/// Percentiles by linear interpolation between closest ranks: for n values sorted as x[0] ≤ ... ≤ x[n-1] and a fraction
/// p, h = (n - 1)·p and the percentile is x[⌊h⌋] + (h - ⌊h⌋)·(x[⌊h⌋+1] - x[⌊h⌋]). It is numpy's default ("linear"),
/// R's type 7, Excel's PERCENTILE.INC and Python's <c>statistics.quantiles(data, n=100, method="inclusive")</c>, which
/// the tests use as the reference. p50 of an even count is the mean of the two middle values; p99 of fewer than 100
/// values lies between the two largest.
/// </summary>
internal static class Percentiles
{
    /// <summary>The percentile <paramref name="fraction"/> (0 to 1) of values sorted in increasing order.</summary>
    public static double Of(ReadOnlySpan<double> sorted, double fraction)
    {
        if (sorted.IsEmpty)
        {
            throw new ArgumentException("No values.", nameof(sorted));
        }

        var h = (sorted.Length - 1) * fraction;
        var below = (int)Math.Floor(h);
        return below + 1 >= sorted.Length ? sorted[^1] : sorted[below] + ((h - below) * (sorted[below + 1] - sorted[below]));
    }

    /// <summary>Sorts <paramref name="values"/> in place and summarizes them; null when there are none.</summary>
    public static Distribution? Summarize(List<double> values)
    {
        if (values.Count == 0)
        {
            return null;
        }

        values.Sort();
        var sorted = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(values);
        var sum = 0.0;
        foreach (var value in sorted)
        {
            sum += value;
        }

        return new Distribution(values.Count, sum / values.Count, Of(sorted, 0.50), Of(sorted, 0.90), Of(sorted, 0.99));
    }
}

/// <summary>How a measure spread over a level's requests: count, mean and the percentiles the report shows.</summary>
internal sealed record Distribution(int Count, double Mean, double P50, double P90, double P99);
