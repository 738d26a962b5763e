using System.Text.Json.Nodes;
using LlmHosting.App.Tests.Snapshots;

namespace LlmHosting.App.Tests.Stacks;

/// <summary>
/// Every endpoint and inference component of every environment updates behind guardrails: a deployment policy that rolls
/// back on alarms of the same template, and autoscaled endpoints keep their instance count through an update.
/// </summary>
[Collection(SynthesizedApp.Collection)]
public sealed class UpdateGuardrailTests(SynthesizedApp app)
{
    public static TheoryData<string> EnvironmentNames() => SnapshotTests.EnvironmentNames();

    [Theory]
    [MemberData(nameof(EnvironmentNames))]
    public void Endpoints_HaveADeploymentPolicyRollingBackOnAlarmsOfTheTemplate(string environment)
    {
        var resources = app.Template(environment)["Resources"]!.AsObject();
        foreach (var (id, endpoint) in Of(resources, "AWS::SageMaker::Endpoint"))
        {
            var config = endpoint["Properties"]!["DeploymentConfig"];
            Assert.True(config is not null, $"{environment}: endpoint {id} has no DeploymentConfig");
            Assert.True(config!["BlueGreenUpdatePolicy"] is not null || config["RollingUpdatePolicy"] is not null, $"{environment}: {id} has no update policy");
            AssertAlarmsOfTheTemplate(environment, id, config, resources);
        }
    }

    [Theory]
    [MemberData(nameof(EnvironmentNames))]
    public void AutoscaledEndpoints_RetainTheirVariantPropertiesThroughUpdates(string environment)
    {
        var resources = app.Template(environment)["Resources"]!.AsObject();
        var scaled = AutoscaledEndpointNames(resources);
        foreach (var (id, endpoint) in Of(resources, "AWS::SageMaker::Endpoint"))
        {
            var name = (string)endpoint["Properties"]!["EndpointName"]!;
            var retain = (bool?)endpoint["Properties"]!["RetainAllVariantProperties"] == true;
            Assert.True(retain == scaled.Contains(name), $"{environment}: {id} ({name}) autoscaled: {scaled.Contains(name)}, RetainAllVariantProperties: {retain}");
        }
    }

    [Theory]
    [MemberData(nameof(EnvironmentNames))]
    public void InferenceComponents_RollWithRollbackAlarmsOfTheTemplate(string environment)
    {
        var resources = app.Template(environment)["Resources"]!.AsObject();
        // An adapter component has no copies of its own to roll: it is loaded into its base's copies, which roll.
        foreach (var (id, component) in Of(resources, "AWS::SageMaker::InferenceComponent").Where(c => c.Item2["Properties"]!["Specification"]!["BaseInferenceComponentName"] is null))
        {
            var config = component["Properties"]!["DeploymentConfig"];
            Assert.True(config?["RollingUpdatePolicy"]?["MaximumBatchSize"] is not null, $"{environment}: component {id} has no rolling update policy");
            AssertAlarmsOfTheTemplate(environment, id, config!, resources);
        }
    }

    private static void AssertAlarmsOfTheTemplate(string environment, string id, JsonNode config, JsonObject resources)
    {
        var alarms = config["AutoRollbackConfiguration"]?["Alarms"]?.AsArray() ?? [];
        Assert.True(alarms.Count > 0, $"{environment}: {id} rolls back on no alarm");
        foreach (var alarm in alarms)
        {
            var reference = (string?)alarm!["AlarmName"]!["Ref"];
            Assert.True(reference is not null && (string?)resources[reference]?["Type"] == "AWS::CloudWatch::Alarm",
                $"{environment}: {id} rolls back on {alarm.ToJsonString()}, which is not an alarm of this template");
        }
    }

    // Endpoints whose variant this template registers with Application Auto Scaling (natively or through the
    // registration resource that keeps instance-type changes deployable).
    private static HashSet<string> AutoscaledEndpointNames(JsonObject resources)
        => Of(resources, "AWS::ApplicationAutoScaling::ScalableTarget")
            .Select(t => (string)t.Resource["Properties"]!["ResourceId"]!)
            .Where(r => r.StartsWith("endpoint/", StringComparison.Ordinal))
            .Select(r => r.Split('/')[1])
            .Concat(Of(resources, "Custom::EndpointScaling")
                .Where(t => (string?)t.Resource["Properties"]!["Role"] == "Scaling")
                .Select(t => (string)t.Resource["Properties"]!["EndpointName"]!))
            .ToHashSet();

    private static IEnumerable<(string Id, JsonNode Resource)> Of(JsonObject resources, string type)
        => resources.Where(r => (string?)r.Value!["Type"] == type).Select(r => (r.Key, r.Value!));
}
