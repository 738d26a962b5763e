using System.ClientModel.Primitives;
using System.Text.Json;

namespace LlmHosting.Client;

/// <summary>
/// Serves an imported Bedrock model through the OpenAI SDK's <c>ChatClient</c>: rewrites its
/// <c>POST .../chat/completions</c> to Bedrock runtime's <c>POST /model/{modelId}/invoke</c>, or
/// <c>/invoke-with-response-stream</c> when the body asks for a stream, keeping the OpenAI chat-completions body
/// (Bedrock Custom Model Import's OpenAIChatCompletion format). A streamed answer arrives as
/// <c>application/vnd.amazon.eventstream</c> and is turned back into the server-sent events the SDK reads.
/// Paths, headers and the stream's shape follow botocore's bedrock-runtime service model (2023-09-30).
/// </summary>
internal sealed class InvokeModelPipelinePolicy(Uri runtimeEndpoint, string modelId) : PipelinePolicy
{
    public override void Process(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex)
    {
        var stream = Map(message);
        ProcessNext(message, pipeline, currentIndex);
        Adapt(message, stream);
    }

    public override async ValueTask ProcessAsync(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex)
    {
        var stream = Map(message);
        await ProcessNextAsync(message, pipeline, currentIndex).ConfigureAwait(false);
        Adapt(message, stream);
    }

    private bool Map(PipelineMessage message)
    {
        // A retry passes the same message through again: it is mapped already.
        if (message.TryGetProperty(typeof(InvokeModelPipelinePolicy), out var mapped) && mapped is bool alreadyStreaming)
        {
            return alreadyStreaming;
        }

        var request = message.Request;
        if (request.Method != "POST" || !request.Uri!.AbsolutePath.EndsWith("/chat/completions", StringComparison.Ordinal))
        {
            throw new NotSupportedException(
                $"Imported Bedrock models are called with InvokeModel, which only answers chat completions; {request.Method} {request.Uri!.AbsolutePath} has no equivalent.");
        }

        var stream = AsksForStream(request, message.CancellationToken);
        // botocore serializes the {modelId} label percent-encoding everything but unreserved characters, as EscapeDataString does.
        var operation = stream ? "invoke-with-response-stream" : "invoke";
        request.Uri = new Uri(runtimeEndpoint, $"/model/{Uri.EscapeDataString(modelId)}/{operation}");
        if (stream)
        {
            // InvokeModelWithResponseStream takes the body's media type in X-Amzn-Bedrock-Accept; the answer is an event stream.
            request.Headers.Set("Accept", "application/vnd.amazon.eventstream");
            request.Headers.Set("X-Amzn-Bedrock-Accept", "application/json");
        }
        else
        {
            request.Headers.Set("Accept", "application/json");
        }

        message.SetProperty(typeof(InvokeModelPipelinePolicy), stream);
        return stream;
    }

    private static void Adapt(PipelineMessage message, bool stream)
    {
        if (stream && message.Response is { Status: 200, ContentStream: { } content } response)
        {
            response.ContentStream = new EventStreamSseStream(content);
        }
    }

    private static bool AsksForStream(PipelineRequest request, CancellationToken cancellationToken)
    {
        if (request.Content is null)
        {
            return false;
        }

        using var buffer = new MemoryStream();
        request.Content.WriteTo(buffer, cancellationToken);
        using var body = JsonDocument.Parse(buffer.ToArray());
        return body.RootElement.ValueKind == JsonValueKind.Object
            && body.RootElement.TryGetProperty("stream", out var value)
            && value.ValueKind == JsonValueKind.True;
    }
}
