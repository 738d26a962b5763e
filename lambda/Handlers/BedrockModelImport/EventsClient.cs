using System.Text.Json.Nodes;

namespace LlmHosting.Lambda.BedrockModelImport;

/// <summary>
/// EventBridge <c>PutEvents</c> on the default bus over the JSON 1.1 protocol (there is no AWSSDK.EventBridge
/// package here), signed like the Bedrock calls.
/// </summary>
internal sealed class EventsClient(SignedHttpClient http)
{
    private static readonly IReadOnlyDictionary<string, string> Target = new Dictionary<string, string> { ["X-Amz-Target"] = "AWSEvents.PutEvents" };

    /// <summary>Puts one event on the default bus; throws when EventBridge rejects the entry.</summary>
    public async Task PutEventAsync(string source, string detailType, IReadOnlyList<string> resources, JsonObject detail, CancellationToken cancellationToken)
    {
        var body = new JsonObject
        {
            ["Entries"] = new JsonArray(new JsonObject
            {
                ["Source"] = source,
                ["DetailType"] = detailType,
                ["Resources"] = new JsonArray(resources.Select(r => (JsonNode)JsonValue.Create(r)).ToArray()),
                ["Detail"] = detail.ToJsonString(),
            }),
        };
        var (_, response) = await http.SendAsync(
            "PutEvents", HttpMethod.Post, "", body, cancellationToken, Target, "application/x-amz-json-1.1").ConfigureAwait(false);
        if (response?["FailedEntryCount"] is JsonValue failed && failed.GetValue<int>() > 0)
        {
            var entry = response["Entries"]?[0];
            throw new InvalidOperationException($"PutEvents rejected the event: {(string?)entry?["ErrorCode"]} {(string?)entry?["ErrorMessage"]}");
        }
    }
}
