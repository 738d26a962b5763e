using System.CommandLine;
using System.Text.Json.Nodes;
using LlmHosting.Cli.Commands.Impact;
using static LlmHosting.Cli.Tests.Impact.ImpactTemplates;

namespace LlmHosting.Cli.Tests.Impact;

/// <summary>
/// <c>llmhost impact</c> prints the extra instances, by instance type, that each endpoint and component rollout needs at its
/// peak: blue/green builds a whole fleet (as large as autoscaling made it, with RetainAllVariantProperties, else the
/// initial count), rolling adds a batch or a rollback batch (every instance without one), a component adds copies.
/// </summary>
public sealed class RolloutCapacityTests : IDisposable
{
    private const string ProdEndpointConfig = "GptOss120bConfig";
    private readonly AssemblyLayouts _layouts = new();

    [Fact]
    public async Task CommittedSnapshots_ProdInstanceTypeChange_PrintsOneExtraInstanceOfTheNewType()
    {
        // prod's gpt-oss-120b, on ml.p5.48xlarge with ml.p5e.48xlarge as its fallback pool, swaps the two, as a synthesis
        // writes it (App tests, InstanceTypeChangeTests): a new config, the same Pause and Registration with the new types,
        // and a Restore under a logical id of the new types that the endpoint depends on.
        var snapshots = Path.Combine(AssemblyLayouts.RepositoryRoot(), ImpactCommand.DefaultBefore);
        var prod = JsonNode.Parse(File.ReadAllText(Path.Combine(snapshots, "prod.Serving.template.json")))!.AsObject();
        var changed = prod.DeepClone().AsObject();
        var resources = Resources(changed);
        var config = resources.Single(r => r.Key.StartsWith(ProdEndpointConfig, StringComparison.Ordinal)).Value!;
        var pools = config["Properties"]!["ProductionVariants"]![0]!["InstancePools"]!.AsArray();
        Assert.Equal(["ml.p5.48xlarge", "ml.p5e.48xlarge"], pools.Select(p => (string)p!["InstanceType"]!));
        pools[0]!["InstanceType"] = "ml.p5e.48xlarge";
        pools[1]!["InstanceType"] = "ml.p5.48xlarge";
        foreach (var (_, scaling) in resources.Where(r => (string?)r.Value!["Type"] == "Custom::EndpointScaling").ToList())
        {
            if ((string?)scaling!["Properties"]!["EndpointName"] == "llm-prod-gpt-oss-120b")
            {
                scaling["Properties"]!["InstanceType"] = "ml.p5e.48xlarge,ml.p5.48xlarge";
            }
        }

        var restore = resources.Single(r => r.Key.StartsWith("GptOss120bScalingRestoreMlP548xlarge", StringComparison.Ordinal)).Key;
        resources["GptOss120bScalingRestoreMlP5e48xlargeMlP548xlarge0A1B2C3D"] = resources[restore]!.DeepClone();
        resources.Remove(restore);
        var endpoint = resources.Single(r => (string?)r.Value!["Type"] == "AWS::SageMaker::Endpoint" && r.Key.StartsWith("GptOss120b", StringComparison.Ordinal)).Value!;
        var dependsOn = endpoint["DependsOn"]!.AsArray();
        dependsOn[dependsOn.Select(d => (string)d!).ToList().IndexOf(restore)] = "GptOss120bScalingRestoreMlP5e48xlargeMlP548xlarge0A1B2C3D";
        var after = _layouts.Snapshots("after", ("prod", "Serving", changed));

        var (exitCode, output) = await RunAsync("impact", "--format", "text", "--before", snapshots, "--after", after, "--env", "prod");

        Assert.Equal(0, exitCode);
        Assert.Contains("- peak extra instances: 1 x ml.p5e.48xlarge (fallback ml.p5.48xlarge) (blue/green, a new fleet of InitialInstanceCount 1)", output, StringComparison.Ordinal);
        Assert.Contains("  peak extra instances during the rollout (check quotas and capacity): 1 x ml.p5e.48xlarge (fallback ml.p5.48xlarge)", output, StringComparison.Ordinal);
    }

    [Fact]
    public void BlueGreen_RetainingTheAutoscaledCount_NeedsASecondFleetAtTheMaximum()
    {
        var after = Autoscaled();
        Properties(after, Config)["ProductionVariants"]![0]!["InstanceType"] = "ml.g6e.2xlarge";
        var before = Autoscaled();
        Resources(before).Remove(ScalableTarget);
        Resources(after).Remove(ScalableTarget);
        Resources(after)["Registration"] = Parse("""
            { "Type": "Custom::EndpointScaling", "Properties": { "ServiceToken": "arn:aws:lambda:us-east-1:222222222222:function:p", "Role": "Scaling",
              "EndpointName": "llm-staging-gpt-oss-20b", "VariantName": "AllTraffic", "InstanceType": "ml.g6e.2xlarge", "MinCapacity": "1", "MaxCapacity": "3" } }
            """);

        var stack = CompareServing(before, after);

        Assert.Equal(new CapacityNeed("ml.g6e.2xlarge", 3, false, Endpoint, "blue/green, a second fleet as large as the current one, up to 3"), Assert.Single(stack.Capacity));
        Assert.Equal("3 x ml.g6e.2xlarge", stack.PeakExtraInstances);
    }

    [Theory]
    [InlineData("""{ "Type": "INSTANCE_COUNT", "Value": 1 }""", """{ "Type": "INSTANCE_COUNT", "Value": 1 }""", 1)]
    [InlineData("""{ "Type": "INSTANCE_COUNT", "Value": 1 }""", null, 4)]
    [InlineData("""{ "Type": "CAPACITY_PERCENT", "Value": 50 }""", """{ "Type": "CAPACITY_PERCENT", "Value": 25 }""", 2)]
    public void Rolling_NeedsTheLargerOfTheBatchAndTheRollbackBatch_EveryInstanceWithoutOne(string batch, string? rollback, int expected)
    {
        var after = Serving();
        Properties(after, Config)["ProductionVariants"]![0]!["InitialInstanceCount"] = 4;
        Properties(after, Config)["ProductionVariants"]![0]!["InstanceType"] = "ml.p5.48xlarge";
        var rolling = new JsonObject { ["MaximumBatchSize"] = Parse(batch), ["WaitIntervalInSeconds"] = 600 };
        if (rollback is not null)
        {
            rolling["RollbackMaximumBatchSize"] = Parse(rollback);
        }

        Properties(after, Endpoint)["DeploymentConfig"] = new JsonObject { ["RollingUpdatePolicy"] = rolling };

        var need = Assert.Single(CompareServing(Serving(), after).Capacity);

        Assert.Equal(("ml.p5.48xlarge", expected, false), (need.InstanceType, need.Instances, need.AtMost));
    }

    [Fact]
    public void ComponentSpecificationChange_NeedsItsBatchOfCopies_AtMostAnInstanceEach()
    {
        var before = WithComponent();
        var after = WithComponent();
        Properties(after, "Component")["Specification"]!["StartupParameters"] = Parse("""{ "ContainerStartupHealthCheckTimeoutInSeconds": 900 }""");

        var stack = CompareServing(before, after);

        var need = Assert.Single(stack.Capacity);
        Assert.Equal(("ml.g6e.12xlarge", 1, true), (need.InstanceType, need.Instances, need.AtMost));
        Assert.Contains("peak extra instances: up to 1 x ml.g6e.12xlarge (1 extra copy of 2 GPUs each", stack.Row("Component").Reasons[^1], StringComparison.Ordinal);
        Assert.Equal("up to 1 x ml.g6e.12xlarge (component copies)", stack.PeakExtraInstances);
    }

    [Fact]
    public void NoRollout_NoCapacityLine()
    {
        var after = Serving();
        Properties(after, Alarm)["Threshold"] = 2;

        var stack = CompareServing(Serving(), after);

        Assert.Empty(stack.Capacity);
        Assert.Null(stack.PeakExtraInstances);
        Assert.DoesNotContain("peak extra", ImpactReportWriter.Text(Compare(Set("before", ("Serving", Serving())), Set("after", ("Serving", after)))), StringComparison.Ordinal);
    }

    public void Dispose() => _layouts.Dispose();

    // Serving() with an inference component on the endpoint: 2 GPUs a copy, 1 copy, up to 2 by autoscaling, one copy at a time.
    private static JsonObject WithComponent()
    {
        var template = Serving();
        Properties(template, Config)["ProductionVariants"]![0]!["InstanceType"] = "ml.g6e.12xlarge";
        Resources(template)["Component"] = Parse($$"""
            {
              "Type": "AWS::SageMaker::InferenceComponent",
              "Properties": {
                "EndpointName": { "Fn::GetAtt": ["{{Endpoint}}", "EndpointName"] },
                "InferenceComponentName": "llm-staging-shared-qwen",
                "VariantName": "AllTraffic",
                "RuntimeConfig": { "CopyCount": 1 },
                "Specification": { "ModelName": "m", "ComputeResourceRequirements": { "NumberOfAcceleratorDevicesRequired": 2, "MinMemoryRequiredInMb": 1024 } },
                "DeploymentConfig": { "RollingUpdatePolicy": { "MaximumBatchSize": { "Type": "COPY_COUNT", "Value": 1 }, "RollbackMaximumBatchSize": { "Type": "COPY_COUNT", "Value": 1 }, "WaitIntervalInSeconds": 600 } }
              }
            }
            """);
        Resources(template)["ComponentTarget"] = Parse("""
            { "Type": "AWS::ApplicationAutoScaling::ScalableTarget", "Properties": { "MaxCapacity": 2, "MinCapacity": 1, "ResourceId": "inference-component/llm-staging-shared-qwen",
              "ScalableDimension": "sagemaker:inference-component:DesiredCopyCount", "ServiceNamespace": "sagemaker" } }
            """);
        return template;
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exitCode = await new RootCommand { ImpactCommand.Create() }.Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        Assert.Equal("", error.ToString());
        return (exitCode, output.ToString());
    }
}
