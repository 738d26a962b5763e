using System.Text.Json.Nodes;

namespace LlmHosting.Lambda.EndpointScaling.Tests;

/// <summary>
/// Every deployment case of an autoscaled endpoint variant, driven with the requests CloudFormation sends
/// (<see cref="StackSimulator"/>) against a fake that fails an UpdateEndpoint changing the instance type of a registered
/// variant, as SageMaker does. After each sequence: the target is registered exactly when the template says so, with the
/// template's (or the pre-change) capacity and policies, and no endpoint update or deletion met a registered target.
/// Rollbacks run in both orders CloudFormation might use.
/// </summary>
public sealed class ScalingDeploymentTests : IAsyncLifetime
{
    private static readonly ScalingSettings Before = new(1, 2, ("invocations", 70));
    private static readonly ScalingSettings After = new(2, 4, ("invocations", 50), ("invocations-burst", 90));
    private static readonly VariantTemplate V1 = new("ml.g6e.xlarge", "model-1", Before);
    private static readonly VariantTemplate NewType = new("ml.g6e.2xlarge", "model-2", After);

    private readonly StringWriter _log = new();
    private FakeScalingApi _api = null!;
    private StackSimulator _stack = null!;

    public async Task InitializeAsync()
    {
        _api = await FakeScalingApi.StartAsync();
        _stack = new StackSimulator(_api, ScalingHandlers.Create(_api, _log), "llm-staging-gpt-oss-20b");
    }

    public async Task DisposeAsync() => await _api.DisposeAsync();

    [Fact]
    public async Task Harness_UpdateChangingTheTypeOfARegisteredVariant_FailsAndKeepsTheOldType()
    {
        Assert.True(await _stack.DeployAsync(V1));

        Assert.False(_api.UpdateEndpoint("llm-staging-gpt-oss-20b", "ml.g6e.2xlarge"));

        Assert.Equal("ml.g6e.xlarge", _api.InstanceTypeOf("llm-staging-gpt-oss-20b"));
        Assert.Contains("while endpoint/llm-staging-gpt-oss-20b/variant/AllTraffic is a scalable target", Assert.Single(_api.Violations));
    }

    [Fact]
    public async Task FirstDeployment_RegistersTheTemplatesTargetAndPolicies()
    {
        Assert.True(await _stack.DeployAsync(V1));

        Assert.Equal(["Create Pause", "Create Restore[ml.g6e.xlarge]", "Create Endpoint ml.g6e.xlarge", "Create Scaling"], _stack.Operations);
        AssertRegisteredAs(Before);
        Assert.Equal(FakeScalingApi.ServiceLinkedRole, _api.TargetOf(_stack.ResourceId)!.RoleArn);
        AssertClean();
    }

    [Fact]
    public async Task FirstDeployment_LaterResourceFails_RollbackLeavesNothingBehind()
    {
        Assert.False(await _stack.DeployAsync(V1, failAfter: "Scaling"));

        Assert.Null(_api.TargetOf(_stack.ResourceId));
        Assert.Null(_api.InstanceTypeOf("llm-staging-gpt-oss-20b"));
        Assert.Empty(_api.Violations);
    }

    [Fact]
    public async Task ModelAndCapacityChange_KeepsTheTargetRegisteredThroughout()
    {
        Assert.True(await _stack.DeployAsync(V1));
        var before = _api.Calls.Count;

        Assert.True(await _stack.DeployAsync(V1 with { Model = "model-2", Scaling = new ScalingSettings(1, 3, ("invocations", 60)) }));

        Assert.Equal(["Update Endpoint ml.g6e.xlarge", "Update Scaling"], _stack.Operations.Skip(4));
        Assert.DoesNotContain(_api.Calls.Skip(before), c => c.Operation == "DeregisterScalableTarget");
        AssertRegisteredAs(new ScalingSettings(1, 3, ("invocations", 60)));
        AssertClean();
    }

    [Fact]
    public async Task InstanceTypeChange_DeregistersBeforeTheUpdateAndRegistersTheNewTemplateAfter()
    {
        Assert.True(await _stack.DeployAsync(V1));

        Assert.True(await _stack.DeployAsync(NewType));

        Assert.Equal(
            ["Update Pause", "Create Restore[ml.g6e.2xlarge]", "Update Endpoint ml.g6e.2xlarge", "Update Scaling", "Delete Restore[ml.g6e.xlarge]"],
            _stack.Operations.Skip(4));
        Assert.Equal("ml.g6e.2xlarge", _api.InstanceTypeOf("llm-staging-gpt-oss-20b"));
        AssertRegisteredAs(After);
        AssertClean();
    }

    [Theory]
    [InlineData(RollbackOrder.Dependency)]
    [InlineData(RollbackOrder.Reverse)]
    public async Task InstanceTypeChange_EndpointUpdateFails_RollbackRestoresThePreChangeRegistration(RollbackOrder order)
    {
        Assert.True(await _stack.DeployAsync(V1));
        SuspendScaleIn();

        Assert.False(await _stack.DeployAsync(NewType, endpointUpdateFails: true, order: order));

        Assert.Equal("ml.g6e.xlarge", _api.InstanceTypeOf("llm-staging-gpt-oss-20b"));
        AssertRegisteredAs(Before);
        Assert.True((bool)_api.TargetOf(_stack.ResourceId)!.Suspended["DynamicScalingInSuspended"]!);
        Assert.Empty(_api.Violations);
        Assert.Equal(["Endpoint update to ml.g6e.2xlarge failed"], _stack.Failures);
    }

    [Theory]
    [InlineData(RollbackOrder.Dependency)]
    [InlineData(RollbackOrder.Reverse)]
    public async Task InstanceTypeChange_LaterResourceFailsBeforeScalingRan_RollbackRestoresThePreChangeRegistration(RollbackOrder order)
    {
        Assert.True(await _stack.DeployAsync(V1));
        SuspendScaleIn();

        Assert.False(await _stack.DeployAsync(NewType, failAfter: "Endpoint", order: order));

        Assert.Equal("ml.g6e.xlarge", _api.InstanceTypeOf("llm-staging-gpt-oss-20b"));
        AssertRegisteredAs(Before);
        Assert.True((bool)_api.TargetOf(_stack.ResourceId)!.Suspended["DynamicScalingInSuspended"]!);
        Assert.Empty(_api.Violations);
        Assert.Equal(["Endpoint's successor failed"], _stack.Failures);
    }

    [Theory]
    [InlineData(RollbackOrder.Dependency)]
    [InlineData(RollbackOrder.Reverse)]
    public async Task InstanceTypeChange_LaterResourceFailsAfterScalingRan_RollbackRegistersTheOldCapacityAndPolicies(RollbackOrder order)
    {
        Assert.True(await _stack.DeployAsync(V1));

        Assert.False(await _stack.DeployAsync(NewType, failAfter: "Scaling", order: order));

        Assert.Equal("ml.g6e.xlarge", _api.InstanceTypeOf("llm-staging-gpt-oss-20b"));
        AssertRegisteredAs(Before);
        Assert.Empty(_api.Violations);
        Assert.Equal(["Scaling's successor failed"], _stack.Failures);
    }

    /// <summary>
    /// Issue 19, hazard 3: SageMaker rolls an instance-type change back on its own and CloudFormation reports the endpoint
    /// update as successful (UNCONFIRMED whether it does; the fake's endpoint keeps the old type). Before, the
    /// registration deregistered and succeeded, and the clean-up deleted the old Restore with its empty snapshot:
    /// UPDATE_COMPLETE with autoscaling off. Now the registration fails, CloudFormation rolls back, and the new Restore's
    /// snapshot (or the registration's own rollback) registers the old target again.
    /// </summary>
    [Theory]
    [InlineData(RollbackOrder.Dependency)]
    [InlineData(RollbackOrder.Reverse)]
    public async Task InstanceTypeChange_SageMakerKeepsTheOldTypeButTheUpdateSucceeds_FailsTheStackAndRegistersTheOldTargetAgain(RollbackOrder order)
    {
        Assert.True(await _stack.DeployAsync(V1));
        SuspendScaleIn();

        Assert.False(await _stack.DeployAsync(NewType, endpointRollsBackSilently: true, order: order));

        Assert.Equal("ml.g6e.xlarge", _api.InstanceTypeOf("llm-staging-gpt-oss-20b"));
        AssertRegisteredAs(Before);
        Assert.Empty(_api.Violations);
        var failure = Assert.Single(_stack.Failures);
        Assert.StartsWith("Scaling of endpoint/llm-staging-gpt-oss-20b/variant/AllTraffic (Update): the endpoint runs ml.g6e.xlarge, not ml.g6e.2xlarge as this deployment set (stack UPDATE_IN_PROGRESS)", failure);
        Assert.Contains(_api.Calls, c => c.Service == "cloudformation" && c.Operation == "DescribeStacks" && c.Status == 200);
    }

    [Fact]
    public async Task InstanceTypeChange_PauseDenied_FailsNamingThePermissionAndKeepsTheRegistration()
    {
        Assert.True(await _stack.DeployAsync(V1));
        _api.InjectFault("DeregisterScalableTarget", 400, "AccessDeniedException",
            "User: arn:aws:sts::123456789012:assumed-role/handler/fn is not authorized to perform: application-autoscaling:DeregisterScalableTarget on resource: *");

        Assert.False(await _stack.DeployAsync(NewType));

        var failure = Assert.Single(_stack.Failures);
        Assert.StartsWith("Pause of endpoint/llm-staging-gpt-oss-20b/variant/AllTraffic (Update): Application Auto Scaling denied DeregisterScalableTarget: "
                          + "the handler's role needs application-autoscaling:DeregisterScalableTarget (AccessDeniedException: User: ", failure);
        Assert.DoesNotContain('\n', failure);
        // The rollback's Pause update (2xlarge -> xlarge) finds the endpoint on xlarge already and must not pause again.
        Assert.Equal(["Update Pause", "Rollback Pause"], _stack.Operations.Skip(4));
        Assert.Equal("ml.g6e.xlarge", _api.InstanceTypeOf("llm-staging-gpt-oss-20b"));
        AssertRegisteredAs(Before);
        Assert.Empty(_api.Violations);
    }

    [Fact]
    public async Task InstanceTypeChangedAndBack_EachDeploysAndEndsOnTheTemplate()
    {
        Assert.True(await _stack.DeployAsync(V1));
        Assert.True(await _stack.DeployAsync(NewType));

        // Other capacity than the snapshot Restore[ml.g6e.2xlarge] holds, so that a wrong restore in the cleanup shows.
        var back = V1 with { Scaling = new ScalingSettings(1, 5, ("invocations", 65)) };
        Assert.True(await _stack.DeployAsync(back));

        Assert.Equal("ml.g6e.xlarge", _api.InstanceTypeOf("llm-staging-gpt-oss-20b"));
        AssertRegisteredAs(back.Scaling!);
        AssertClean();
    }

    [Fact]
    public async Task AutoscalingTurnedOffAfterATypeChange_DeregistersAndNothingRegistersAgain()
    {
        Assert.True(await _stack.DeployAsync(V1));
        Assert.True(await _stack.DeployAsync(NewType));

        Assert.True(await _stack.DeployAsync(NewType with { Scaling = null }));

        Assert.Equal(["Delete Scaling", "Delete Restore[ml.g6e.2xlarge]", "Delete Pause"], _stack.Operations.Skip(9));
        Assert.Null(_api.TargetOf(_stack.ResourceId));
        Assert.Empty(_api.PoliciesOf(_stack.ResourceId));
        Assert.Equal("ml.g6e.2xlarge", _api.InstanceTypeOf("llm-staging-gpt-oss-20b"));
        AssertClean();
    }

    [Fact]
    public async Task AutoscalingTurnedOffTogetherWithATypeChange_IsTheOneUnsafeChange_TheEndpointUpdateMeetsTheTarget()
    {
        // The removed Pause gets no update request and Scaling is deleted only in the cleanup: the construct (or the
        // user, in two deployments) must keep these two changes apart.
        Assert.True(await _stack.DeployAsync(V1));

        Assert.False(await _stack.DeployAsync(NewType with { Scaling = null }));

        Assert.Contains("UpdateEndpoint llm-staging-gpt-oss-20b ml.g6e.xlarge -> ml.g6e.2xlarge while", Assert.Single(_api.Violations));
        AssertRegisteredAs(Before);
    }

    [Fact]
    public async Task AutoscalingTurnedOn_RegistersAfterTheEndpoint()
    {
        Assert.True(await _stack.DeployAsync(V1 with { Scaling = null }));
        Assert.Null(_api.TargetOf(_stack.ResourceId));

        Assert.True(await _stack.DeployAsync(V1));

        AssertRegisteredAs(Before);
        AssertClean();
    }

    [Fact]
    public async Task StackDeleted_DeregistersBeforeTheEndpointIsDeleted()
    {
        Assert.True(await _stack.DeployAsync(V1));
        Assert.True(await _stack.DeployAsync(NewType));

        await _stack.DeleteStackAsync();

        Assert.Equal(["Delete Scaling", "Delete Endpoint", "Delete Restore[ml.g6e.2xlarge]", "Delete Pause"], _stack.Operations.Skip(9));
        Assert.Null(_api.TargetOf(_stack.ResourceId));
        Assert.Null(_api.InstanceTypeOf("llm-staging-gpt-oss-20b"));
        AssertClean();
    }

    // An operator's change outside the deployment, so that the pre-change registration differs from the template's.
    private void SuspendScaleIn()
        => _api.SetTarget(_stack.ResourceId, t =>
        {
            var suspended = t.Suspended.DeepClone().AsObject();
            suspended["DynamicScalingInSuspended"] = true;
            return t with { Suspended = suspended };
        });

    private void AssertRegisteredAs(ScalingSettings expected)
    {
        var target = _api.TargetOf(_stack.ResourceId);
        Assert.NotNull(target);
        Assert.Equal((expected.Min, expected.Max), (target.Min, target.Max));
        Assert.Equal(
            expected.Policies.OrderBy(p => p.Name),
            _api.PoliciesOf(_stack.ResourceId).Select(p => (p.Name, (double)p.Configuration["TargetValue"]!)).OrderBy(p => p.Name));
    }

    private void AssertClean()
    {
        Assert.Empty(_api.Violations);
        Assert.Empty(_stack.Failures);
    }
}
