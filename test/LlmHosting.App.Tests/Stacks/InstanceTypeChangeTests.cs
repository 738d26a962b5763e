using System.Text.Json.Nodes;
using Amazon.CDK;
using LlmHosting.App.Configuration;
using LlmHosting.App.Stacks;
using LlmHosting.App.Tests.Snapshots;

namespace LlmHosting.App.Tests.Stacks;

/// <summary>
/// Changing the instance type of an autoscaled endpoint deploys. SageMaker fails an update that changes the instance type
/// of a variant registered with Application Auto Scaling ("Update endpoints that use auto scaling"); CloudFormation
/// updates a resource after the resources it depends on and deletes removed resources only after every update. So the
/// template change must (1) keep no native scalable target on the variant, (2) update a resource the endpoint depends on
/// (Pause, which deregisters), (3) create a new Restore the endpoint depends on (a rollback's clean-up deletes it after
/// the endpoint is back on the old type, which registers the old target again), and (4) update a registration that
/// depends on the endpoint. The handler's behaviour in each case, rollbacks in both orders included, is tested in
/// LlmHosting.Handlers.Tests/EndpointScaling.
/// </summary>
public sealed class InstanceTypeChangeTests
{
    [Fact]
    public void StagingEndpoint_InstanceTypeChange_DeregistersBeforeTheEndpointUpdateAndRegistersAfter()
    {
        var before = Synthesize("ml.g6e.xlarge");
        var after = Synthesize("ml.g6e.2xlarge");

        foreach (var template in new[] { before, after })
        {
            Assert.DoesNotContain(Resources(template), r => (string?)r.Value!["Type"] == "AWS::ApplicationAutoScaling::ScalableTarget");
        }

        var endpointId = Single(after, "AWS::SageMaker::Endpoint", null).Key;
        Assert.Equal(endpointId, Single(before, "AWS::SageMaker::Endpoint", null).Key);

        // (2) Pause: the same resource, updated with the new type, before the endpoint.
        var pauseBefore = Single(before, "Custom::EndpointScaling", "Pause");
        var pauseAfter = Single(after, "Custom::EndpointScaling", "Pause");
        Assert.Equal(pauseBefore.Key, pauseAfter.Key);
        Assert.Equal("ml.g6e.xlarge", InstanceType(pauseBefore.Value));
        Assert.Equal("ml.g6e.2xlarge", InstanceType(pauseAfter.Value));
        Assert.Contains(pauseAfter.Key, DependsOn(after, endpointId));

        // (3) Restore: a new resource for the new type, created before the endpoint; the old one leaves the template.
        var restoreBefore = Single(before, "Custom::EndpointScaling", "Restore");
        var restoreAfter = Single(after, "Custom::EndpointScaling", "Restore");
        Assert.NotEqual(restoreBefore.Key, restoreAfter.Key);
        Assert.False(after["Resources"]!.AsObject().ContainsKey(restoreBefore.Key));
        Assert.Contains(restoreAfter.Key, DependsOn(after, endpointId));

        // (4) Registration: the same resource, updated with the new type, after the endpoint.
        var registrationBefore = Single(before, "Custom::EndpointScaling", "Scaling");
        var registrationAfter = Single(after, "Custom::EndpointScaling", "Scaling");
        Assert.Equal(registrationBefore.Key, registrationAfter.Key);
        Assert.Equal("ml.g6e.2xlarge", InstanceType(registrationAfter.Value));
        Assert.Contains(endpointId, DependsOn(after, registrationAfter.Key));

        // The endpoint update itself: a new configuration with the new type.
        var config = Single(after, "AWS::SageMaker::EndpointConfig", null).Value;
        Assert.Equal("ml.g6e.2xlarge", (string)config["Properties"]!["ProductionVariants"]![0]!["InstanceType"]!);
    }

    private static JsonObject Synthesize(string instanceType)
    {
        var json = File.ReadAllText(Repository.ConfigFile("staging.json")).Replace("\"ml.g6e.xlarge\"", $"\"{instanceType}\"", StringComparison.Ordinal);
        var config = EnvironmentCatalog.Parse("staging", json, "staging.json");
        var stage = new ModelHostingStage(new Amazon.CDK.App(new AppProps { Context = SynthesizedApp.CdkJsonContext() }), config);
        return JsonNode.Parse(Newtonsoft.Json.JsonConvert.SerializeObject(Amazon.CDK.Assertions.Template.FromStack(stage.Serving).ToJSON()))!.AsObject();
    }

    private static IEnumerable<KeyValuePair<string, JsonNode?>> Resources(JsonObject template) => template["Resources"]!.AsObject();

    private static KeyValuePair<string, JsonNode> Single(JsonObject template, string type, string? role)
    {
        var match = Assert.Single(Resources(template), r => (string?)r.Value!["Type"] == type && (role is null || (string?)r.Value["Properties"]!["Role"] == role));
        return new KeyValuePair<string, JsonNode>(match.Key, match.Value!);
    }

    private static string InstanceType(JsonNode resource) => (string)resource["Properties"]!["InstanceType"]!;

    private static List<string> DependsOn(JsonObject template, string id)
        => template["Resources"]![id]!["DependsOn"]?.AsArray().Select(d => (string)d!).ToList() ?? [];
}
