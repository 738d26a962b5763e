using System.Text.Json.Nodes;
using Amazon.CDK;
using LlmHosting.App.Configuration;
using LlmHosting.App.Tests.Snapshots;

namespace LlmHosting.App.Tests.Configuration;

/// <summary>
/// The capacity settings of the configuration (fallback types, reservations, scaling, warm windows, placement, network):
/// every mistake the issue lists stops synthesis with one line naming the file, the key and the value.
/// </summary>
public sealed class CapacityConfigTests
{
    private const string Valid = """
        {
          "account": "123456789012",
          "region": "us-east-1",
          "namePrefix": "llm-test",
          "tags": { "owner": "ml-platform", "costCentre": "cc-42" },
          "endpoints": [
            { "name": "gpt-oss-120b", "model": "gpt-oss-120b", "bucketPrefix": "models/gpt-oss-120b/", "instanceType": "ml.p5.48xlarge",
              "fallbackInstanceTypes": [ { "instanceType": "ml.p5e.48xlarge" } ],
              "minInstances": 1, "maxInstances": 2, "scaling": { "signal": "concurrency", "scaleOutCooldownSeconds": 240 } }
          ],
          "componentEndpoint": {
            "name": "shared", "instanceType": "ml.g6e.12xlarge", "maxInstances": 1,
            "components": [
              { "name": "gpt-oss-20b", "model": "gpt-oss-20b", "bucketPrefix": "models/gpt-oss-20b/", "maxCopies": 1,
                "warmWindows": [ { "start": "0 8 ? * MON-FRI *", "end": "0 18 ? * MON-FRI *", "timeZone": "Europe/Paris", "minCopies": 1 } ],
                "cacheModelData": true, "placement": { "strategy": "binpack" } }
            ]
          },
          "invoker": { "trustedRoleArns": ["arn:aws:iam::123456789012:role/chat-client"] }
        }
        """;

    private static string Line(IReadOnlyList<string> lines, string expected)
    {
        var line = ConfigErrors.Line(lines, expected);
        Assert.StartsWith($"{ConfigErrors.Source}: ", line);
        return line;
    }

    private static string Edit(string find, string replace)
    {
        Assert.Contains(find, Valid, StringComparison.Ordinal);
        return Valid.Replace(find, replace, StringComparison.Ordinal);
    }

    [Fact]
    public void Valid_Synthesizes()
    {
        var config = EnvironmentCatalog.Parse("test", Valid, ConfigErrors.Source);
        var app = new Amazon.CDK.App(new AppProps { Context = SynthesizedApp.CdkJsonContext() });
        ModelHostingApp.AddEnvironments(app, [config]);
        Assert.Equal("ml.p5e.48xlarge", config.Endpoints[0].FallbackInstanceTypes![0].InstanceType);
        Assert.Equal("concurrency", config.Endpoints[0].Scaling!.Signal);
    }

    [Theory]
    // A fallback type that cannot hold the model, with the arithmetic.
    [InlineData("{ \"instanceType\": \"ml.p5e.48xlarge\" }", "{ \"instanceType\": \"ml.g6.2xlarge\" }",
        "endpoints[0].fallbackInstanceTypes[0].instanceType: fallback ml.g6.2xlarge: model gpt-oss-120b needs 65 GiB of GPU memory for its weights plus at least 1 GiB for the KV cache, but ml.g6.2xlarge offers 21.6 GiB to it (1 GPU x 24 GiB L4 x vllm.gpuMemoryUtilization 0.9)")]
    // A type listed twice (the primary counts).
    [InlineData("{ \"instanceType\": \"ml.p5e.48xlarge\" }", "{ \"instanceType\": \"ml.p5.48xlarge\" }",
        "endpoints[0].fallbackInstanceTypes[0].instanceType ml.p5.48xlarge is listed twice (the primary instance type included)")]
    // More than 5 pools.
    [InlineData("{ \"instanceType\": \"ml.p5e.48xlarge\" }",
        "{ \"instanceType\": \"ml.p5e.48xlarge\" }, { \"instanceType\": \"ml.p5en.48xlarge\" }, { \"instanceType\": \"ml.p4de.24xlarge\" }, { \"instanceType\": \"ml.g6e.48xlarge\" }, { \"instanceType\": \"ml.g5.48xlarge\" }",
        "endpoints[0].fallbackInstanceTypes lists 5 instance types; with the primary instance type that makes 6 instance pools, and SageMaker accepts at most 5")]
    // Reservations: a malformed ARN, another region, another account.
    [InlineData("\"fallbackInstanceTypes\": [ { \"instanceType\": \"ml.p5e.48xlarge\" } ],", "\"capacityReservation\": { \"arn\": \"training-plan/p5\" },",
        "endpoints[0].capacityReservation.arn 'training-plan/p5' is not a reservation ARN")]
    [InlineData("\"fallbackInstanceTypes\": [ { \"instanceType\": \"ml.p5e.48xlarge\" } ],", "\"capacityReservation\": { \"arn\": \"arn:aws:sagemaker:eu-west-1:123456789012:training-plan/p5\" },",
        "endpoints[0].capacityReservation.arn 'arn:aws:sagemaker:eu-west-1:123456789012:training-plan/p5' is in region 'eu-west-1', but the endpoint is in us-east-1")]
    [InlineData("\"fallbackInstanceTypes\": [ { \"instanceType\": \"ml.p5e.48xlarge\" } ],", "\"capacityReservation\": { \"arn\": \"arn:aws:sagemaker:us-east-1:999999999999:training-plan/p5\" },",
        "endpoints[0].capacityReservation.arn 'arn:aws:sagemaker:us-east-1:999999999999:training-plan/p5' belongs to account 999999999999, but the endpoint is in account 123456789012")]
    [InlineData("\"fallbackInstanceTypes\": [ { \"instanceType\": \"ml.p5e.48xlarge\" } ],", "\"capacityReservation\": { \"arn\": \"arn:aws:sagemaker:us-east-1:123456789012:training-plan/p5\", \"instanceCount\": 1 },",
        "endpoints[0].capacityReservation.instanceCount 1: the endpoint may scale to 2")]
    // Warm windows: a minimum outside min and max, an invalid cron, an invalid time zone.
    [InlineData("\"minCopies\": 1 }", "\"minCopies\": 2 }",
        "componentEndpoint.components[0].warmWindows[0].minCopies 2 must be above the minimum copy count 0 (or the window changes nothing) and at most the maximum copy count 1")]
    [InlineData("\"start\": \"0 8 ? * MON-FRI *\"", "\"start\": \"0 8 * * MON-FRI *\"",
        "componentEndpoint.components[0].warmWindows[0].start: day-of-month ('*') and day-of-week ('MON-FRI') cannot both be given: make one of them '?'")]
    [InlineData("\"end\": \"0 18 ? * MON-FRI *\"", "\"end\": \"0 18 ? * MON-FRI\"",
        "componentEndpoint.components[0].warmWindows[0].end: '0 18 ? * MON-FRI' is not a cron expression of six fields")]
    [InlineData("\"timeZone\": \"Europe/Paris\"", "\"timeZone\": \"Europe/Pariss\"",
        "componentEndpoint.components[0].warmWindows[0].timeZone 'Europe/Pariss' is not an IANA time zone name")]
    public void Synth_Mistake_IsOneLineNamingFileKeyAndValue(string find, string replace, string expected)
        => Line(ConfigErrors.OfSynth(Edit(find, replace)), expected);

    [Theory]
    [InlineData("\"signal\": \"concurrency\"", "\"signal\": \"concurency\"", "endpoints[0].scaling.signal 'concurency' is not a scaling signal (invocations or concurrency)")]
    [InlineData("\"instanceType\": \"ml.p5e.48xlarge\"", "\"instanceType\": \"ml.p5e.48xlarg\"", "endpoints[0].fallbackInstanceTypes[0].instanceType 'ml.p5e.48xlarg' is not a GPU instance type of the catalog; did you mean ml.p5e.48xlarge")]
    [InlineData("\"strategy\": \"binpack\"", "\"strategy\": \"pack\"", "componentEndpoint.components[0].placement.strategy 'pack' is not a placement strategy (spread or binpack)")]
    public void Parse_Mistake_IsOneLineNamingFileKeyAndValue(string find, string replace, string expected)
        => Line(ConfigErrors.OfParse(Edit(find, replace)), expected);

    [Fact]
    public void ReadmeExample_OfTheCapacitySection_IsAValidEndpointEntry()
    {
        var readme = File.ReadAllText(Path.Combine(LlmHosting.TestSupport.Readme.ReadmeDocument.RepositoryRoot(AppContext.BaseDirectory), "README.md"));
        var section = readme[readme.IndexOf("### Capacity and scaling:", StringComparison.Ordinal)..];
        var start = section.IndexOf("```json\n", StringComparison.Ordinal) + "```json\n".Length;
        var example = section[start..section.IndexOf("```", start, StringComparison.Ordinal)].Trim();
        var json = Edit("\"fallbackInstanceTypes\": [ { \"instanceType\": \"ml.p5e.48xlarge\" } ],", example + ",")
            .Replace("\"scaling\": { \"signal\": \"concurrency\", \"scaleOutCooldownSeconds\": 240 } }", "\"vllm\": {} }", StringComparison.Ordinal);
        var config = EnvironmentCatalog.Parse("test", json, ConfigErrors.Source);
        Assert.Equal(900, config.Endpoints[0].InstanceProvisionTimeoutSeconds);
        ModelHostingApp.AddEnvironments(new Amazon.CDK.App(new AppProps { Context = SynthesizedApp.CdkJsonContext() }), [config]);
    }

    [Fact]
    public void Network_WithoutSubnets_IsNamed()
    {
        var json = Edit("\"invoker\"", """
            "network": { "vpcId": "vpc-0123456789abcdef0", "cidrBlock": "10.0.0.0/16", "availabilityZones": [], "subnetIds": [], "routeTableIds": [] },
            "invoker"
            """);
        Line(ConfigErrors.OfParse(json), "network.subnetIds is empty: the endpoints and the VPC endpoints need subnets (at least two, in two Availability Zones)");
    }

    [Fact]
    public void Network_SubnetsInOneZone_IsNamedByTheEndpoint()
    {
        var json = Edit("\"invoker\"", """
            "network": { "vpcId": "vpc-0123456789abcdef0", "cidrBlock": "10.0.0.0/16", "availabilityZones": ["us-east-1a"], "subnetIds": ["subnet-00000001"], "routeTableIds": ["rtb-00000001"] },
            "invoker"
            """);
        Line(ConfigErrors.OfSynth(json), "network.subnetIds: the selected subnets are all in us-east-1a; SageMaker needs subnets in at least two Availability Zones");
    }

    [Fact]
    public void Network_PrivateInvocation_PoliciesNameOnlyTheEnvironmentsModels_AndEveryEndpointRunsInTheVpc()
    {
        var json = Edit("\"invoker\"", """
            "network": { "vpcId": "vpc-0123456789abcdef0", "cidrBlock": "10.0.0.0/16", "availabilityZones": ["us-east-1a", "us-east-1b"],
                         "subnetIds": ["subnet-00000001", "subnet-00000002"], "routeTableIds": ["rtb-00000001", "rtb-00000002"] },
            "bedrockModels": [ { "name": "gpt-oss-120b-bedrock", "modelId": "openai.gpt-oss-120b-1:0" } ],
            "invoker"
            """);
        var config = EnvironmentCatalog.Parse("test", json, ConfigErrors.Source);
        var outdir = Path.Combine(Path.GetTempPath(), "capacity-network-" + Guid.NewGuid().ToString("N"));
        try
        {
            var app = new Amazon.CDK.App(new AppProps { Outdir = outdir, Context = SynthesizedApp.CdkJsonContext() });
            ModelHostingApp.AddEnvironments(app, [config]);
            app.Synth();
            var file = Directory.GetFiles(outdir, "*Serving*.template.json", SearchOption.AllDirectories).Single();
            var resources = JsonNode.Parse(File.ReadAllText(file))!["Resources"]!.AsObject();
            var endpoints = resources.Where(r => (string?)r.Value!["Type"] == "AWS::EC2::VPCEndpoint").Select(r => r.Value!["Properties"]!).ToList();
            Assert.Equal(3, endpoints.Count);
            var sageMaker = endpoints.Single(e => e["ServiceName"]!.ToJsonString().Contains("sagemaker.runtime", StringComparison.Ordinal))["PolicyDocument"]!.ToJsonString();
            Assert.Contains("endpoint/llm-test-gpt-oss-120b", sageMaker);
            Assert.Contains("endpoint/llm-test-shared", sageMaker);
            Assert.DoesNotContain("endpoint/*", sageMaker);
            var bedrock = endpoints.Single(e => e["ServiceName"]!.ToJsonString().Contains("bedrock-runtime", StringComparison.Ordinal))["PolicyDocument"]!.ToJsonString();
            Assert.Contains("foundation-model/openai.gpt-oss-120b-1:0", bedrock);
            Assert.Equal("""["rtb-00000001","rtb-00000002"]""", endpoints.Single(e => (string?)e["VpcEndpointType"] == "Gateway")["RouteTableIds"]!.ToJsonString());
            var models = resources.Where(r => (string?)r.Value!["Type"] == "AWS::SageMaker::Model" && r.Key.StartsWith("GptOss120b", StringComparison.Ordinal)).ToList();
            Assert.All(models, m => Assert.Equal("""["subnet-00000001","subnet-00000002"]""", m.Value!["Properties"]!["VpcConfig"]!["Subnets"]!.ToJsonString()));
            var sharedConfig = resources.Single(r => (string?)r.Value!["Type"] == "AWS::SageMaker::EndpointConfig" && r.Key.StartsWith("ComponentEndpoint", StringComparison.Ordinal));
            Assert.Equal("""["subnet-00000001","subnet-00000002"]""", sharedConfig.Value!["Properties"]!["VpcConfig"]!["Subnets"]!.ToJsonString());
        }
        finally
        {
            Directory.Delete(outdir, recursive: true);
        }
    }
}
