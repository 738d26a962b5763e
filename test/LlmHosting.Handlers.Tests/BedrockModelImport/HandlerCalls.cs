using System.Text;
using System.Text.Json.Nodes;
using Amazon;
using Amazon.Runtime;

namespace LlmHosting.Lambda.BedrockModelImport.Tests;

/// <summary>The handler wired to a fake, the CloudFormation requests the tests send, and calls through the Lambda entry points.</summary>
internal static class HandlerCalls
{
    public const string S3Uri = "s3://weights-bucket/models/gpt-oss-20b/";
    public const string RoleArn = "arn:aws:iam::123456789012:role/BedrockImport";

    /// <summary>The real handler over HTTP to <paramref name="api"/>; retries record their delays instead of sleeping.</summary>
    public static Handler Handler(FakeAwsApi api, HttpClient http, TextWriter log, List<TimeSpan> delays)
    {
        var retry = new RetryPolicy
        {
            Delay = (delay, _) =>
            {
                delays.Add(delay);
                return Task.CompletedTask;
            },
            Jitter = () => 0.5,
        };
        var credentials = new SessionAWSCredentials("AKIDEXAMPLE", "secret", "session-token");
        var bedrock = new SignedHttpClient(http, api.BaseUri, "bedrock", RegionEndpoint.USEast1, credentials, retry);
        var events = new SignedHttpClient(http, api.BaseUri, "events", RegionEndpoint.USEast1, credentials, retry);
        return new Handler(new ModelImportLifecycle(new BedrockClient(bedrock), new EventsClient(events), log));
    }

    public static JsonObject CreateRequest(string requestId, string s3Uri = S3Uri) => new()
    {
        ["RequestType"] = "Create",
        ["StackId"] = "arn:aws:cloudformation:us-east-1:123456789012:stack/llm-dev-model-hosting/0f0e0d0c",
        ["RequestId"] = requestId,
        ["LogicalResourceId"] = "ModelImport",
        ["ResourceType"] = "Custom::BedrockModelImport",
        ["ResourceProperties"] = new JsonObject
        {
            ["ServiceToken"] = "arn:aws:lambda:us-east-1:123456789012:function:provider",
            ["ModelName"] = "llm-dev-gpt-oss-20b",
            ["S3Uri"] = s3Uri,
            ["RoleArn"] = RoleArn,
            ["RetainOnDelete"] = "false",
            ["WeightsFingerprint"] = new string('a', 64),
        },
    };

    /// <summary>An update of <paramref name="physicalId"/> from the properties of <paramref name="from"/> to those of <paramref name="to"/>.</summary>
    public static JsonObject UpdateRequest(string requestId, string physicalId, JsonObject from, JsonObject to)
    {
        var request = to.DeepClone().AsObject();
        request["RequestType"] = "Update";
        request["RequestId"] = requestId;
        request["PhysicalResourceId"] = physicalId;
        request["OldResourceProperties"] = from["ResourceProperties"]!.DeepClone();
        return request;
    }

    /// <summary>A delete of <paramref name="physicalId"/>, carrying the properties of <paramref name="of"/> (by default the create's).</summary>
    public static JsonObject DeleteRequest(string physicalId, string requestId = "req-9", JsonObject? of = null)
    {
        var request = (of ?? CreateRequest(requestId)).DeepClone().AsObject();
        request["RequestType"] = "Delete";
        request["RequestId"] = requestId;
        request["PhysicalResourceId"] = physicalId;
        return request;
    }

    // The Provider framework passes isComplete the request with onEvent's answer merged in.
    public static JsonObject Merge(JsonObject request, JsonObject onEventResult)
    {
        var merged = request.DeepClone().AsObject();
        foreach (var (key, value) in onEventResult)
        {
            merged[key] = value?.DeepClone();
        }

        return merged;
    }

    public static async Task<JsonObject> Call(Func<Stream, Task<Stream>> entry, JsonObject request)
    {
        using var input = new MemoryStream(Encoding.UTF8.GetBytes(request.ToJsonString()));
        await using var output = await entry(input);
        return (await JsonNode.ParseAsync(output))!.AsObject();
    }
}
