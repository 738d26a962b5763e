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
        // As from a terminal, where Ctrl-C reaches the program: a test host started as a background job of a shell without
        // job control (`cmd &` in a script) has SIGINT ignored, llmhost would inherit that, and .NET leaves an ignored
        // SIGINT ignored (observed: no exit within 20 s). GNU env's --default-signal gives it back its default action.
        var start = new ProcessStartInfo(SigIntIgnored() ? "env" : "dotnet")
        {
            WorkingDirectory = _workspace.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (start.FileName == "env")
        {
            start.ArgumentList.Add("--default-signal=INT");
            start.ArgumentList.Add("dotnet");
        }

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

    // Whether this process ignores SIGINT (bit 2 of the SigIgn mask of /proc/self/status, Linux).
    private static bool SigIntIgnored()
    {
        var line = File.Exists("/proc/self/status") ? File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("SigIgn:", StringComparison.Ordinal)) : null;
        return line is not null && (Convert.ToUInt64(line["SigIgn:".Length..].Trim(), 16) & 2) != 0;
    }
}
