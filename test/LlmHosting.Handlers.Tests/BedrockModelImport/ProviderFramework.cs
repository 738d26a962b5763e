using System.Text.Json.Nodes;

namespace LlmHosting.Lambda.BedrockModelImport.Tests;

/// <summary>
/// Drives the handler as aws-cdk-lib 2.160.0's custom-resources Provider framework does, with the fake's clock for
/// time. Read from the package's <c>custom-resources/lib/provider-framework</c>: <c>runtime/framework.js</c>,
/// <c>runtime/cfn-response.js</c>, <c>waiter-state-machine.js</c> and <c>util.js</c>:
/// <list type="bullet">
/// <item>onEvent once; its PhysicalResourceId (default: the request id for a create, the request's id otherwise) and
/// Data are merged into the request, and a delete may not change the id;</item>
/// <item>then isComplete at once and after every QueryInterval, TotalTimeout / QueryInterval retries in all (the
/// waiter state machine's Retry, BackoffRate 1), for every request type; Data is refused while IsComplete is false;</item>
/// <item>a handler error fails the resource with the request's physical id, or for a create without one a marker whose
/// later delete is acknowledged without calling the handler (safeHandler);</item>
/// <item>when the retries run out, onTimeout fails the resource "Operation timed out" with the isComplete request, so
/// with onEvent's physical id.</item>
/// </list>
/// </summary>
internal sealed class ProviderFramework(Handler handler, FakeAwsApi api, TimeSpan queryInterval, TimeSpan totalTimeout)
{
    public const string CreateFailedMarker = "AWSCDK::CustomResourceProviderFramework::CREATE_FAILED";

    /// <summary>What the framework reports to CloudFormation.</summary>
    public sealed record Response(string Status, string Reason, string PhysicalResourceId, JsonObject? Data);

    public async Task<Response> SendAsync(JsonObject request)
    {
        var requestType = (string)request["RequestType"]!;
        if (requestType == "Delete" && (string?)request["PhysicalResourceId"] == CreateFailedMarker)
        {
            return new Response("SUCCESS", "SUCCESS", CreateFailedMarker, null);
        }

        JsonObject resourceEvent;
        try
        {
            var result = await HandlerCalls.Call(handler.OnEvent, request);
            resourceEvent = HandlerCalls.Merge(request, result);
            resourceEvent["PhysicalResourceId"] = (string?)result["PhysicalResourceId"]
                                                  ?? (requestType == "Create" ? (string)request["RequestId"]! : (string)request["PhysicalResourceId"]!);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or AwsApiException or HttpRequestException)
        {
            return Failed(request, e.Message);
        }

        Assert.False(
            requestType == "Delete" && (string?)resourceEvent["PhysicalResourceId"] != (string?)request["PhysicalResourceId"],
            "DELETE: cannot change the physical resource ID during deletion");

        var retries = (int)(totalTimeout / queryInterval);
        for (var attempt = 0; ; attempt++)
        {
            JsonObject answer;
            try
            {
                answer = await HandlerCalls.Call(handler.IsComplete, resourceEvent);
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException or AwsApiException or HttpRequestException or ModelImportFailedException)
            {
                return Failed(resourceEvent, e.Message);
            }

            if ((bool)answer["IsComplete"]!)
            {
                var data = resourceEvent["Data"]?.DeepClone().AsObject() ?? [];
                foreach (var (key, value) in answer["Data"]?.AsObject() ?? [])
                {
                    data[key] = value?.DeepClone();
                }

                return new Response("SUCCESS", "SUCCESS", (string)resourceEvent["PhysicalResourceId"]!, data);
            }

            Assert.Null(answer["Data"]);
            if (attempt == retries)
            {
                return new Response("FAILED", "Operation timed out", (string)resourceEvent["PhysicalResourceId"]!, null);
            }

            api.Now += queryInterval;
        }
    }

    private static Response Failed(JsonObject request, string reason)
    {
        var physicalId = (string?)request["PhysicalResourceId"]
                         ?? ((string)request["RequestType"]! == "Create" ? CreateFailedMarker : "AWSCDK::CustomResourceProviderFramework::MISSING_PHYSICAL_ID");
        return new Response("FAILED", reason, physicalId, null);
    }
}
