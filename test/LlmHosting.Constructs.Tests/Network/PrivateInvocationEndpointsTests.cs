using System.Text.Json.Nodes;
using Amazon.CDK;
using Amazon.CDK.AWS.EC2;
using LlmHosting.Constructs.Network;
using LlmHosting.Constructs.Sagemaker;
using LlmHosting.Constructs.Sagemaker.Components;
using LlmHosting.Constructs.Storage;

namespace LlmHosting.Constructs.Tests.Network;

public sealed class PrivateInvocationEndpointsTests
{
    private static IVpc Isolated(Stack stack, string[]? zones = null, bool routeTables = true) => Vpc.FromVpcAttributes(stack, "Vpc", new VpcAttributes
    {
        VpcId = "vpc-0123456789abcdef0",
        VpcCidrBlock = "10.0.0.0/16",
        AvailabilityZones = zones ?? ["us-east-1a", "us-east-1b"],
        IsolatedSubnetIds = (zones ?? ["us-east-1a", "us-east-1b"]).Select((_, i) => $"subnet-0000000{i}").ToArray(),
        IsolatedSubnetRouteTableIds = routeTables ? (zones ?? ["us-east-1a", "us-east-1b"]).Select((_, i) => $"rtb-0000000{i}").ToArray() : null,
    });

    private static VllmEndpoint Endpoint(Stack stack, IVpc vpc, ModelSource? source = null) => new(stack, "Endpoint", new VllmEndpointProps
    {
        EndpointName = "llm-dev-gpt-oss-20b",
        Model = KnownModel.GptOss20b,
        Source = source ?? ModelSource.FromBucket(new ModelBucket(stack, "Weights"), "models/gpt-oss-20b/"),
        InstanceType = GpuInstanceType.G6E_XLARGE,
        Vpc = vpc,
    });

    private static JsonObject PolicyOf(JsonObject template, string service)
        => TestStacks.Resources(template, "AWS::EC2::VPCEndpoint").Single(e => e.Properties["ServiceName"]!.ToJsonString().Contains(service, StringComparison.Ordinal)).Properties["PolicyDocument"]!.AsObject();

    [Fact]
    public void Policies_NameOnlyTheAllowedEndpointsComponentsAndModels()
    {
        var stack = TestStacks.New();
        var vpc = Isolated(stack);
        var network = new PrivateInvocationEndpoints(stack, "Private", new PrivateInvocationEndpointsProps { Vpc = vpc, BedrockRuntime = true });
        var endpoint = Endpoint(stack, vpc);
        var shared = new InferenceComponentEndpoint(stack, "Shared", new InferenceComponentEndpointProps { EndpointName = "llm-dev-shared", InstanceType = GpuInstanceType.G6E_12XLARGE, Vpc = vpc });
        var component = shared.AddComponent("Qwen", new InferenceComponentOptions
        {
            InferenceComponentName = "llm-dev-shared-qwen3-4b",
            Model = KnownModel.Qwen3_4B,
            Source = ModelSource.FromBucket(new ModelBucket(stack, "Weights2"), "models/qwen3-4b/"),
        });
        network.AllowInvoke(endpoint);
        network.AllowInvoke(component);
        network.AllowInvokeBedrock(["arn:aws:bedrock:us-east-1::foundation-model/openai.gpt-oss-120b-1:0"]);
        var template = TestStacks.Json(stack);

        var sageMaker = PolicyOf(template, "sagemaker.runtime")["Statement"]!.AsArray();
        Assert.Equal(2, sageMaker.Count);
        Assert.Equal("""["sagemaker:InvokeEndpoint","sagemaker:InvokeEndpointWithResponseStream"]""", sageMaker[0]!["Action"]!.ToJsonString());
        Assert.Equal("""{"AWS":"*"}""", sageMaker[0]!["Principal"]!.ToJsonString());
        var resources = sageMaker[0]!["Resource"]!.ToJsonString();
        Assert.Contains("endpoint/llm-dev-gpt-oss-20b", resources);
        Assert.Contains("endpoint/llm-dev-shared", resources);
        Assert.Contains("InferenceComponentArn", resources);
        Assert.Equal("sagemaker:CallWithBearerToken", (string)sageMaker[1]!["Action"]!);
        var bedrock = PolicyOf(template, "bedrock-runtime")["Statement"]!.AsArray();
        Assert.Equal(["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"], bedrock[0]!["Action"]!.AsArray().Select(a => (string)a!));
        Assert.Contains(bedrock[0]!["Resource"]!.ToJsonString(), new[] { "\"arn:aws:bedrock:us-east-1::foundation-model/openai.gpt-oss-120b-1:0\"", "[\"arn:aws:bedrock:us-east-1::foundation-model/openai.gpt-oss-120b-1:0\"]" });
        var s3 = TestStacks.Resources(template, "AWS::EC2::VPCEndpoint").Single(e => (string?)e.Properties["VpcEndpointType"] == "Gateway").Properties;
        Assert.Equal("""["rtb-00000000","rtb-00000001"]""", s3["RouteTableIds"]!.ToJsonString());
        // The component endpoint's instances run in the VPC: the endpoint configuration carries it.
        Assert.Equal("""["subnet-00000000","subnet-00000001"]""", TestStacks.Resources(template, "AWS::SageMaker::EndpointConfig").Single(c => c.Properties["VpcConfig"] is not null).Properties["VpcConfig"]!["Subnets"]!.ToJsonString());
    }

    [Fact]
    public void EndpointThatAllowsNothing_FailsSynthesis()
    {
        var stack = TestStacks.New();
        _ = new PrivateInvocationEndpoints(stack, "Private", new PrivateInvocationEndpointsProps { Vpc = Isolated(stack) });
        var error = Assert.ThrowsAny<Exception>(() => Amazon.CDK.Assertions.Template.FromStack(stack));
        Assert.Contains("The SageMaker runtime VPC endpoint allows invoking nothing", error.Message);
    }

    [Fact]
    public void SubnetSelectionWithoutSubnets_IsNamed()
    {
        var stack = TestStacks.New();
        var error = Assert.ThrowsAny<ArgumentException>(() => new PrivateInvocationEndpoints(stack, "Private", new PrivateInvocationEndpointsProps
        {
            Vpc = Isolated(stack),
            Subnets = new SubnetSelection { SubnetType = SubnetType.PUBLIC },
        }));
        Assert.Contains("Subnets selects no subnet of the VPC; an interface endpoint needs at least one", error.Message);
    }

    [Fact]
    public void S3GatewayEndpoint_WithoutRouteTables_IsNamed()
    {
        var stack = TestStacks.New();
        var error = Assert.ThrowsAny<ArgumentException>(() => new PrivateInvocationEndpoints(stack, "Private", new PrivateInvocationEndpointsProps { Vpc = Isolated(stack, routeTables: false) }));
        Assert.Contains("S3GatewayEndpoint needs the route table of every subnet", error.Message);
    }

    [Fact]
    public void BucketWeightsInIsolatedSubnets_NeedAnS3GatewayEndpoint()
    {
        var stack = TestStacks.New();
        var error = Assert.ThrowsAny<ArgumentException>(() => Endpoint(stack, Isolated(stack)));
        Assert.Contains("Vpc: the weights come from prefix models/gpt-oss-20b/ of the model bucket, but the subnets subnet-00000000, subnet-00000001 are isolated (no NAT) and the VPC has no S3 gateway endpoint", error.Message);

        var withGateway = TestStacks.New();
        var vpc = Isolated(withGateway);
        vpc.AddGatewayEndpoint("S3", new GatewayVpcEndpointOptions { Service = GatewayVpcEndpointAwsService.S3 });
        Endpoint(withGateway, vpc);
    }

    [Fact]
    public void IsolatedSubnetsOfAVpcDefinedInTheApp_AreNamedByTheirConstructIds()
    {
        var stack = TestStacks.New();
        var vpc = new Vpc(stack, "Vpc", new VpcProps { MaxAzs = 2, NatGateways = 0, SubnetConfiguration = [new SubnetConfiguration { Name = "isolated", SubnetType = SubnetType.PRIVATE_ISOLATED }] });
        Assert.Contains("but the subnets isolatedSubnet1, isolatedSubnet2 are isolated (no NAT) and the VPC has no S3 gateway endpoint", Assert.ThrowsAny<ArgumentException>(() => Endpoint(stack, vpc)).Message);
    }

    [Fact]
    public void HuggingFaceWeightsInIsolatedSubnets_AreRefused()
    {
        var stack = TestStacks.New();
        var vpc = Isolated(stack);
        vpc.AddGatewayEndpoint("S3", new GatewayVpcEndpointOptions { Service = GatewayVpcEndpointAwsService.S3 });
        var error = Assert.ThrowsAny<ArgumentException>(() => Endpoint(stack, vpc, ModelSource.FromHuggingFace("openai/gpt-oss-20b", revision: "0123456789abcdef0123456789abcdef01234567")));
        Assert.Contains("which needs internet access, but the subnets subnet-00000000, subnet-00000001 are isolated (no NAT)", error.Message);
    }

    [Fact]
    public void SubnetsInOneZone_AreRefused()
    {
        var stack = TestStacks.New();
        var vpc = Isolated(stack, zones: ["us-east-1a"]);
        vpc.AddGatewayEndpoint("S3", new GatewayVpcEndpointOptions { Service = GatewayVpcEndpointAwsService.S3 });
        Assert.Contains("the selected subnets are all in us-east-1a; SageMaker needs subnets in at least two Availability Zones", Assert.ThrowsAny<ArgumentException>(() => Endpoint(stack, vpc)).Message);
    }
}
