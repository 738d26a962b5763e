using System.Globalization;

namespace LlmHosting.Cli.Commands.Bench;

/// <summary>One <c>llmhost bench</c> run: checks the options, resolves the endpoint, warms it up, runs each level within
/// the time limit, then reports whatever was measured, also after Ctrl-C.</summary>
internal static class BenchRun
{
    public static async Task<int> RunAsync(BenchRequest request, ClientDependencies dependencies, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var (settings, problems) = request.Validate();
        CheckFolders(request, dependencies, problems);
        if (settings is null || problems.Count > 0)
        {
            foreach (var problem in problems)
            {
                await error.WriteLineAsync("error: " + problem);
            }

            return ExitCodes.Usage;
        }

        BenchTarget target;
        try
        {
            target = await BenchTarget.ResolveAsync(request, settings.Timeout, dependencies, cancellationToken);
        }
        catch (CliException e)
        {
            await error.WriteLineAsync("error: " + e.Message);
            return e.ExitCode;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await error.WriteLineAsync("Interrupted before any request was sent.");
            return BenchCommand.ExitInterrupted;
        }

        using (target)
        {
            return await MeasureAsync(target, settings, dependencies, output, error, cancellationToken);
        }
    }

    private static async Task<int> MeasureAsync(
        BenchTarget target, BenchSettings settings, ClientDependencies dependencies, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(settings.MaxDuration);
        var ignoreEos = settings.IgnoreEos ?? target.IsVllm;
        var streamer = new ChatStreamer(target, settings.Timeout);
        var startedAt = dependencies.Clock.GetUtcNow();
        await error.WriteLineAsync($"Benchmarking {target.Name} at {target.Url}: concurrency {string.Join(",", settings.Levels)}, {settings.Warmup} warm-up request(s) first.");
        // Sent together, so that they also open as many connections as there are of them.
        var warmups = await Task.WhenAll(Enumerable.Range(0, settings.Warmup)
            .Select(i => streamer.WarmUpAsync(RequestBodies.Warmup(settings, i, target.ModelId, ignoreEos), limit.Token)));
        if (warmups.FirstOrDefault(failure => failure is not null) is { } failed)
        {
            await error.WriteLineAsync($"error: The warm-up request failed, so nothing was measured: {failed}");
            return ExitCodes.RequestFailed;
        }

        var runner = new LoadRunner(streamer, error);
        var runs = new List<LevelRun>();
        for (var i = 0; i < settings.Levels.Length && !limit.IsCancellationRequested; i++)
        {
            var level = i;
            runs.Add(await runner.RunLevelAsync(
                settings.Levels[i], settings.RequestsAt(settings.Levels[i]), index => RequestBodies.Create(settings, level, index, target.ModelId, ignoreEos), limit.Token));
        }

        var result = new BenchResult
        {
            Model = target.Name,
            Url = target.Url,
            StartedAt = startedAt,
            Settings = settings,
            IgnoreEos = ignoreEos,
            Levels = runs.Select(run => LevelStats.From(run, settings.PricePerHour)).ToList(),
            StoppedBy = cancellationToken.IsCancellationRequested ? "interrupted"
                : limit.IsCancellationRequested ? string.Create(CultureInfo.InvariantCulture, $"the time limit, --max-duration {settings.MaxDuration.TotalSeconds:0} s")
                : null,
        };
        await output.WriteAsync(BenchReport.Markdown(result));
        await output.FlushAsync(CancellationToken.None);
        if (!await WriteFilesAsync(result, runs, settings, dependencies, error))
        {
            return ExitCodes.Usage;
        }

        return cancellationToken.IsCancellationRequested ? BenchCommand.ExitInterrupted
            : result.StoppedBy is not null || result.Levels.Any(l => l.Failed > 0) ? ExitCodes.RequestFailed
            : ExitCodes.Success;
    }

    private static async Task<bool> WriteFilesAsync(BenchResult result, List<LevelRun> runs, BenchSettings settings, ClientDependencies dependencies, TextWriter error)
    {
        try
        {
            if (settings.SvgFile is { } svg)
            {
                var path = Path.Combine(dependencies.WorkingDirectory, svg);
                BenchChart.Save(BenchChart.Create(result), path);
                await error.WriteLineAsync($"Chart: {path}");
            }

            if (settings.JsonFile is { } json)
            {
                var path = Path.Combine(dependencies.WorkingDirectory, json);
                await BenchJson.WriteAsync(path, BenchJson.Create(result, runs), CancellationToken.None);
                await error.WriteLineAsync($"Figures and requests: {path}");
            }

            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            await error.WriteLineAsync($"error: {e.Message} (the table above has the figures).");
            return false;
        }
    }

    /// <summary>The folders of --json and --svg must exist before anything is measured, so that no result is lost.</summary>
    private static void CheckFolders(BenchRequest request, ClientDependencies dependencies, List<string> problems)
    {
        foreach (var (option, file) in new[] { ("--svg", request.Svg), ("--json", request.Json) })
        {
            if (string.IsNullOrWhiteSpace(file))
            {
                if (file is not null)
                {
                    problems.Add($"{option} needs a file name.");
                }

                continue;
            }

            var folder = Path.GetDirectoryName(Path.Combine(dependencies.WorkingDirectory, file));
            if (Directory.Exists(Path.Combine(dependencies.WorkingDirectory, file)))
            {
                problems.Add($"{option} {file} is a folder: name a file in it.");
            }
            else if (folder is not null && !Directory.Exists(folder))
            {
                problems.Add($"{option} {file}: the folder {folder} does not exist.");
            }
        }
    }
}
