using LlmHosting.ModelValidation;

namespace LlmHosting.Cli.Upload;

/// <summary>
/// The progress display of upload-model: on a terminal one line rewritten in place (bytes, rate, ETA) at most four
/// times a second; when the output is a file or pipe, a plain line at most every <see cref="PlainInterval"/>, so
/// that logs stay short. The rate shown is that of the last <see cref="RateWindow"/>, so that the hash pass and the
/// small files at the start do not make the ETA absurd.
/// </summary>
internal sealed class UploadProgress
{
    public static readonly TimeSpan PlainInterval = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan LiveInterval = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan RateWindow = TimeSpan.FromSeconds(10);

    private readonly TextWriter _output;
    private readonly bool _live;
    private readonly TimeProvider _clock;
    private readonly long _start;
    private readonly Lock _lock = new();
    private long _totalBytes;
    private long _sentBytes;
    private TimeSpan? _lastShown;
    private int _lineLength;
    private readonly Queue<(TimeSpan At, long Sent)> _samples = new();

    public UploadProgress(TextWriter output, bool isTerminal, TimeProvider? clock = null)
    {
        _output = output;
        _live = isTerminal;
        _clock = clock ?? TimeProvider.System;
        _start = _clock.GetTimestamp();
    }

    public long SentBytes => Interlocked.Read(ref _sentBytes);

    public TimeSpan Elapsed => _clock.GetElapsedTime(_start);

    /// <summary>
    /// Adds bytes to send. The uploader adds the whole folder before the first file starts, so that the first line
    /// already shows the whole total, and takes back with <see cref="NotToSend"/> what turns out to be in S3 already.
    /// </summary>
    public void AddToSend(long bytes) => Interlocked.Add(ref _totalBytes, bytes);

    /// <summary>Takes back bytes added with <see cref="AddToSend"/> that need no sending (an unchanged file, parts S3 holds).</summary>
    public void NotToSend(long bytes) => Interlocked.Add(ref _totalBytes, -bytes);

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

    internal static string FormatRate(double bytesPerSecond) => ModelFolderValidator.FormatSize((long)bytesPerSecond) + "/s";

    internal static string FormatDuration(TimeSpan t) => t.TotalHours >= 1 ? $"{(int)t.TotalHours}:{t:mm\\:ss}" : $"{t:m\\:ss}";

    private void Show(bool force)
    {
        lock (_lock)
        {
            var now = Elapsed;
            if (!force && _lastShown is { } last && now - last < (_live ? LiveInterval : PlainInterval))
            {
                return;
            }

            _lastShown = now;
            var sent = SentBytes;
            var total = Math.Max(Interlocked.Read(ref _totalBytes), sent);
            _samples.Enqueue((now, sent));
            while (_samples.Count > 2 && now - _samples.Peek().At > RateWindow)
            {
                _samples.Dequeue();
            }

            var (since, sentThen) = _samples.Peek();
            var rate = now - since > TimeSpan.FromSeconds(1) ? (sent - sentThen) / (now - since).TotalSeconds : 0;
            var eta = rate > 0 ? FormatDuration(TimeSpan.FromSeconds((total - sent) / rate)) : "?";
            var line = $"  {ModelFolderValidator.FormatSize(sent)} of {ModelFolderValidator.FormatSize(total)} ({(total == 0 ? 100 : sent * 100 / total)}%), {(rate > 0 ? FormatRate(rate) : "? MB/s")}, ETA {eta}";
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
