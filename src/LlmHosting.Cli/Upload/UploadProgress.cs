using System.Diagnostics;
using LlmHosting.ModelValidation;

namespace LlmHosting.Cli.Upload;

/// <summary>
/// The progress display of upload-model: on a terminal one line rewritten in place (bytes, rate, ETA) at most four
/// times a second; when the output is a file or pipe, a plain line at most every <see cref="PlainInterval"/>, so
/// that logs stay short.
/// </summary>
internal sealed class UploadProgress
{
    public static readonly TimeSpan PlainInterval = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan LiveInterval = TimeSpan.FromMilliseconds(250);

    private readonly TextWriter _output;
    private readonly bool _live;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Lock _lock = new();
    private long _totalBytes;
    private long _sentBytes;
    private TimeSpan? _lastShown;
    private int _lineLength;

    public UploadProgress(TextWriter output, bool isTerminal)
    {
        _output = output;
        _live = isTerminal;
    }

    public long SentBytes => Interlocked.Read(ref _sentBytes);

    public TimeSpan Elapsed => _clock.Elapsed;

    /// <summary>Adds bytes to send (known once each file's plan is made).</summary>
    public void AddToSend(long bytes) => Interlocked.Add(ref _totalBytes, bytes);

    /// <summary>Counts sent bytes and shows the line when it is due.</summary>
    public void Sent(long bytes)
    {
        Interlocked.Add(ref _sentBytes, bytes);
        Show(force: false);
    }

    /// <summary>Prints a message on its own line without mixing it with the live line.</summary>
    public void Message(string line)
    {
        lock (_lock)
        {
            ClearLive();
            _output.WriteLine(line);
        }
    }

    /// <summary>Ends the live line so that what follows starts on a clean line.</summary>
    public void Finish()
    {
        lock (_lock)
        {
            ClearLive();
        }
    }

    /// <summary>Rate in bytes per second since the start.</summary>
    public double Rate => _clock.Elapsed.TotalSeconds > 0 ? SentBytes / _clock.Elapsed.TotalSeconds : 0;

    internal static string FormatRate(double bytesPerSecond) => ModelFolderValidator.FormatSize((long)bytesPerSecond) + "/s";

    internal static string FormatDuration(TimeSpan t) => t.TotalHours >= 1 ? $"{(int)t.TotalHours}:{t:mm\\:ss}" : $"{t:m\\:ss}";

    private void Show(bool force)
    {
        lock (_lock)
        {
            var now = _clock.Elapsed;
            if (!force && _lastShown is { } last && now - last < (_live ? LiveInterval : PlainInterval))
            {
                return;
            }

            _lastShown = now;
            var sent = SentBytes;
            var total = Math.Max(Interlocked.Read(ref _totalBytes), sent);
            var rate = Rate;
            var eta = rate > 0 ? FormatDuration(TimeSpan.FromSeconds((total - sent) / rate)) : "?";
            var line = $"  {ModelFolderValidator.FormatSize(sent)} of {ModelFolderValidator.FormatSize(total)} ({(total == 0 ? 100 : sent * 100 / total)}%), {FormatRate(rate)}, ETA {eta}";
            if (_live)
            {
                _output.Write("\r" + line.PadRight(_lineLength));
                _lineLength = line.Length;
            }
            else
            {
                _output.WriteLine(line);
            }

            _output.Flush();
        }
    }

    private void ClearLive()
    {
        if (_live && _lineLength > 0)
        {
            _output.Write("\r" + new string(' ', _lineLength) + "\r");
            _lineLength = 0;
        }
    }
}
