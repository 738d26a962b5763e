using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using LlmHosting.Cli.Commands.Bench;

namespace LlmHosting.Cli.Tests.Bench;

public sealed class PercentilesTests
{
    [Fact]
    public void Of_FourValues_InterpolatesBetweenClosestRanks()
    {
        double[] sorted = [1, 2, 3, 4];

        // h = (n - 1)p: 1.5, 2.7 and 2.97 ranks from the first value.
        Assert.Equal(2.5, Percentiles.Of(sorted, 0.50), 12);
        Assert.Equal(3.7, Percentiles.Of(sorted, 0.90), 12);
        Assert.Equal(3.97, Percentiles.Of(sorted, 0.99), 12);
        Assert.Equal(1, Percentiles.Of(sorted, 0), 12);
        Assert.Equal(4, Percentiles.Of(sorted, 1), 12);
    }

    [Fact]
    public void Summarize_OneValue_IsThatValueEverywhere()
    {
        var summary = Percentiles.Summarize([7.5])!;

        Assert.Equal((1, 7.5, 7.5, 7.5, 7.5), (summary.Count, summary.Mean, summary.P50, summary.P90, summary.P99));
        Assert.Null(Percentiles.Summarize([]));
    }

    /// <summary>The reference: Python's statistics.quantiles(data, n=100, method="inclusive"), cut points 50, 90 and 99.</summary>
    [Fact]
    public void Summarize_RandomSamples_MatchPythonStatisticsQuantilesInclusive()
    {
        var random = new Random(21);
        var samples = new[] { 2, 3, 10, 21, 99, 100, 1001 }
            .Select(n => Enumerable.Range(0, n).Select(_ => Math.Round(random.NextDouble() * 1000, 3)).ToList())
            .ToList();

        var expected = PythonQuantiles(samples);

        for (var i = 0; i < samples.Count; i++)
        {
            var summary = Percentiles.Summarize([.. samples[i]])!;
            Assert.Equal(expected[i][0], summary.P50, 9);
            Assert.Equal(expected[i][1], summary.P90, 9);
            Assert.Equal(expected[i][2], summary.P99, 9);
            Assert.Equal(samples[i].Average(), summary.Mean, 9);
        }
    }

    private static double[][] PythonQuantiles(List<List<double>> samples)
    {
        const string Script = """
            import json, statistics, sys
            out = []
            for data in json.load(sys.stdin):
                q = statistics.quantiles(data, n=100, method="inclusive")
                out.append([q[49], q[89], q[98]])
            print(json.dumps(out))
            """;
        var start = new ProcessStartInfo("python3", ["-c", Script]) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        process.StandardInput.Write(JsonSerializer.Serialize(samples));
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEnd();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, "python3 statistics.quantiles failed: " + error);
        return JsonSerializer.Deserialize<double[][]>(output.ToString(CultureInfo.InvariantCulture))!;
    }
}
