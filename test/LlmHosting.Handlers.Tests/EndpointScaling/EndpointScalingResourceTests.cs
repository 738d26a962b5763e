using System.Diagnostics;
using System.Text.Json.Nodes;
using static LlmHosting.Lambda.EndpointScaling.Tests.ScalingRequests;

namespace LlmHosting.Lambda.EndpointScaling.Tests;

/// <summary>
/// Single requests against the loopback fake: property conversion and validation, the policy set, the response-size
/// limit (checked against the Provider framework's own serialization in Node.js), and the one-line error messages.
/// </summary>
public sealed class EndpointScalingResourceTests : IAsyncLifetime
{
    private readonly List<TimeSpan> _delays = [];
    private readonly StringWriter _log = new();
    private FakeScalingApi _api = null!;
    private EndpointScalingResource _handler = null!;

    public async Task InitializeAsync()
    {
        _api = await FakeScalingApi.StartAsync();
        _handler = ScalingHandlers.Create(_api, _log, _delays);
    }

    public async Task DisposeAsync() => await _api.DisposeAsync();

    [Fact]
    public async Task Scaling_StringProperties_AreSentAsTypedJson_WithoutTheTemplatesRoleArn()
    {
        _api.CreateEndpoint(Endpoint, "AllTraffic", "ml.p5.48xlarge");
        var policy = Policy("invocations", "70.5");
        policy["TargetTrackingScalingPolicyConfiguration"]!["DisableScaleIn"] = "true";

        var response = await _handler.OnEventAsync(Request("Create", Scaling("1", "2", policy)), default);

        Assert.Equal($"Scaling:{ResourceId}", (string)response["PhysicalResourceId"]!);
        var register = Assert.Single(_api.Calls, c => c.Operation == "RegisterScalableTarget").Request;
        // The request's RoleArn (as templates before this handler passed it) is not sent: Application Auto Scaling uses
        // SageMaker's service-linked role and ignores another, so no iam:PassRole is needed.
        Assert.Equal("""{"ServiceNamespace":"sagemaker","ResourceId":"endpoint/llm-prod-gpt-oss-120b/variant/AllTraffic","ScalableDimension":"sagemaker:variant:DesiredInstanceCount","MinCapacity":1,"MaxCapacity":2}""", register.ToJsonString());
        Assert.Equal(FakeScalingApi.ServiceLinkedRole, _api.TargetOf(ResourceId)!.RoleArn);
        var put = Assert.Single(_api.Calls, c => c.Operation == "PutScalingPolicy").Request;
        Assert.Equal("""{"TargetValue":70.5,"PredefinedMetricSpecification":{"PredefinedMetricType":"SageMakerVariantInvocationsPerInstance"},"ScaleInCooldown":300,"ScaleOutCooldown":60,"DisableScaleIn":true}""", put["TargetTrackingScalingPolicyConfiguration"]!.ToJsonString());
    }

    [Theory]
    [InlineData("UPDATE_IN_PROGRESS", false)]
    [InlineData("UPDATE_ROLLBACK_IN_PROGRESS", true)]
    public async Task Scaling_Update_EndpointOnAnotherType_DeregistersOnlyDuringARollback_ElseFails(string stackStatus, bool succeeds)
    {
        _api.CreateEndpoint(Endpoint, "AllTraffic", "ml.p5.48xlarge");
        await _handler.OnEventAsync(Request("Create", Scaling("1", "2", Policy("a", "10"))), default);
        _api.StackStatus = stackStatus;
        var update = Scaling("1", "2", Policy("a", "10"));
        update["InstanceType"] = "ml.p5e.48xlarge";

        var call = _handler.OnEventAsync(Request("Update", update, Scaling("1", "2", Policy("a", "10")), $"Scaling:{ResourceId}"), default);

        if (succeeds)
        {
            await call;
            Assert.Null(_api.TargetOf(ResourceId));
        }
        else
        {
            var error = await Assert.ThrowsAsync<EndpointScalingException>(() => call);
            Assert.Contains("the endpoint runs ml.p5.48xlarge, not ml.p5e.48xlarge as this deployment set (stack UPDATE_IN_PROGRESS)", error.Message, StringComparison.Ordinal);
            Assert.NotNull(_api.TargetOf(ResourceId));
        }
    }

    [Fact]
    public async Task Scaling_Create_EndpointOnAnotherType_FailsWithoutAskingCloudFormation()
    {
        _api.CreateEndpoint(Endpoint, "AllTraffic", "ml.p5.48xlarge");
        var create = Scaling("1", "2", Policy("a", "10"));
        create["InstanceType"] = "ml.p5e.48xlarge";

        var error = await Assert.ThrowsAsync<EndpointScalingException>(() => _handler.OnEventAsync(Request("Create", create), default));

        Assert.Contains("(stack creating)", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(_api.Calls, c => c.Service == "cloudformation");
    }

    [Fact]
    public async Task Scaling_Update_PutsTheTemplatesPoliciesThenDeletesTheOthers()
    {
        _api.CreateEndpoint(Endpoint, "AllTraffic", "ml.p5.48xlarge");
        await _handler.OnEventAsync(Request("Create", Scaling("1", "2", Policy("a", "10"), Policy("b", "20"))), default);
        var before = _api.Calls.Count;

        await _handler.OnEventAsync(Request("Update", Scaling("1", "2", Policy("a", "15"))), default);

        Assert.Equal(["a"], _api.PoliciesOf(ResourceId).Select(p => p.Name));
        var writes = _api.Calls.Skip(before).Where(c => c.Operation is "PutScalingPolicy" or "DeleteScalingPolicy").Select(c => $"{c.Operation} {c.Request["PolicyName"]}");
        Assert.Equal(["PutScalingPolicy a", "DeleteScalingPolicy b"], writes);
    }

    [Fact]
    public async Task Scaling_Update_PolicyAlreadyGone_StillSucceeds()
    {
        _api.CreateEndpoint(Endpoint, "AllTraffic", "ml.p5.48xlarge");
        await _handler.OnEventAsync(Request("Create", Scaling("1", "2", Policy("a", "10"), Policy("b", "20"))), default);
        _api.InjectFault("DeleteScalingPolicy", 400, "ObjectNotFoundException", "No scaling policy found");

        await _handler.OnEventAsync(Request("Update", Scaling("1", "2", Policy("a", "15"))), default);

        Assert.Contains(_api.Calls, c => c.Operation == "DeleteScalingPolicy" && c.Status == 400);
    }

    [Fact]
    public async Task Scaling_EndpointMissing_FailsNamingTheEndpoint()
    {
        var e = await Assert.ThrowsAsync<EndpointScalingException>(() => _handler.OnEventAsync(Request("Create", Scaling("1", "2", Policy("a", "10"))), default));

        Assert.Equal($"Scaling of {ResourceId} (Create): endpoint {Endpoint} does not exist.", e.Message);
    }

    [Fact]
    public async Task Scaling_DeleteWhileTheEndpointRunsAnotherType_LeavesTheTarget()
    {
        _api.CreateEndpoint(Endpoint, "AllTraffic", "ml.p5.48xlarge");
        await _handler.OnEventAsync(Request("Create", Scaling("1", "2", Policy("a", "10"))), default);
        var old = Scaling("1", "2", Policy("a", "10"));
        old["InstanceType"] = "ml.p4d.24xlarge";

        var response = await _handler.OnEventAsync(Request("Delete", old, physicalId: $"Scaling:{ResourceId}"), default);

        Assert.Equal($"Scaling:{ResourceId}", (string)response["PhysicalResourceId"]!);
        Assert.NotNull(_api.TargetOf(ResourceId));
    }

    [Fact]
    public async Task Properties_Invalid_FailOnceNamingEveryProblem()
    {
        var policy = Policy("a", "high");
        policy["PolicyType"] = "StepScaling";
        policy["Extra"] = "x";
        policy["TargetTrackingScalingPolicyConfiguration"]!["DisableScaleIn"] = "yes";
        var properties = Scaling("two", "1", policy, Policy("a", "10"));
        properties.Remove("VariantName");

        var e = await Assert.ThrowsAsync<EndpointScalingException>(() => _handler.OnEventAsync(Request("Create", properties), default));

        Assert.Equal(
            "Invalid Custom::EndpointScaling properties: VariantName is required; MinCapacity 'two' is not a whole number of at least 0; "
            + "Policies[0] has unknown key 'Extra' (known: PolicyName, PolicyType, TargetTrackingScalingPolicyConfiguration); "
            + "Policies[0].PolicyType 'StepScaling' is not allowed: only TargetTrackingScaling; "
            + "Policies[0].TargetTrackingScalingPolicyConfiguration.TargetValue 'high' is not a number; "
            + "Policies[0].TargetTrackingScalingPolicyConfiguration.DisableScaleIn 'yes' is not true or false; PolicyName 'a' is used 2 times.",
            e.Message);
        Assert.Empty(_api.Calls);
    }

    [Theory]
    [InlineData("Stop", "Role 'Stop' is not one of Pause, Restore, Scaling")]
    [InlineData("", "Role is required")]
    public async Task Properties_UnknownRole_FailsNamingTheRoles(string role, string expected)
    {
        var properties = Common("Pause", "ml.p5.48xlarge");
        properties["Role"] = role;

        var e = await Assert.ThrowsAsync<EndpointScalingException>(() => _handler.OnEventAsync(Request("Create", properties), default));

        Assert.Equal($"Invalid Custom::EndpointScaling properties: {expected}.", e.Message);
    }

    [Fact]
    public async Task Pause_PoliciesOnSeveralPages_SnapshotsAllAndRestoreRegistersThemAgain()
    {
        _api.CreateEndpoint(Endpoint, "AllTraffic", "ml.p5.48xlarge");
        await _handler.OnEventAsync(Request("Create", Scaling("1", "3", Policy("a", "10"), Policy("b", "20"), Policy("c", "30"))), default);
        _api.PageSize = 1;

        var paused = await _handler.OnEventAsync(PauseUpdate("ml.p5.48xlarge", "ml.p5e.48xlarge"), default);

        var snapshot = (string)paused["Data"]!["Snapshot"]!;
        Assert.Equal(3, JsonNode.Parse(snapshot)!["Policies"]!.AsArray().Count);
        Assert.Null(_api.TargetOf(ResourceId));
        var restore = Common("Restore", "ml.p5e.48xlarge");
        restore["Snapshot"] = snapshot;
        await _handler.OnEventAsync(Request("Delete", restore, physicalId: $"Restore:{ResourceId}"), default);
        Assert.Equal((1, 3), (_api.TargetOf(ResourceId)!.Min, _api.TargetOf(ResourceId)!.Max));
        Assert.Equal(["a", "b", "c"], _api.PoliciesOf(ResourceId).Select(p => p.Name));
    }

    [Fact]
    public async Task Pause_TargetGoneBeforeDeregistering_StillSucceeds()
    {
        _api.CreateEndpoint(Endpoint, "AllTraffic", "ml.p5.48xlarge");
        await _handler.OnEventAsync(Request("Create", Scaling("1", "2", Policy("a", "10"))), default);
        _api.InjectFault("DeregisterScalableTarget", 400, "ObjectNotFoundException", "No scalable target registered");

        var paused = await _handler.OnEventAsync(PauseUpdate("ml.p5.48xlarge", "ml.p5e.48xlarge"), default);

        Assert.StartsWith("{\"InstanceType\":\"ml.p5.48xlarge\",\"MinCapacity\":1,\"MaxCapacity\":2,", (string)paused["Data"]!["Snapshot"]!);
    }

    [Fact]
    public async Task Pause_SnapshotAboveTheResponseLimit_FailsBeforeDeregistering()
    {
        _api.CreateEndpoint(Endpoint, "AllTraffic", "ml.p5.48xlarge");
        var policies = Enumerable.Range(0, 14).Select(i => Policy($"policy-{i}-" + new string('x', 200), "10")).ToArray();
        await _handler.OnEventAsync(Request("Create", Scaling("1", "2", policies)), default);

        var e = await Assert.ThrowsAsync<EndpointScalingException>(() => _handler.OnEventAsync(PauseUpdate("ml.p5.48xlarge", "ml.p5e.48xlarge"), default));

        Assert.Matches(@"makes a response of \d{4,} bytes, above CloudFormation's 4096; nothing was changed\.", e.Message);
        Assert.DoesNotContain(_api.Calls, c => c.Operation == "DeregisterScalableTarget");
        Assert.NotNull(_api.TargetOf(ResourceId));
    }

    [Fact]
    public void ResponseBytes_EqualsTheLengthOfTheBodyTheProviderFrameworkSends()
    {
        var request = PauseUpdate("ml.p5.48xlarge", "ml.p5e.48xlarge");
        var data = new JsonObject { ["Snapshot"] = """{"InstanceType":"ml.p5.48xlarge","Policies":[{"PolicyName":"é \"quoted\" <tag> & \\ back"}]}""" };
        var input = new JsonObject { ["event"] = request.DeepClone(), ["physicalId"] = $"Pause:{ResourceId}", ["data"] = data.DeepClone() };

        // The body of aws-cdk-lib 2.160's provider-framework/runtime/cfn-response.js submitResponse, measured the same way.
        var expected = RunNode("""
            const i = JSON.parse(require('fs').readFileSync(0, 'utf8'));
            const e = { ...i.event, PhysicalResourceId: i.physicalId, Data: i.data };
            const json = { Status: 'SUCCESS', Reason: 'SUCCESS', StackId: e.StackId, RequestId: e.RequestId,
              PhysicalResourceId: e.PhysicalResourceId, LogicalResourceId: e.LogicalResourceId, NoEcho: undefined, Data: e.Data };
            process.stdout.write(String(Buffer.byteLength(JSON.stringify(json), 'utf8')));
            """, input.ToJsonString());

        Assert.Equal(int.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), EndpointScalingResource.ResponseBytes(request, $"Pause:{ResourceId}", data));
    }

    [Fact]
    public async Task Restore_DamagedSnapshot_FailsNamingIt()
    {
        var restore = Common("Restore", "ml.p5e.48xlarge");
        restore["Snapshot"] = "{\"InstanceType\":\"ml.p5.48xlarge\"}";

        var e = await Assert.ThrowsAsync<EndpointScalingException>(() => _handler.OnEventAsync(Request("Delete", restore, physicalId: $"Restore:{ResourceId}"), default));

        Assert.Equal($"Restore of {ResourceId} (Delete): Snapshot is not a scaling snapshot (no MinCapacity): {{\"InstanceType\":\"ml.p5.48xlarge\"}}", e.Message);
    }

    [Theory]
    [InlineData("DescribeEndpoint", 400, "ThrottlingException", "Rate exceeded", 6,
        "SageMaker DescribeEndpoint still failed after 6 attempts (ThrottlingException: Rate exceeded); deploy again in a few minutes.")]
    [InlineData("DescribeEndpoint", 400, "AccessDeniedException", "not allowed", 1,
        "SageMaker denied DescribeEndpoint: the handler's role needs sagemaker:DescribeEndpoint (AccessDeniedException: not allowed).")]
    [InlineData("RegisterScalableTarget", 400, "AccessDeniedException",
        "User: arn:aws:sts::123456789012:assumed-role/r/f is not authorized to perform: iam:CreateServiceLinkedRole on resource: arn:aws:iam::123456789012:role/aws-service-role/x", 1,
        "Application Auto Scaling denied RegisterScalableTarget: the handler's role needs iam:CreateServiceLinkedRole (AccessDeniedException: User: arn:aws:sts::123456789012:assumed-role/r/f is not authorized to perform: iam:CreateServiceLinkedRole on resource: arn:aws:iam::123456789012:role/aws-service-role/x).")]
    [InlineData("RegisterScalableTarget", 400, "ValidationException", "Maximum capacity cannot be\nless than minimum capacity", 1,
        "Application Auto Scaling rejected RegisterScalableTarget: Maximum capacity cannot be less than minimum capacity")]
    [InlineData("PutScalingPolicy", 503, "ServiceUnavailable", "try later", 6,
        "Application Auto Scaling PutScalingPolicy still failed after 6 attempts (ServiceUnavailable: try later); deploy again in a few minutes.")]
    [InlineData("RegisterScalableTarget", 400, "ConcurrentUpdateException", "pending update", 6,
        "Application Auto Scaling RegisterScalableTarget still failed after 6 attempts (ConcurrentUpdateException: pending update); deploy again in a few minutes.")]
    public async Task AwsErrors_BecomeOneLineThatSaysWhatToDo(string operation, int status, string type, string message, int count, string expected)
    {
        _api.CreateEndpoint(Endpoint, "AllTraffic", "ml.p5.48xlarge");
        _api.InjectFault(operation, status, type, message, count);

        var e = await Assert.ThrowsAsync<EndpointScalingException>(() => _handler.OnEventAsync(Request("Create", Scaling("1", "2", Policy("a", "10"))), default));

        Assert.Equal($"Scaling of {ResourceId} (Create): {expected}", e.Message);
        Assert.Equal(count - 1, _delays.Count);
    }

    [Fact]
    public async Task ConcurrentUpdate_IsRetriedUntilItClears()
    {
        _api.CreateEndpoint(Endpoint, "AllTraffic", "ml.p5.48xlarge");
        _api.InjectFault("RegisterScalableTarget", 400, "ConcurrentUpdateException", "pending update", 2);

        await _handler.OnEventAsync(Request("Create", Scaling("1", "2", Policy("a", "10"))), default);

        Assert.Equal(2, _delays.Count);
        Assert.NotNull(_api.TargetOf(ResourceId));
    }

    private static string RunNode(string script, string stdin)
    {
        using var process = Process.Start(new ProcessStartInfo("node", ["-e", script])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        process.StandardInput.Write(stdin);
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(TimeSpan.FromSeconds(30)), "node did not finish within 30 s");
        Assert.True(process.ExitCode == 0, "node failed: " + stderr.Result);
        return stdout.Result;
    }
}
