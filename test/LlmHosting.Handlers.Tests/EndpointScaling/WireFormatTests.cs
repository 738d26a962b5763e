using System.Diagnostics;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Amazon;
using LlmHosting.Lambda.BedrockModelImport;
using BasicAWSCredentials = Amazon.Runtime.BasicAWSCredentials;

namespace LlmHosting.Lambda.EndpointScaling.Tests;

/// <summary>
/// Everything that crossed the wire in a full deployment cycle, checked against botocore (installed with the machine
/// image) as an independent reference: each request body against the operation's input shape, each fake answer against
/// the output shape or through botocore's JSON error parser, X-Amz-Target and content type against the service
/// metadata, and each signature recomputed by botocore's SigV4 signer. So the fake answers like the services, and the
/// handler asks like an SDK would.
/// </summary>
public sealed class WireFormatTests
{
    private const string Botocore = """
        import json, sys
        import botocore.session
        from botocore.auth import SigV4Auth
        from botocore.awsrequest import AWSRequest
        from botocore.credentials import Credentials
        from botocore.parsers import create_parser
        from botocore.serialize import create_serializer
        from urllib.parse import parse_qsl
        from botocore.validate import ParamValidator
        session = botocore.session.get_session()
        models = {s: session.get_service_model(s) for s in ("sagemaker", "application-autoscaling", "cloudformation")}
        problems, covered = [], set()
        for c in json.load(sys.stdin):
            model = models[c["service"]]
            op = model.operation_model(c["operation"])
            where = c["service"] + " " + c["operation"]
            covered.add(where)
            if model.metadata["protocol"] == "query":
                # A form with Action and Version (botocore's query serializer), an XML answer parsed by its query parser.
                params = {k: v for k, v in c["request"].items() if k not in ("Action", "Version")}
                expected = create_serializer("query").serialize_to_request(params, op)["body"]
                if sorted(parse_qsl(c["body"])) != sorted(expected.items()):
                    problems.append(where + ": form " + c["body"] + " is not botocore's " + json.dumps(expected))
                if not c["headers"]["content-type"].startswith("application/x-www-form-urlencoded"):
                    problems.append(where + ": content type " + c["headers"]["content-type"])
                parsed = create_parser("query").parse({"status_code": c["status"], "headers": {}, "body": c["response"]["Xml"].encode()}, op.output_shape)
                if c["status"] != 200 or parsed["Stacks"][0]["StackStatus"] != c["response"]["StackStatus"]:
                    problems.append(where + " response parsed as " + json.dumps(parsed, default=str))
            else:
                if c["headers"]["x-amz-target"] != model.metadata["targetPrefix"] + "." + op.name:
                    problems.append(where + ": X-Amz-Target " + c["headers"]["x-amz-target"])
                if c["headers"]["content-type"] != "application/x-amz-json-" + model.metadata["jsonVersion"]:
                    problems.append(where + ": content type " + c["headers"]["content-type"])
                report = ParamValidator().validate(c["request"], op.input_shape)
                if report.has_errors():
                    problems.append(where + " request: " + report.generate_report())
                if c["status"] == 200:
                    report = ParamValidator().validate(c["response"], op.output_shape)
                    if report.has_errors():
                        problems.append(where + " response: " + report.generate_report())
                else:
                    parsed = create_parser("json").parse(
                        {"status_code": c["status"], "headers": {}, "body": json.dumps(c["response"]).encode()}, op.output_shape)
                    if parsed["Error"]["Code"] != c["response"]["__type"] or not parsed["Error"]["Message"]:
                        problems.append(where + " error parsed as " + json.dumps(parsed["Error"]))
            signed = c["signed"].split(";")
            headers = {k: v for k, v in c["headers"].items() if k in signed and k != "host"}
            req = AWSRequest(method="POST", url=c["url"], data=c["body"].encode(), headers=headers)
            auth = SigV4Auth(Credentials("AKIDEXAMPLE", "secret"), model.signing_name, "us-east-1")
            req.context["timestamp"] = c["headers"]["x-amz-date"]
            if auth.signature(auth.string_to_sign(req, auth.canonical_request(req)), req) != c["signature"]:
                problems.append(where + ": signature differs from botocore's")
        print(json.dumps({"problems": problems, "covered": sorted(covered)}))
        """;

    [Fact]
    public async Task EveryCallOfADeploymentCycle_MatchesBotocoresModelsAndSignatures()
    {
        await using var api = await FakeScalingApi.StartAsync();
        var stack = new StackSimulator(api, ScalingHandlers.Create(api, TextWriter.Null), "llm-staging-gpt-oss-20b");
        var v1 = new VariantTemplate("ml.g6e.xlarge", "m1", new ScalingSettings(1, 2, ("a", 70), ("b", 80)));
        var v2 = v1 with { InstanceType = "ml.g6e.2xlarge" };
        Assert.True(await stack.DeployAsync(v1));
        Assert.False(await stack.DeployAsync(v2, failAfter: "Scaling", order: RollbackOrder.Reverse));
        Assert.True(await stack.DeployAsync(v2));
        Assert.True(await stack.DeployAsync(v2 with { Scaling = new ScalingSettings(1, 3, ("a", 60)) }));
        await stack.DeleteStackAsync();
        Assert.Equal(["Scaling's successor failed"], stack.Failures);

        var input = new JsonArray(api.Calls.Select(c => (JsonNode)new JsonObject
        {
            ["service"] = c.Service,
            ["operation"] = c.Operation,
            ["request"] = c.Request.DeepClone(),
            ["status"] = c.Status,
            ["response"] = c.Response.DeepClone(),
            ["headers"] = new JsonObject(c.Headers.Select(h => KeyValuePair.Create(h.Key, (JsonNode?)h.Value))),
            ["body"] = c.Body,
            ["url"] = c.Url,
            ["signed"] = Regex.Match(c.Authorization, "SignedHeaders=([^,]+)").Groups[1].Value,
            ["signature"] = Regex.Match(c.Authorization, "Signature=([0-9a-f]{64})").Groups[1].Value,
        }).ToArray());
        var result = JsonNode.Parse(RunPython(Botocore, input.ToJsonString()))!;

        Assert.Empty(result["problems"]!.AsArray().Select(p => (string)p!));
        Assert.Equal(
            [
                "application-autoscaling DeleteScalingPolicy", "application-autoscaling DeregisterScalableTarget", "application-autoscaling DescribeScalableTargets",
                "application-autoscaling DescribeScalingPolicies", "application-autoscaling PutScalingPolicy", "application-autoscaling RegisterScalableTarget",
                "cloudformation DescribeStacks", "sagemaker DescribeEndpoint", "sagemaker DescribeEndpointConfig",
            ],
            result["covered"]!.AsArray().Select(c => (string)c!));
        Assert.Contains(api.Calls, c => c.Operation == "DescribeEndpoint" && c.Status == 400);
    }

    [Fact]
    public async Task Fake_RequestSignedForAnotherService_IsRejected()
    {
        await using var api = await FakeScalingApi.StartAsync();
        using var http = new HttpClient();
        var retry = new RetryPolicy { MaxAttempts = 1 };
        var wrong = new AwsJsonApi(
            new SignedHttpClient(http, api.BaseUri, "sagemaker", RegionEndpoint.USEast1, new BasicAWSCredentials("AKIDEXAMPLE", "secret"), retry),
            "Application Auto Scaling", "AnyScaleFrontendService", "application-autoscaling", retry);

        var e = await Assert.ThrowsAsync<EndpointScalingException>(() => new AutoScalingClient(wrong).DescribeAsync("endpoint/e/variant/v", default));

        Assert.StartsWith("Application Auto Scaling DescribeScalableTargets failed: 403 IncompleteSignatureException: expected a SigV4 signature for application-autoscaling", e.Message);
        Assert.Equal(403, Assert.Single(api.Calls).Status);
    }

    private static string RunPython(string script, string stdin)
    {
        using var process = Process.Start(new ProcessStartInfo("python3", ["-c", script])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        process.StandardInput.Write(stdin);
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(TimeSpan.FromSeconds(60)), "python3 did not finish within 60 s");
        Assert.True(process.ExitCode == 0, "botocore failed: " + stderr.Result);
        return stdout.Result;
    }
}
