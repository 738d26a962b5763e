using System.Diagnostics;
using System.Globalization;

namespace LlmHosting.Cli.Commands.Bench;

/// <summary>What one level of concurrency measured: every request's sample and the inter-token gaps of those that succeeded.</summary>
internal sealed class LevelRun
{
    public required int Concurrency { get; init; }
    public required RequestSample[] Samples { get; init; }
    public required List<double> InterTokenGapsMs { get; init; }

    /// <summary>From the first request sent to the last one ended, in seconds.</summary>
    public required double DurationSeconds { get; init; }

    /// <summary>True when Ctrl-C or the time limit stopped the level before all its requests ended.</summary>
    public required bool Stopped { get; init; }
}

/// <summary>
/// Runs the levels one after the other, each as a closed loop: <c>concurrency</c> workers send the level's requests
/// back to back (a worker sends its next request when its previous one has ended), so that exactly that many are in
/// flight until the last ones. Progress goes to standard error.
/// </summary>
internal sealed class LoadRunner(ChatStreamer streamer, TextWriter progress)
{
    private static readonly TimeSpan ProgressInterval = TimeSpan.FromSeconds(10);

    public async Task<LevelRun> RunLevelAsync(int concurrency, BinaryData[] bodies, CancellationToken stop)
    {
        var samples = new RequestSample[bodies.Length];
        var next = -1;
        var finished = 0;
        var gapsPerWorker = new List<double>[concurrency];
        async Task Worker(int worker)
        {
            var gaps = gapsPerWorker[worker] = new List<double>(bodies.Length / concurrency * 64);
            int index;
            while (!stop.IsCancellationRequested && (index = Interlocked.Increment(ref next)) < bodies.Length)
            {
                samples[index] = await streamer.SendAsync(bodies[index], gaps, stop).ConfigureAwait(false);
                Interlocked.Increment(ref finished);
            }
        }

        await progress.WriteLineAsync($"concurrency {concurrency}: {bodies.Length} requests...").ConfigureAwait(false);
        var start = Stopwatch.GetTimestamp();
        var all = Task.WhenAll(Enumerable.Range(0, concurrency).Select(worker => Task.Run(() => Worker(worker), CancellationToken.None)));
        while (await Task.WhenAny(all, Task.Delay(ProgressInterval, stop)).ConfigureAwait(false) != all && !stop.IsCancellationRequested)
        {
            await progress.WriteLineAsync($"  {Volatile.Read(ref finished)}/{bodies.Length} done after {Stopwatch.GetElapsedTime(start).TotalSeconds:0} s").ConfigureAwait(false);
        }

        await all.ConfigureAwait(false);
        var duration = Stopwatch.GetElapsedTime(start).TotalSeconds;
        var failed = samples.Count(s => s.Outcome == Outcome.Failed);
        await progress.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"  {samples.Count(s => s.Outcome == Outcome.Succeeded)} succeeded, {failed} failed in {duration:0.0} s")).ConfigureAwait(false);
        return new LevelRun
        {
            Concurrency = concurrency,
            Samples = samples,
            InterTokenGapsMs = gapsPerWorker.Where(g => g is not null).SelectMany(g => g).ToList(),
            DurationSeconds = duration,
            Stopped = samples.Any(s => s.Outcome is Outcome.Cancelled or Outcome.NotSent),
        };
    }
}
