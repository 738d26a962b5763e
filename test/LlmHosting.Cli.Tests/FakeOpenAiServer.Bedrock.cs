using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Amazon.Runtime.EventStreams;
using Microsoft.AspNetCore.Http;

namespace LlmHosting.Cli.Tests;

/// <summary>
/// The Bedrock doors of the fake: runtime's <c>/openai/v1/chat/completions</c>, Mantle's <c>/v1/responses</c> (base URL
/// <c>https://bedrock-mantle.&lt;region&gt;.api.aws/v1</c>, Bedrock User Guide, "Inference using Responses API"), and
/// <c>/model/{modelId}/invoke</c> and <c>/invoke-with-response-stream</c> (botocore bedrock-runtime 2023-09-30). Mantle
/// refuses Bedrock runtime's model ids (<c>openai.gpt-oss-120b-1:0</c>): it names models without the version suffix
/// (User Guide, "Inference using Chat Completions API", Mantle). A model id containing <c>cold</c> refuses twice with
/// <c>ModelNotReadyException</c> (HTTP 429 in botocore's model); one containing <c>broken</c> ends its stream with a
/// <c>modelStreamErrorException</c> event.
/// </summary>
internal sealed partial class FakeOpenAiServer
{
    public const string MantleResponsesPath = "/v1/responses";

    private async Task BedrockAsync(HttpContext context, string path, string[] segments, JsonNode? body)
    {
        if (path == "/openai/v1/chat/completions")
        {
            await ChatAsync(context, body);
        }
        else if (path == MantleResponsesPath)
        {
            await ResponsesAsync(context, body);
        }
        else if (segments is ["model", var encodedId, "invoke" or "invoke-with-response-stream"])
        {
            var modelId = Uri.UnescapeDataString(encodedId);
            if (modelId.Contains("cold", StringComparison.Ordinal) && Refuse(path))
            {
                await Json(context, 429,
                    new { message = "Model is not ready for inference. Wait and try your request again." },
                    errorType: "ModelNotReadyException:http://internal.amazon.com/coral/com.amazon.bedrock/");
            }
            else if (segments[2] == "invoke")
            {
                context.Response.ContentType = "application/json";
                await context.Response.WriteAsync(Completion(modelId).ToJsonString());
            }
            else
            {
                await EventStreamAsync(context, modelId);
            }
        }
        else
        {
            await Json(context, 404, new { message = $"fake server: no Bedrock door at {path}" });
        }
    }

    /// <summary>An OpenAI chat-completions answer: streamed when the body asks for it, else one JSON object.</summary>
    private static async Task ChatAsync(HttpContext context, JsonNode? body)
    {
        var model = body?["model"]?.GetValue<string>() ?? "?";
        if (body?["stream"]?.GetValue<bool>() == true)
        {
            await StreamAsync(context, model);
            return;
        }

        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(Completion(model).ToJsonString());
    }

    private static async Task StreamAsync(HttpContext context, string model)
    {
        context.Response.ContentType = "text/event-stream";
        foreach (var chunk in Chunks(model))
        {
            await context.Response.WriteAsync($"data: {chunk.ToJsonString()}\n\n");
            await context.Response.Body.FlushAsync();
        }

        await context.Response.WriteAsync("data: [DONE]\n\n");
    }

    /// <summary>InvokeModelWithResponseStream's answer: one <c>chunk</c> event per OpenAI chunk, its JSON base64 in <c>bytes</c>.</summary>
    private static async Task EventStreamAsync(HttpContext context, string modelId)
    {
        context.Response.ContentType = "application/vnd.amazon.eventstream";
        context.Response.Headers["X-Amzn-Bedrock-Content-Type"] = "application/json";
        var chunks = Chunks(modelId);
        var broken = modelId.Contains("broken", StringComparison.Ordinal);
        foreach (var chunk in broken ? chunks.Take(1) : chunks)
        {
            await context.Response.Body.WriteAsync(EventStreamFrames.Chunk(Encoding.UTF8.GetBytes(chunk.ToJsonString())));
            await context.Response.Body.FlushAsync();
        }

        if (broken)
        {
            await context.Response.Body.WriteAsync(EventStreamFrames.Exception("modelStreamErrorException", "The model stopped unexpectedly."));
        }
    }

    /// <summary>The Responses API's stream (<c>response.created</c>, <c>response.output_text.delta</c>..., <c>response.completed</c>) or one response object.</summary>
    private async Task ResponsesAsync(HttpContext context, JsonNode? body)
    {
        var model = body?["model"]?.GetValue<string>() ?? "?";
        if (BedrockRuntimeVersionSuffix().IsMatch(model))
        {
            Rejections.Enqueue($"Mantle got Bedrock runtime's model id {model}");
            await Json(context, 404, new { error = new { message = $"The model `{model}` does not exist.", type = "invalid_request_error", code = "model_not_found" } });
            return;
        }

        if (body?["stream"]?.GetValue<bool>() != true)
        {
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(Response(model, "completed").ToJsonString());
            return;
        }

        context.Response.ContentType = "text/event-stream";
        var sequence = 0;
        var events = new List<JsonObject> { new() { ["type"] = "response.created", ["response"] = Response(model, "in_progress") } };
        var words = Reply.Split(' ');
        events.AddRange(words.Select((word, i) => new JsonObject
        {
            ["type"] = "response.output_text.delta",
            ["item_id"] = "msg_fake",
            ["output_index"] = 0,
            ["content_index"] = 0,
            ["delta"] = (i == 0 ? string.Empty : " ") + word,
        }));
        events.Add(new JsonObject { ["type"] = "response.completed", ["response"] = Response(model, "completed") });
        foreach (var item in events)
        {
            item["sequence_number"] = sequence++;
            await context.Response.WriteAsync($"event: {item["type"]}\ndata: {item.ToJsonString()}\n\n");
            await context.Response.Body.FlushAsync();
        }
    }

    [GeneratedRegex(@"-\d+:\d+$")]
    private static partial Regex BedrockRuntimeVersionSuffix();

    private static List<JsonObject> Chunks(string model)
    {
        var words = Reply.Split(' ');
        return words.Select((word, i) =>
        {
            var delta = new JsonObject { ["content"] = (i == 0 ? string.Empty : " ") + word };
            if (i == 0) delta["role"] = "assistant";
            return new JsonObject
            {
                ["id"] = "chatcmpl-fake",
                ["object"] = "chat.completion.chunk",
                ["created"] = 1_767_225_600,
                ["model"] = model,
                ["choices"] = new JsonArray(new JsonObject
                {
                    ["index"] = 0,
                    ["delta"] = delta,
                    ["finish_reason"] = i == words.Length - 1 ? "stop" : null,
                }),
            };
        }).ToList();
    }

    private static JsonObject Completion(string model) => new()
    {
        ["id"] = "chatcmpl-fake",
        ["object"] = "chat.completion",
        ["created"] = 1_767_225_600,
        ["model"] = model,
        ["choices"] = new JsonArray(new JsonObject
        {
            ["index"] = 0,
            ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = Reply },
            ["finish_reason"] = "stop",
        }),
        ["usage"] = new JsonObject { ["prompt_tokens"] = 3, ["completion_tokens"] = 5, ["total_tokens"] = 8 },
    };

    private static JsonObject Response(string model, string status) => new()
    {
        ["id"] = "resp_fake",
        ["object"] = "response",
        ["created_at"] = 1_767_225_600,
        ["status"] = status,
        ["model"] = model,
        ["output"] = status != "completed" ? new JsonArray() : new JsonArray(new JsonObject
        {
            ["type"] = "message",
            ["id"] = "msg_fake",
            ["status"] = "completed",
            ["role"] = "assistant",
            ["content"] = new JsonArray(new JsonObject { ["type"] = "output_text", ["text"] = Reply, ["annotations"] = new JsonArray() }),
        }),
        ["parallel_tool_calls"] = true,
        ["tool_choice"] = "auto",
        ["tools"] = new JsonArray(),
    };
}

/// <summary>
/// Frames of <c>application/vnd.amazon.eventstream</c>, encoded by AWSSDK.Core's <see cref="EventStreamMessage"/>;
/// EventStreamTests checks that botocore's decoder reads them as Bedrock's events.
/// </summary>
internal static class EventStreamFrames
{
    /// <summary>A <c>chunk</c> event whose payload is <c>{"bytes": "&lt;base64 of json&gt;"}</c> (botocore PayloadPart).</summary>
    public static byte[] Chunk(byte[] json) =>
        Frame([(":event-type", "chunk"), (":content-type", "application/json"), (":message-type", "event")],
            Encoding.UTF8.GetBytes(new JsonObject { ["bytes"] = Convert.ToBase64String(json) }.ToJsonString()));

    /// <summary>An exception event, as Bedrock sends a modelStreamErrorException in the middle of a stream.</summary>
    public static byte[] Exception(string type, string message) =>
        Frame([(":exception-type", type), (":content-type", "application/json"), (":message-type", "exception")],
            Encoding.UTF8.GetBytes(new JsonObject { ["message"] = message }.ToJsonString()));

    private static byte[] Frame((string Name, string Value)[] headers, byte[] payload)
    {
        var list = headers.Select(h =>
        {
            var header = new EventStreamHeader(h.Name);
            header.SetString(h.Value);
            return (IEventStreamHeader)header;
        }).ToList();
        return new EventStreamMessage(list, payload).ToByteArray();
    }
}
