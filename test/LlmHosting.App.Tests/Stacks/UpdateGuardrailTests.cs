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
    public void Endpoints_KeepTheirInstanceCountThroughUpdates_ExceptBlueGreenOnEightGpuInstances(string environment)
    {
        // Autoscaled endpoints and component endpoints (managed instance scaling) keep the instance count they reached;
        // a blue/green update of an 8-GPU endpoint redeploys at its initial count instead, so that it needs one extra
        // instance, not a second scaled-out fleet (prod's ml.p5.48xlarge).
        var resources = app.Template(environment)["Resources"]!.AsObject();
        var scaled = AutoscaledEndpointNames(resources);
        foreach (var (id, endpoint) in Of(resources, "AWS::SageMaker::Endpoint"))
        {
            var name = (string)endpoint["Properties"]!["EndpointName"]!;
            var variant = resources[(string)endpoint["Properties"]!["EndpointConfigName"]!["Fn::GetAtt"]![0]!]!["Properties"]!["ProductionVariants"]![0]!;
            var managed = variant["ManagedInstanceScaling"] is not null;
            // A variant with fallback instance pools names its types there; the first pool is the primary type.
            var type = (string?)variant["InstanceType"] ?? (string)variant["InstancePools"]![0]!["InstanceType"]!;
            var scarceBlueGreen = (type.StartsWith("ml.p", StringComparison.Ordinal) || type.EndsWith(".48xlarge", StringComparison.Ordinal))
                && endpoint["Properties"]!["DeploymentConfig"]!["BlueGreenUpdatePolicy"] is not null;
            var expected = managed || (scaled.Contains(name) && !scarceBlueGreen);
            var retain = (bool?)endpoint["Properties"]!["RetainAllVariantProperties"] == true;
            Assert.True(retain == expected, $"{environment}: {id} ({name}) autoscaled: {scaled.Contains(name)}, managed: {managed}, RetainAllVariantProperties: {retain}");
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

    [Theory]
    [MemberData(nameof(EnvironmentNames))]
    public void RollbackAlarms_ArePlainAlarms_ThatEveryRoleSageMakerUsesForTheUpdateMayDescribe(string environment)
    {
        // SageMaker guide, Auto-Rollback Configuration and Monitoring: "Ensure that your IAM execution role has permission to
        // perform the cloudwatch:DescribeAlarms action on the auto-rollback alarms you specify". An endpoint update uses the
        // endpoint config's role and its models' roles; a component update its model's role.
        var resources = app.Template(environment)["Resources"]!.AsObject();
        var checkedAlarms = 0;
        // An adapter component (Specification.BaseInferenceComponentName) has no copies of its own to roll: it has no
        // DeploymentConfig and runs on its base component's copies, whose update the base's alarms guard.
        foreach (var (id, resource) in Of(resources, "AWS::SageMaker::Endpoint").Concat(Of(resources, "AWS::SageMaker::InferenceComponent"))
            .Where(r => r.Resource["Properties"]!["Specification"]?["BaseInferenceComponentName"] is null))
        {
            var alarms = resource["Properties"]!["DeploymentConfig"]!["AutoRollbackConfiguration"]!["Alarms"]!.AsArray().Select(a => (string)a!["AlarmName"]!["Ref"]!).ToList();
            foreach (var alarm in alarms)
            {
                var properties = resources[alarm]!["Properties"]!;
                Assert.True(properties["MetricName"] is not null && properties["Metrics"] is null, $"{environment}: {id} rolls back on {alarm}, which is not a plain single-metric alarm");
            }

            var roles = RolesSageMakerUses(resources, resource);
            Assert.NotEmpty(roles);
            foreach (var role in roles)
            {
                var readable = PoliciesOf(resources, role)
                    .Where(s => Strings(s["Action"]).Contains("cloudwatch:DescribeAlarms"))
                    .SelectMany(s => s["Resource"] is JsonArray list ? list.ToList() : [s["Resource"]])
                    .Select(r => (string?)r?["Fn::GetAtt"]?[0])
                    .ToHashSet();
                Assert.True(alarms.All(readable.Contains), $"{environment}: role {role} may not describe every rollback alarm of {id} ({string.Join(", ", alarms.Where(a => !readable.Contains(a)))})");
                checkedAlarms += alarms.Count;
            }
        }

        Assert.True(checkedAlarms > 0, $"{environment}: no rollback alarm checked");
    }

    /// <summary>The figures of the README's "Alarms and notifications": the model's context length x 50 ms.</summary>
    [Theory]
    [InlineData("prod", "llm-prod-gpt-oss-120b-model-latency", 6554)]
    [InlineData("staging", "llm-staging-gpt-oss-20b-model-latency", 3277)]
    [InlineData("dev", "llm-dev-shared-gpt-oss-20b-model-latency", 1639)]
    public void LatencyAlarms_Thresholds_AreTheReadmesFigures(string environment, string alarmName, int seconds)
    {
        var alarm = Of(app.Template(environment)["Resources"]!.AsObject(), "AWS::CloudWatch::Alarm")
            .Single(a => (string?)a.Resource["Properties"]!["AlarmName"] == alarmName).Resource;
        Assert.Equal(seconds * 1_000_000.0, (double)alarm["Properties"]!["Threshold"]!);
    }

    // The execution roles of the endpoint config and of the models an endpoint or component runs.
    private static List<string> RolesSageMakerUses(JsonObject resources, JsonNode resource)
    {
        string? Target(JsonNode? reference) => (string?)reference?["Fn::GetAtt"]?[0] ?? (string?)reference?["Ref"];
        var models = new List<string>();
        var roles = new List<string>();
        if (Target(resource["Properties"]!["EndpointConfigName"]) is { } configId)
        {
            var config = resources[configId]!["Properties"]!;
            roles.AddRange(Target(config["ExecutionRoleArn"]) is { } configRole ? [configRole] : []);
            models.AddRange(config["ProductionVariants"]!.AsArray().Select(v => Target(v!["ModelName"])).OfType<string>());
        }

        models.AddRange(Target(resource["Properties"]!["Specification"]?["ModelName"]) is { } model ? [model] : []);
        roles.AddRange(models.Select(m => Target(resources[m]!["Properties"]!["ExecutionRoleArn"])).OfType<string>());
        return roles.Distinct().ToList();
    }

    private static IEnumerable<JsonNode> PoliciesOf(JsonObject resources, string roleId)
        => Of(resources, "AWS::IAM::Policy")
            .Where(p => p.Resource["Properties"]!["Roles"]!.AsArray().Any(r => (string?)r!["Ref"] == roleId))
            .SelectMany(p => p.Resource["Properties"]!["PolicyDocument"]!["Statement"]!.AsArray())
            .OfType<JsonNode>();

    private static List<string> Strings(JsonNode? node) => node is JsonArray array ? array.Select(n => (string)n!).ToList() : node is null ? [] : [(string)node!];

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
