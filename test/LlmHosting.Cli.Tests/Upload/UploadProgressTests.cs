using LlmHosting.Cli.Upload;

namespace LlmHosting.Cli.Tests.Upload;

public sealed class UploadProgressTests
{
    private sealed class ManualTime : TimeProvider
    {
        public long Ticks { get; set; }

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => Ticks;

        public void Advance(double seconds) => Ticks += (long)(seconds * TimeSpan.TicksPerSecond);
    }

    [Fact]
    public void Progress_RedirectedOutput_PlainLinesAtMostEveryFiveSecondsWithRateAndEta()
    {
        var time = new ManualTime();
        var output = new StringWriter();
        var progress = new UploadProgress(output, isTerminal: false, time);
        progress.AddToSend(100_000_000);

        progress.Sent(10_000_000);
        time.Advance(2);
        progress.Sent(10_000_000);
        time.Advance(3);
        progress.Sent(10_000_000);

        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(
        [
            "  10 MB of 100 MB (10%), ? MB/s, ETA ?",
            "  30 MB of 100 MB (30%), 4 MB/s, ETA 0:17",
        ], lines);
        Assert.DoesNotContain('\r', output.ToString());
    }

    [Fact]
    public void Progress_Terminal_RewritesOneLineAndClearsItForMessages()
    {
        var time = new ManualTime();
        var output = new StringWriter();
        var progress = new UploadProgress(output, isTerminal: true, time);
        progress.AddToSend(2_000_000);

        progress.Sent(1_000_000);
        time.Advance(0.3);
        progress.Sent(500_000);
        progress.Message("  uploaded  a.bin");

        var text = output.ToString();
        Assert.StartsWith("\r  1 MB of 2 MB (50%), ? MB/s, ETA ?", text);
        Assert.Contains("\r  1.5 MB of 2 MB (75%)", text);
        Assert.EndsWith("\r  uploaded  a.bin" + Environment.NewLine, text);
        Assert.DoesNotContain('\n', text.TrimEnd());
    }
}
