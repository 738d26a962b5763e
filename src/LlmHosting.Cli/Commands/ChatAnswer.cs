using OpenAI.Chat;

namespace LlmHosting.Cli.Commands;

/// <summary>What every <c>llmhost chat</c> path shares: the Chat Completions options and streaming the answer to standard output.</summary>
internal static class ChatAnswer
{
    /// <summary>Chat Completions options: <c>max_completion_tokens</c> and <c>reasoning_effort</c>, as every door reads them.</summary>
    internal static ChatCompletionOptions CompletionOptions(ChatRequest request)
    {
        var completion = new ChatCompletionOptions { MaxOutputTokenCount = request.MaxTokens };
        if (request.ReasoningEffort is not null)
        {
            // OpenAI 2.x marks reasoning_effort experimental, yet it is the only typed way to send it; the package
            // version is pinned centrally, so a breaking change shows up as a build error, not at run time.
#pragma warning disable OPENAI001
            completion.ReasoningEffortLevel = new ChatReasoningEffortLevel(request.ReasoningEffort);
#pragma warning restore OPENAI001
        }

        return completion;
    }

    internal static async IAsyncEnumerable<string> TextOf(IAsyncEnumerable<StreamingChatCompletionUpdate> updates)
    {
        await foreach (var update in updates)
        {
            foreach (var part in update.ContentUpdate)
            {
                yield return part.Text;
            }
        }
    }

    /// <summary>
    /// Writes the answer as it streams, within the timeout; a failure the command can explain becomes one line
    /// (after ending a partial answer's line) and exit code 1.
    /// </summary>
    internal static async Task WriteStreamAsync(
        Func<CancellationToken, IAsyncEnumerable<string>> answer, Func<Exception, string?> explain, TimeSpan timeout, TextWriter output, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        var wroteAnything = false;
        try
        {
            await foreach (var text in answer(deadline.Token).WithCancellation(deadline.Token))
            {
                await output.WriteAsync(text);
                await output.FlushAsync(CancellationToken.None);
                wroteAnything = true;
            }
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested && explain(e) is { } explanation)
        {
            if (wroteAnything)
            {
                await output.WriteLineAsync();
            }

            throw new CliException(explanation, ExitCodes.RequestFailed);
        }

        await output.WriteLineAsync();
    }
}
