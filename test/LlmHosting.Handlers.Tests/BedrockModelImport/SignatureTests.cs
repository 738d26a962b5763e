using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Amazon;
using Amazon.Runtime;

namespace LlmHosting.Lambda.BedrockModelImport.Tests;

/// <summary>
/// The signatures the client sends, recomputed by an independent SigV4 implementation (botocore, installed
/// with the machine image) from what the loopback server received: catches canonical-path encoding mistakes
/// (job ARNs in paths) that a presence check would miss.
/// </summary>
public sealed class SignatureTests
{
    private const string Botocore = """
        import json, sys
        from botocore.auth import SigV4Auth
        from botocore.awsrequest import AWSRequest
        from botocore.credentials import Credentials
        out = []
        for r in json.load(sys.stdin):
            signed = r["signed"].split(";")
            headers = {k: v for k, v in r["headers"].items() if k in signed and k != "host"}
            req = AWSRequest(method=r["method"], url=r["url"], data=r["body"].encode(), headers=headers)
            auth = SigV4Auth(Credentials("AKIDEXAMPLE", "secret", "session-token"), r["service"], "us-east-1")
            req.context["timestamp"] = r["headers"]["x-amz-date"]
            canonical = auth.canonical_request(req)
            out.append(auth.signature(auth.string_to_sign(req, canonical), req))
        print(json.dumps(out))
        """;

    [Fact]
    public async Task Signatures_OfPostGetListAndPutEvents_MatchBotocore()
    {
        await using var api = await FakeAwsApi.StartAsync();
        api.MaxPageSize = 1;
        using var http = new HttpClient();
        var credentials = new SessionAWSCredentials("AKIDEXAMPLE", "secret", "session-token");
        var bedrock = new BedrockClient(new SignedHttpClient(http, api.BaseUri, "bedrock", RegionEndpoint.USEast1, credentials, new RetryPolicy()));
        var events = new EventsClient(new SignedHttpClient(http, api.BaseUri, "events", RegionEndpoint.USEast1, credentials, new RetryPolicy()));

        var jobArn = await bedrock.CreateModelImportJobAsync("job-1", "model-1", "arn:aws:iam::123456789012:role/r", "s3://b/p/", "token1", default);
        await bedrock.CreateModelImportJobAsync("job-2", "model-2", "arn:aws:iam::123456789012:role/r", "s3://b/p/", "token2", default);
        await bedrock.GetModelImportJobAsync(jobArn, default);
        // Two pages: the second request carries a nextToken with '=' in the query string.
        Assert.Equal(2, (await bedrock.ListModelImportJobsAsync("job", "InProgress", default)).Count);
        await bedrock.DeleteImportedModelAsync("model-1", default);
        await events.PutEventAsync("src", "type", [jobArn], new JsonObject { ["a"] = 1 }, default);

        var requests = api.Requests.ToList();
        Assert.Equal(7, requests.Count);
        Assert.Contains(requests, r => r.RawUrl.Contains("%2F", StringComparison.Ordinal));
        Assert.Contains(requests, r => r.RawUrl.Contains("nextToken=", StringComparison.Ordinal) && r.RawUrl.Contains("%3D", StringComparison.Ordinal));
        var input = new JsonArray(requests.Select(r => (JsonNode)new JsonObject
        {
            ["method"] = r.Method,
            ["url"] = r.RawUrl,
            ["body"] = r.Body,
            ["service"] = r.Target is null ? "bedrock" : "events",
            ["signed"] = Regex.Match(r.Authorization!, "SignedHeaders=([^,]+)").Groups[1].Value,
            ["headers"] = new JsonObject(r.Headers.Select(h => KeyValuePair.Create(h.Key, (JsonNode?)h.Value))),
        }).ToArray());

        var expected = JsonNode.Parse(Python.Run(Botocore, input.ToJsonString()))!.AsArray().Select(s => (string)s!).ToList();

        var actual = requests.Select(r => Regex.Match(r.Authorization!, "Signature=([0-9a-f]{64})").Groups[1].Value).ToList();
        Assert.Equal(expected, actual);
    }
}
