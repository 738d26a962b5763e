using System.ClientModel;
using System.ClientModel.Primitives;
using System.Diagnostics;
using System.Net.ServerSentEvents;
using LlmHosting.Client;
using OpenAI.Chat;

namespace LlmHosting.Cli.Commands.Bench;

/// <summary>How a request ended.</summary>
internal enum Outcome : byte
{
    /// <summary>Not sent: the run stopped first.</summary>
    NotSent,

    /// <summary>The whole answer arrived.</summary>
    Succeeded,

    /// <summary>An HTTP error, a timeout, a broken stream or an error event.</summary>
    Failed,

    /// <summary>Stopped by Ctrl-C or the run's time limit while in flight: neither a result nor an error.</summary>
    Cancelled,
}

/// <summary>One measured request. Times are in milliseconds from just before the request was handed to the client.</summary>
internal readonly record struct RequestSample
{
    public Outcome Outcome { get; init; }
    public double TimeToFirstTokenMs { get; init; }
    public double EndToEndMs { get; init; }

    /// <summary>Output tokens: the server's <c>usage.completion_tokens</c> when it sent usage, else the chunks that carried output.</summary>
    public int OutputTokens { get; init; }

    /// <summary>True when <see cref="OutputTokens"/> is the server's count.</summary>
    public bool UsageReported { get; init; }

    /// <summary>The server's <c>usage.prompt_tokens</c>, or -1.</summary>
    public int PromptTokens { get; init; }

    /// <summary>A short kind of failure, e.g. <c>HTTP 429</c> or <c>timeout</c>.</summary>
    public string? ErrorKind { get; init; }

    /// <summary>The failure in one line, with the likely fix.</summary>
    public string? ErrorDetail { get; init; }
}

/// <summary>
/// Sends one streamed chat completion through the OpenAI client of the target (its credential, InvokeModel mapping and
/// retries are the client library's) with the SDK's protocol method, and times it with <see cref="Stopwatch.GetTimestamp"/>
/// (monotonic): the first token is the first event that carries output, the inter-token latencies are the gaps between
/// successive such events, the end is the <c>data: [DONE]</c> event. The events are read with .NET's SSE parser and scanned
/// without building documents, so the tool's own cost per token stays small.
/// </summary>
internal sealed class ChatStreamer(BenchTarget target, TimeSpan timeout)
{
    private static readonly double MillisecondsPerTick = 1000.0 / Stopwatch.Frequency;

    /// <summary>Sends <paramref name="body"/>; appends its inter-token gaps (ms) to <paramref name="gaps"/> when it succeeds.</summary>
    public Task<RequestSample> SendAsync(BinaryData body, List<double> gaps, CancellationToken stop) => SendAsync(target.Client, body, gaps, stop);

    /// <summary>Sends an unmeasured request through the client that waits for a cold model; returns the failure explained, or null.</summary>
    public async Task<string?> WarmUpAsync(BinaryData body, CancellationToken stop)
    {
        var sample = await SendAsync(target.WarmupClient, body, [], stop).ConfigureAwait(false);
        return sample.Outcome == Outcome.Failed ? sample.ErrorDetail : null;
    }

    private async Task<RequestSample> SendAsync(ChatClient client, BinaryData body, List<double> gaps, CancellationToken stop)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(stop);
        deadline.CancelAfter(timeout);
        var gapsBefore = gaps.Count;
        var start = Stopwatch.GetTimestamp();
        long first = 0, previous = 0, end = 0;
        int chunks = 0, completion = -1, prompt = -1;
        var done = false;
        try
        {
            using var content = BinaryContent.Create(body);
            var result = await client.CompleteChatAsync(content, new RequestOptions { BufferResponse = false, CancellationToken = deadline.Token }).ConfigureAwait(false);
            using var response = result.GetRawResponse();
            var parser = SseParser.Create(response.ContentStream!, ChunkScanner.Parse);
            await foreach (var item in parser.EnumerateAsync(deadline.Token).ConfigureAwait(false))
            {
                var chunk = item.Data;
                if (chunk.Error is not null)
                {
                    return Failed("stream error", chunk.Error + ".", gaps, gapsBefore);
                }

                if (chunk.Done && !done)
                {
                    // The answer is complete at data: [DONE]; the rest of the stream is read only to reuse the connection.
                    end = Stopwatch.GetTimestamp();
                    done = true;
                }

                completion = chunk.CompletionTokens >= 0 ? chunk.CompletionTokens : completion;
                prompt = chunk.PromptTokens >= 0 ? chunk.PromptTokens : prompt;
                if (chunk.HasOutput)
                {
                    var now = Stopwatch.GetTimestamp();
                    if (chunks++ == 0)
                    {
                        first = now;
                    }
                    else
                    {
                        gaps.Add((now - previous) * MillisecondsPerTick);
                    }

                    previous = now;
                }
            }

            if (chunks == 0 || !done)
            {
                return Failed(
                    chunks == 0 ? "no output" : "stream ended early",
                    chunks == 0
                        ? "The answer carried no output (no content, reasoning or tool call): check --output-tokens and the model."
                        : $"The stream ended after {chunks} chunk(s) without its final data: [DONE]: the server or a proxy closed it early.",
                    gaps, gapsBefore);
            }

            return new RequestSample
            {
                Outcome = Outcome.Succeeded,
                TimeToFirstTokenMs = (first - start) * MillisecondsPerTick,
                EndToEndMs = (end - start) * MillisecondsPerTick,
                OutputTokens = completion >= 0 ? completion : chunks,
                UsageReported = completion >= 0,
                PromptTokens = prompt,
            };
        }
        catch (Exception) when (stop.IsCancellationRequested)
        {
            gaps.RemoveRange(gapsBefore, gaps.Count - gapsBefore);
            return new RequestSample { Outcome = Outcome.Cancelled };
        }
        catch (Exception e) when (deadline.IsCancellationRequested)
        {
            return Failed("timeout", ChatErrors.Explain(new TimeoutException(e.Message), target.Url, target.Region, target.ModelId, timeout) ?? e.Message, gaps, gapsBefore);
        }
        catch (Exception e)
        {
            // Whatever a request meets is a result of the run, never the end of it.
            return Failed(KindOf(e), ChatErrors.Explain(e, target.Url, target.Region, target.ModelId, timeout, target.AccessNeeded) ?? e.Message, gaps, gapsBefore);
        }
    }

    private static RequestSample Failed(string kind, string detail, List<double> gaps, int gapsBefore)
    {
        gaps.RemoveRange(gapsBefore, gaps.Count - gapsBefore);
        return new RequestSample { Outcome = Outcome.Failed, ErrorKind = kind, ErrorDetail = detail };
    }

    private static string KindOf(Exception e) => e switch
    {
        ModelStartingException => "model starting",
        ClientResultException { Status: > 0 } http => $"HTTP {http.Status}",
        ModelStreamException => "stream error",
        _ when e is HttpRequestException || e.InnerException is HttpRequestException => "connection failed",
        _ => e.GetType().Name,
    };
}
