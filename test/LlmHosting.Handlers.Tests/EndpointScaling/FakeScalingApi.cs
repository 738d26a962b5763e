using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace LlmHosting.Lambda.EndpointScaling.Tests;

/// <summary>
/// A loopback fake (Kestrel, 127.0.0.1, free port) of the SageMaker endpoint reads and the Application Auto Scaling
/// operations the handler calls, over JSON 1.1. It rejects a request whose SigV4 scope is not the service its
/// X-Amz-Target belongs to, or that does not sign X-Amz-Target, and keeps the semantics the handler relies on:
/// deregistering deletes the policies, absent targets and policies answer ObjectNotFoundException, a policy needs a
/// registered target, RegisterScalableTarget changes only what it is given. Moto (5.2) is not used: it has no
/// UpdateEndpoint, keeps policies after DeregisterScalableTarget and answers ValidationException where AWS answers
/// ObjectNotFoundException. The harness side (<see cref="CreateEndpoint"/>, <see cref="UpdateEndpoint"/>) enforces
/// SageMaker's rule that an update changing the instance type of a registered variant fails, and records each breach.
/// The whole wire format is checked against botocore's models in <c>WireFormatTests</c>. The operations are in
/// <c>FakeScalingApi.Operations.cs</c>.
/// </summary>
internal sealed partial class FakeScalingApi : IAsyncDisposable
{
    public const string Account = "123456789012";
    public const string Region = "us-east-1";
    public const string ServiceLinkedRole = $"arn:aws:iam::{Account}:role/aws-service-role/sagemaker.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_SageMakerEndpoint";

    private readonly WebApplication _app;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, (string Config, string Variant)> _endpoints = [];
    private readonly Dictionary<string, Dictionary<string, string>> _configs = [];
    private readonly Dictionary<string, Target> _targets = [];
    private readonly List<Policy> _policies = [];
    private readonly List<(string Operation, int Status, string Type, string Message)> _faults = [];
    private int _configCount;

    private FakeScalingApi(WebApplication app) => _app = app;

    public Uri BaseUri { get; private set; } = null!;

    /// <summary>Policies per DescribeScalingPolicies page.</summary>
    public int PageSize { get; set; } = 50;

    /// <summary>What CloudFormation's DescribeStacks answers as the stack's status (the harness sets it per operation).</summary>
    public string StackStatus { get; set; } = "UPDATE_IN_PROGRESS";

    /// <summary>Every call, in order.</summary>
    public List<Call> Calls { get; } = [];

    /// <summary>Every breach of SageMaker's rules by the harness's endpoint operations.</summary>
    public List<string> Violations { get; } = [];

    public sealed record Call(string Service, string Operation, JsonObject Request, int Status, JsonObject Response, string Authorization, IReadOnlyDictionary<string, string> Headers, string Body, string Url);

    public sealed record Target(int Min, int Max, string RoleArn, JsonObject Suspended);

    public sealed record Policy(string ResourceId, string Name, string Type, JsonObject Configuration);

    public static async Task<FakeScalingApi> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var fake = new FakeScalingApi(app);
        app.MapPost("/", fake.HandleAsync);
        await app.StartAsync();
        fake.BaseUri = new Uri(app.Urls.Single() + "/");
        return fake;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    /// <summary>The next <paramref name="count"/> calls of <paramref name="operation"/> answer this error.</summary>
    public void InjectFault(string operation, int status, string errorType, string message, int count = 1)
    {
        lock (_lock)
        {
            _faults.AddRange(Enumerable.Repeat((operation, status, errorType, message), count));
        }
    }

    public void CreateEndpoint(string name, string variant, string instanceType)
    {
        lock (_lock)
        {
            _endpoints[name] = (NewConfig(variant, instanceType), variant);
        }
    }

    /// <summary>
    /// UpdateEndpoint as SageMaker runs it: fails (and records a violation) when it changes the instance type of a
    /// variant registered as a scalable target; fails when <paramref name="fail"/> (a model that does not start). A
    /// failed update leaves the endpoint on its old configuration. True when the endpoint runs the new configuration, or
    /// when <paramref name="rollsBackSilently"/>: SageMaker rolled its own update back and the caller sees success, the
    /// endpoint still on the old configuration (whether CloudFormation reports it so is UNCONFIRMED).
    /// </summary>
    public bool UpdateEndpoint(string name, string instanceType, bool fail = false, bool rollsBackSilently = false)
    {
        lock (_lock)
        {
            var (config, variant) = _endpoints[name];
            var current = _configs[config][variant];
            var resourceId = $"endpoint/{name}/variant/{variant}";
            if (current != instanceType && _targets.ContainsKey(resourceId))
            {
                Violations.Add($"UpdateEndpoint {name} {current} -> {instanceType} while {resourceId} is a scalable target");
                return false;
            }

            if (fail || rollsBackSilently)
            {
                return rollsBackSilently;
            }

            _endpoints[name] = (NewConfig(variant, instanceType), variant);
            return true;
        }
    }

    public void DeleteEndpoint(string name)
    {
        lock (_lock)
        {
            var variant = _endpoints[name].Variant;
            if (_targets.ContainsKey($"endpoint/{name}/variant/{variant}"))
            {
                // SageMaker deregisters it only if the deleting principal may (developer guide, "Delete endpoints configured for auto scaling").
                Violations.Add($"DeleteEndpoint {name} while endpoint/{name}/variant/{variant} is a scalable target");
            }

            _endpoints.Remove(name);
        }
    }

    public string? InstanceTypeOf(string name)
    {
        lock (_lock)
        {
            return _endpoints.TryGetValue(name, out var e) ? _configs[e.Config][e.Variant] : null;
        }
    }

    public Target? TargetOf(string resourceId)
    {
        lock (_lock)
        {
            return _targets.GetValueOrDefault(resourceId);
        }
    }

    public IReadOnlyList<Policy> PoliciesOf(string resourceId)
    {
        lock (_lock)
        {
            return _policies.Where(p => p.ResourceId == resourceId).ToList();
        }
    }

    /// <summary>Changes a registration outside the deployment (an operator suspending scale-in, say).</summary>
    public void SetTarget(string resourceId, Func<Target, Target> change)
    {
        lock (_lock)
        {
            _targets[resourceId] = change(_targets[resourceId]);
        }
    }

    private string NewConfig(string variant, string instanceType)
    {
        var name = $"config-{++_configCount}";
        _configs[name] = new Dictionary<string, string> { [variant] = instanceType };
        return name;
    }

    private async Task HandleAsync(HttpContext context)
    {
        if (context.Request.ContentType?.StartsWith("application/x-www-form-urlencoded", StringComparison.Ordinal) == true)
        {
            await HandleCloudFormationAsync(context);
            return;
        }

        var body = await new StreamReader(context.Request.Body).ReadToEndAsync();
        var target = context.Request.Headers["X-Amz-Target"].ToString();
        var authorization = context.Request.Headers.Authorization.ToString();
        var (service, operation) = target.Split('.') is [var prefix, var op]
            ? (prefix switch { "SageMaker" => "sagemaker", "AnyScaleFrontendService" => "application-autoscaling", _ => "" }, op)
            : ("", "");
        var request = (body.Length > 0 ? JsonNode.Parse(body) as JsonObject : null) ?? [];
        (int Status, JsonObject Response) answer;
        if (service.Length == 0 || context.Request.ContentType != "application/x-amz-json-1.1")
        {
            answer = Error(400, "UnknownOperationException", $"unknown target '{target}' or content type '{context.Request.ContentType}'");
        }
        else if (!Signed().IsMatch(authorization) || !authorization.Contains($"/{Region}/{service}/aws4_request,", StringComparison.Ordinal)
                 || !Regex.Match(authorization, "SignedHeaders=([^,]+)").Groups[1].Value.Split(';').Contains("x-amz-target")
                 || !context.Request.Headers.ContainsKey("X-Amz-Date"))
        {
            answer = Error(403, "IncompleteSignatureException", $"expected a SigV4 signature for {service} in {Region} that signs x-amz-target");
        }
        else
        {
            lock (_lock)
            {
                var fault = _faults.FindIndex(f => f.Operation == operation);
                if (fault >= 0)
                {
                    var (_, status, type, message) = _faults[fault];
                    _faults.RemoveAt(fault);
                    answer = Error(status, type, message);
                }
                else
                {
                    answer = Dispatch(operation, request);
                }
            }
        }

        lock (_lock)
        {
            var headers = context.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString());
            var url = $"http://{context.Request.Host}{context.Request.Path}";
            Calls.Add(new Call(service, operation, request, answer.Status, answer.Response, authorization, headers, body, url));
        }

        context.Response.StatusCode = answer.Status;
        context.Response.ContentType = "application/x-amz-json-1.1";
        await context.Response.WriteAsync(answer.Response.ToJsonString());
    }

    // CloudFormation's query protocol (botocore cloudformation/2010-05-15): a form with Action and Version, an XML answer.
    private async Task HandleCloudFormationAsync(HttpContext context)
    {
        var body = await new StreamReader(context.Request.Body).ReadToEndAsync();
        var form = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(body);
        var authorization = context.Request.Headers.Authorization.ToString();
        var request = new JsonObject(form.Select(f => KeyValuePair.Create(f.Key, (JsonNode?)JsonValue.Create(f.Value.ToString()))));
        int status;
        string xml;
        string stackStatus;
        lock (_lock)
        {
            stackStatus = StackStatus;
        }

        if (!Signed().IsMatch(authorization) || !authorization.Contains($"/{Region}/cloudformation/aws4_request,", StringComparison.Ordinal))
        {
            (status, xml) = (403, QueryError("IncompleteSignature", $"expected a SigV4 signature for cloudformation in {Region}"));
        }
        else if ((string?)request["Action"] != "DescribeStacks" || (string?)request["Version"] != "2010-05-15"
                 || ((string?)request["StackName"])?.StartsWith("arn:aws:cloudformation:", StringComparison.Ordinal) != true)
        {
            (status, xml) = (400, QueryError("ValidationError", $"unexpected request {request.ToJsonString()}"));
        }
        else
        {
            (status, xml) = (200, $"""
                <DescribeStacksResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/">
                  <DescribeStacksResult><Stacks><member>
                    <StackId>{request["StackName"]}</StackId><StackName>serving</StackName><StackStatus>{stackStatus}</StackStatus>
                  </member></Stacks></DescribeStacksResult>
                  <ResponseMetadata><RequestId>b9b4b068-3a41-11e5-94eb-example</RequestId></ResponseMetadata>
                </DescribeStacksResponse>
                """);
        }

        lock (_lock)
        {
            var headers = context.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString());
            Calls.Add(new Call("cloudformation", (string?)request["Action"] ?? "", request, status, new JsonObject { ["StackStatus"] = stackStatus, ["Xml"] = xml },
                authorization, headers, body, $"http://{context.Request.Host}{context.Request.Path}"));
        }

        context.Response.StatusCode = status;
        context.Response.ContentType = "text/xml";
        await context.Response.WriteAsync(xml);
    }

    private static string QueryError(string code, string message)
        => $"<ErrorResponse xmlns=\"http://cloudformation.amazonaws.com/doc/2010-05-15/\"><Error><Type>Sender</Type><Code>{code}</Code><Message>{message}</Message></Error></ErrorResponse>";

    [GeneratedRegex("^AWS4-HMAC-SHA256 Credential=[^/]+/[0-9]{8}/[^/]+/[^/]+/aws4_request, SignedHeaders=[^,]+, Signature=[0-9a-f]{64}$")]
    private static partial Regex Signed();
}
