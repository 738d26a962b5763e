using System.Text.Json.Nodes;
using LlmHosting.Cli.Commands.Impact;
using static LlmHosting.Cli.Tests.Impact.ImpactTemplates;

namespace LlmHosting.Cli.Tests.Impact;

/// <summary>
/// How the report classifies the capacity properties (fallback pools, reservations, warm windows, data caching, VPC
/// endpoint policies): from the CloudFormation schemas cfn-lint ships, ProductionVariants is create-only on
/// AWS::SageMaker::EndpointConfig, so every new variant property replaces the configuration and redeploys the endpoint;
/// a component's Specification, a scalable target's ScheduledActions and a VPC endpoint's PolicyDocument update in place.
/// </summary>
public sealed class CapacityChangeTests
{
    private const string Component = "SharedQwen34bC1D2E3F4";
    private const string Target = "SharedQwen34bScalableTarget5A6B7C8D";
    private const string PrivateEndpoint = "PrivateInvocationSageMakerRuntime9E8D7C6B";

    private static void AddPools(JsonObject template)
    {
        var variant = Properties(template, Config)["ProductionVariants"]![0]!.AsObject();
        variant.Remove("InstanceType");
        variant["InstancePools"] = JsonNode.Parse("""[{ "InstanceType": "ml.g6e.xlarge", "Priority": 1 }, { "InstanceType": "ml.g6.xlarge", "Priority": 2 }]""");
    }

    private static JsonObject WithComponent()
    {
        var template = Serving();
        Resources(template)[Component] = Parse("""
            { "Type": "AWS::SageMaker::InferenceComponent",
              "Properties": { "EndpointName": "llm-dev-shared", "InferenceComponentName": "llm-dev-shared-qwen3-4b", "VariantName": "AllTraffic",
                "RuntimeConfig": { "CopyCount": 1 },
                "Specification": { "ModelName": "m", "ComputeResourceRequirements": { "NumberOfAcceleratorDevicesRequired": 1, "MinMemoryRequiredInMb": 1024 } } } }
            """);
        Resources(template)[Target] = Parse("""
            { "Type": "AWS::ApplicationAutoScaling::ScalableTarget",
              "Properties": { "MaxCapacity": 1, "MinCapacity": 0, "ResourceId": "inference-component/llm-dev-shared-qwen3-4b",
                "ScalableDimension": "sagemaker:inference-component:DesiredCopyCount", "ServiceNamespace": "sagemaker" } }
            """);
        Resources(template)[PrivateEndpoint] = Parse("""
            { "Type": "AWS::EC2::VPCEndpoint",
              "Properties": { "ServiceName": "com.amazonaws.us-east-1.sagemaker.runtime", "VpcEndpointType": "Interface", "VpcId": "vpc-0123456789abcdef0",
                "PolicyDocument": { "Statement": [ { "Action": "sagemaker:InvokeEndpoint", "Effect": "Allow", "Principal": { "AWS": "*" },
                  "Resource": "arn:aws:sagemaker:us-east-1:222222222222:endpoint/llm-dev-shared" } ], "Version": "2012-10-17" } } }
            """);
        return template;
    }

    [Fact]
    public void FallbackPoolsAdded_ReplaceTheConfig_AndRedeployTheEndpoint()
    {
        var after = Serving();
        AddPools(after);

        var stack = CompareServing(Serving(), after);

        Assert.Equal(ResourceAction.Replaced, stack.Row(Config).Action);
        Assert.Contains(stack.Row(Config).Reasons, r => r.Contains("InstancePools", StringComparison.Ordinal) && r.EndsWith("(create-only)", StringComparison.Ordinal));
        Assert.Equal(ResourceAction.Updated, stack.Row(Endpoint).Action);
        Assert.Empty(stack.Row(Endpoint).Flags);
    }

    [Fact]
    public void FallbackPoolsAdded_ToANativelyAutoscaledVariant_SayTheTypesItRunsOn()
    {
        var after = Autoscaled();
        AddPools(after);

        var endpoint = CompareServing(Autoscaled(), after).Row(Endpoint);

        Assert.Equal([ImpactFlag.DeployFails], endpoint.Flags);
        Assert.StartsWith($"variant AllTraffic changes instance type ml.g6e.xlarge → ml.g6e.xlarge,ml.g6.xlarge while {ScalableTarget} autoscales it", endpoint.Reasons[0]);
    }

    [Fact]
    public void ReservationAdded_ReplacesTheConfig()
    {
        var after = Serving();
        Properties(after, Config)["ProductionVariants"]![0]!["CapacityReservationConfig"] = Parse("""
            { "CapacityReservationPreference": "capacity-reservations-only", "MlReservationArn": "arn:aws:sagemaker:us-east-1:222222222222:training-plan/p" }
            """);

        var config = CompareServing(Serving(), after).Row(Config);

        Assert.Equal(ResourceAction.Replaced, config.Action);
        Assert.Contains(config.Reasons, r => r.Contains("CapacityReservationConfig", StringComparison.Ordinal) && r.EndsWith("(create-only)", StringComparison.Ordinal));
    }

    [Fact]
    public void DataCacheAndPlacement_WarmWindow_AndEndpointPolicy_UpdateInPlace()
    {
        var after = WithComponent();
        var specification = Properties(after, Component)["Specification"]!.AsObject();
        specification["DataCacheConfig"] = Parse("""{ "EnableCaching": true }""");
        specification["SchedulingConfig"] = Parse("""{ "PlacementStrategy": "BINPACK" }""");
        Properties(after, Target)["ScheduledActions"] = JsonNode.Parse("""
            [{ "ScheduledActionName": "WarmWindow0Start", "Schedule": "cron(0 8 ? * MON-FRI *)", "Timezone": "America/New_York", "ScalableTargetAction": { "MinCapacity": 1 } }]
            """);
        Properties(after, PrivateEndpoint)["PolicyDocument"]!["Statement"]![0]!["Resource"] = "arn:aws:sagemaker:us-east-1:222222222222:endpoint/llm-dev-other";

        var stack = CompareServing(WithComponent(), after);

        var component = stack.Row(Component);
        Assert.Equal(ResourceAction.Updated, component.Action);
        Assert.Contains(component.Reasons, r => r.StartsWith("SageMaker redeploys the component's copies", StringComparison.Ordinal));
        Assert.DoesNotContain(component.Reasons, r => r.Contains("create-only", StringComparison.Ordinal));
        Assert.Equal(ResourceAction.Updated, stack.Row(Target).Action);
        Assert.Equal(ResourceAction.Updated, stack.Row(PrivateEndpoint).Action);
    }
}
