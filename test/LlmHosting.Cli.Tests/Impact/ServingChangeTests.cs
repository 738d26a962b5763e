using System.Text.Json.Nodes;
using LlmHosting.Cli.Commands.Impact;
using static LlmHosting.Cli.Tests.Impact.ImpactTemplates;

namespace LlmHosting.Cli.Tests.Impact;

/// <summary>The changes users make to endpoints in pull requests, and what the report says a deployment does.</summary>
public sealed class ServingChangeTests
{
    [Fact]
    public void VllmSettingChange_ReplacesModelAndConfig_UpdatesEndpointWithItsGuardrail()
    {
        var after = Serving();
        Properties(after, Model)["PrimaryContainer"]!["Environment"]!["SM_VLLM_MAX_MODEL_LEN"] = "32768";

        var stack = CompareServing(Serving(), after);

        Assert.Equal(StackChange.Changed, stack.Change);
        Assert.Equal(ResourceAction.Replaced, stack.Row(Model).Action);
        Assert.Contains("PrimaryContainer.Environment.SM_VLLM_MAX_MODEL_LEN: 65536 → 32768 (create-only)", stack.Row(Model).Reasons);
        // The config's text is unchanged: only the model's new name makes it change at deploy time.
        Assert.Equal(ResourceAction.Replaced, stack.Row(Config).Action);
        Assert.Contains($"ProductionVariants[0].ModelName: new value ({Model} is replaced) (create-only)", stack.Row(Config).Reasons);
        var endpoint = stack.Row(Endpoint);
        Assert.Equal(ResourceAction.Updated, endpoint.Action);
        Assert.Empty(endpoint.Flags);
        Assert.Contains(
            "SageMaker redeploys the endpoint: blue/green, canary of 50% of capacity, then the rest after 600 s; old fleet kept 300 s after the shift; "
            + $"automatic rollback on alarms {Alarm}; variant properties such as the autoscaled instance count kept (RetainAllVariantProperties)",
            endpoint.Reasons);
        Assert.Equal(3, stack.Resources.Count);
    }

    [Fact]
    public void VllmSettingChange_EndpointWithoutDeploymentConfig_SaysAllAtOnceWithoutRollback()
    {
        var before = Serving();
        Properties(before, Endpoint).Remove("DeploymentConfig");
        Properties(before, Endpoint).Remove("RetainAllVariantProperties");
        var after = before.DeepClone().AsObject();
        Properties(after, Model)["PrimaryContainer"]!["Image"] = "763104351884.dkr.ecr.us-east-1.amazonaws.com/vllm:0.27.1-gpu-py312-cu130-ubuntu22.04-sagemaker";

        var endpoint = CompareServing(before, after).Row(Endpoint);

        Assert.Contains(endpoint.Reasons, r => r.Contains("all at once", StringComparison.Ordinal) && r.Contains("no automatic rollback", StringComparison.Ordinal)
            && r.Contains("instance count reset to the new config's InitialInstanceCount", StringComparison.Ordinal));
    }

    [Fact]
    public void RollingUpdatePolicy_IsPrinted()
    {
        var after = Serving();
        Properties(after, Endpoint)["DeploymentConfig"]!["BlueGreenUpdatePolicy"]!.Parent!.AsObject().Remove("BlueGreenUpdatePolicy");
        Properties(after, Endpoint)["DeploymentConfig"]!["RollingUpdatePolicy"] = Parse("""
            { "MaximumBatchSize": { "Type": "INSTANCE_COUNT", "Value": 1 }, "WaitIntervalInSeconds": 300, "RollbackMaximumBatchSize": { "Type": "CAPACITY_PERCENT", "Value": 100 } }
            """);
        Properties(after, Config)["ProductionVariants"]![0]!["InitialInstanceCount"] = 2;

        var endpoint = CompareServing(Serving(), after).Row(Endpoint);

        Assert.Contains(endpoint.Reasons, r => r.StartsWith(
            "SageMaker redeploys the endpoint: rolling, batches of 1 instance(s), each watched for 300 s, rollback in batches of 100% of capacity; automatic rollback on alarms", StringComparison.Ordinal));
    }

    [Fact]
    public void InstanceTypeChange_ReplacesConfig_UpdatesEndpointInPlace()
    {
        var after = Serving();
        Properties(after, Config)["ProductionVariants"]![0]!["InstanceType"] = "ml.g6e.2xlarge";

        var stack = CompareServing(Serving(), after);

        Assert.Equal(ResourceAction.Replaced, stack.Row(Config).Action);
        Assert.Contains("ProductionVariants[0].InstanceType: ml.g6e.xlarge → ml.g6e.2xlarge (create-only)", stack.Row(Config).Reasons);
        Assert.Equal(ResourceAction.Updated, stack.Row(Endpoint).Action);
        Assert.Empty(stack.Row(Endpoint).Flags);
        Assert.Contains(stack.Row(Endpoint).Reasons, r => r.StartsWith("SageMaker redeploys the endpoint: blue/green, canary", StringComparison.Ordinal));
        Assert.DoesNotContain(stack.Resources, r => r.LogicalId == Model);
    }

    [Fact]
    public void InstanceTypeChange_OfAutoscaledEndpoint_FailsTheDeploy()
    {
        var after = Autoscaled();
        Properties(after, Config)["ProductionVariants"]![0]!["InstanceType"] = "ml.g6e.2xlarge";

        var endpoint = CompareServing(Autoscaled(), after).Row(Endpoint);

        Assert.Equal([ImpactFlag.DeployFails], endpoint.Flags);
        Assert.StartsWith($"variant AllTraffic changes instance type ml.g6e.xlarge → ml.g6e.2xlarge while {ScalableTarget} autoscales it", endpoint.Reasons[0]);
    }

    [Fact]
    public void ModelChange_OfAutoscaledEndpoint_IsAllowed()
    {
        var after = Autoscaled();
        Properties(after, Model)["PrimaryContainer"]!["Environment"]!["SM_VLLM_MAX_MODEL_LEN"] = "32768";

        var endpoint = CompareServing(Autoscaled(), after).Row(Endpoint);

        Assert.Equal(ResourceAction.Updated, endpoint.Action);
        Assert.Empty(endpoint.Flags);
    }

    [Fact]
    public void EndpointNameChange_ReplacesEndpoint_FlagsDowntimeOnly()
    {
        var after = Serving();
        Properties(after, Endpoint)["EndpointName"] = "llm-staging-gpt-oss-20b-v2";

        var endpoint = CompareServing(Serving(), after).Row(Endpoint);

        Assert.Equal(ResourceAction.Replaced, endpoint.Action);
        Assert.Contains("EndpointName: llm-staging-gpt-oss-20b → llm-staging-gpt-oss-20b-v2 (create-only)", endpoint.Reasons);
        // A new name is what lets CloudFormation create the replacement before it deletes the old endpoint.
        Assert.Equal([ImpactFlag.Downtime], endpoint.Flags);
    }

    [Fact]
    public void EndpointRenamedLogicalId_KeepingItsName_FlagsDowntimeAndDeployFails()
    {
        var after = Serving();
        Resources(after)["GptOss20bEndpointRenamed"] = Resources(after)[Endpoint]!.DeepClone();
        Resources(after).Remove(Endpoint);

        var stack = CompareServing(Serving(), after);

        Assert.Equal(ResourceAction.Removed, stack.Row(Endpoint).Action);
        Assert.Equal([ImpactFlag.Downtime], stack.Row(Endpoint).Flags);
        var added = stack.Row("GptOss20bEndpointRenamed");
        Assert.Equal(ResourceAction.Added, added.Action);
        Assert.Equal([ImpactFlag.DeployFails], added.Flags);
        Assert.StartsWith($"EndpointName 'llm-staging-gpt-oss-20b' is still taken by staging/Serving/{Endpoint}", added.Reasons[0]);
    }

    [Fact]
    public void Replacement_KeepingCustomName_FailsTheDeployCitingTheProperty()
    {
        var before = Serving();
        Properties(before, Model)["ModelName"] = "llm-staging-gpt-oss-20b";
        var after = before.DeepClone().AsObject();
        Properties(after, Model)["PrimaryContainer"]!["Environment"]!["SM_VLLM_MAX_MODEL_LEN"] = "32768";

        var model = CompareServing(before, after).Row(Model);

        Assert.Equal(ResourceAction.Replaced, model.Action);
        Assert.Equal([ImpactFlag.DeployFails], model.Flags);
        Assert.StartsWith("ModelName 'llm-staging-gpt-oss-20b' stays the same: CloudFormation cannot replace a custom-named resource", model.Reasons[0]);
    }

    [Fact]
    public void ComponentModelReplaced_UpdatesComponentWithItsRollingPolicy()
    {
        JsonObject Template(string image) => Parse($$"""
            {
              "Resources": {
                "QwenModel": { "Type": "AWS::SageMaker::Model", "Properties": { "ExecutionRoleArn": "arn:aws:iam::1:role/r", "PrimaryContainer": { "Image": "{{image}}" } } },
                "QwenComponent": {
                  "Type": "AWS::SageMaker::InferenceComponent",
                  "Properties": {
                    "EndpointName": "llm-dev-shared", "VariantName": "AllTraffic", "RuntimeConfig": { "CopyCount": 1 },
                    "Specification": { "ModelName": { "Fn::GetAtt": ["QwenModel", "ModelName"] } },
                    "DeploymentConfig": {
                      "RollingUpdatePolicy": { "MaximumBatchSize": { "Type": "COPY_COUNT", "Value": 1 }, "WaitIntervalInSeconds": 120 },
                      "AutoRollbackConfiguration": { "Alarms": [ { "AlarmName": "llm-dev-shared-qwen3-4b-5xx" } ] }
                    }
                  }
                }
              }
            }
            """);

        var stack = CompareServing(Template("vllm:0.20.2"), Template("vllm:0.27.1"));

        var component = stack.Row("QwenComponent");
        Assert.Equal(ResourceAction.Updated, component.Action);
        Assert.Empty(component.Flags);
        Assert.Contains("SageMaker redeploys the component's copies: rolling, batches of 1 copy(ies), each watched for 120 s; automatic rollback on alarms llm-dev-shared-qwen3-4b-5xx", component.Reasons);
    }
}
