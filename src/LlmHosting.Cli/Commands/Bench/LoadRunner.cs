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

    /// <param name="concurrency">Requests in flight.</param>
    /// <param name="requests">Requests of the level.</param>
    /// <param name="body">Makes the body of the request of that index.</param>
    /// <param name="stop">Ctrl-C or the time limit.</param>
    public async Task<LevelRun> RunLevelAsync(int concurrency, int requests, Func<int, BinaryData> body, CancellationToken stop)
    {
        var samples = new RequestSample[requests];
        var next = -1;
        var finished = 0;
        var gapsPerWorker = new List<double>[concurrency];
        async Task Worker(int worker)
        {
            var gaps = gapsPerWorker[worker] = [];
            int index;
            while (!stop.IsCancellationRequested && (index = Interlocked.Increment(ref next)) < requests)
            {
                samples[index] = await streamer.SendAsync(body(index), gaps, stop).ConfigureAwait(false);
                Interlocked.Increment(ref finished);
            }
        }

        await progress.WriteLineAsync($"concurrency {concurrency}: {requests} requests...").ConfigureAwait(false);
        var start = Stopwatch.GetTimestamp();
        var all = Task.WhenAll(Enumerable.Range(0, concurrency).Select(worker => Task.Run(() => Worker(worker), CancellationToken.None)));
        while (await Task.WhenAny(all, Task.Delay(ProgressInterval, stop)).ConfigureAwait(false) != all && !stop.IsCancellationRequested)
        {
            await progress.WriteLineAsync($"  {Volatile.Read(ref finished)}/{requests} done after {Stopwatch.GetElapsedTime(start).TotalSeconds:0} s").ConfigureAwait(false);
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
