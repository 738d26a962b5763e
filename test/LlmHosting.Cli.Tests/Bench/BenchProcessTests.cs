using System.Collections.Concurrent;
using System.Diagnostics;
using System.Reflection;
using LlmHosting.TestSupport;

namespace LlmHosting.Cli.Tests.Bench;

/// <summary><c>llmhost bench</c> as a process, interrupted with SIGINT (Ctrl-C) part-way.</summary>
public sealed class BenchProcessTests : IDisposable
{
    private static readonly string LlmhostDll = Path.GetFullPath(typeof(BenchProcessTests).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "LlmhostDll").Value!);

    private readonly Workspace _workspace = new();

    public void Dispose() => _workspace.Dispose();

    [Fact]
    public async Task Bench_CtrlC_PrintsWhatItMeasuredWritesTheChartAndExitsWith130()
    {
        // The warm-up and the first level answer at once; the second level's requests would take a minute.
        await using var server = await ScriptedChatServer.StartAsync(arrival => arrival < 3
            ? new ScriptStep(TimeSpan.Zero, TimeSpan.Zero, Tokens: 4)
            : new ScriptStep(TimeSpan.FromSeconds(60), TimeSpan.Zero, Tokens: 4));
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = _workspace.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { LlmhostDll, "bench", "--base-url", server.BaseUrl.ToString(), "--model", "fake", "--concurrency", "1,2", "--requests", "2" })
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["AWS_ACCESS_KEY_ID"] = Cli.AccessKey;
        start.Environment["AWS_SECRET_ACCESS_KEY"] = Cli.SecretKey;
        start.Environment["AWS_REGION"] = "us-east-1";
        var error = new ConcurrentQueue<string>();
        using var process = new Process { StartInfo = start };
        process.ErrorDataReceived += (_, line) => error.Enqueue(line.Data ?? string.Empty);
        process.Start();
        process.BeginErrorReadLine();
        var output = process.StandardOutput.ReadToEndAsync();
        try
        {
            var waited = Stopwatch.StartNew();
            while (server.Requests < 1 + 2 + 2 && waited.Elapsed < TimeSpan.FromSeconds(45) && !process.HasExited)
            {
                await Task.Delay(50);
            }

            Assert.True(server.Requests == 5, $"the second level did not start: {string.Join(" | ", error)}");
            using (var kill = Process.Start("kill", ["-INT", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync();
            }

            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            await process.WaitForExitAsync(timeout.Token);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }

        var report = await output;
        Assert.True(process.ExitCode == 130, $"exit {process.ExitCode}: {string.Join(" | ", error)}");
        Assert.Equal(["1", "2 (stopped)"], BenchCli.Rows(report).Keys);
        Assert.Contains("- Stopped early (interrupted): requests in flight were abandoned and are not counted.", report);
        Assert.True(File.Exists(Path.Combine(_workspace.Root, "llmhost-bench.svg")));
    }
}
