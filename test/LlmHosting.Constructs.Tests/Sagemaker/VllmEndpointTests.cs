using System.Text.Json.Nodes;
using Amazon.CDK;
using Amazon.CDK.AWS.EC2;
using Amazon.CDK.AWS.IAM;
using Amazon.CDK.AWS.KMS;
using LlmHosting.Constructs.Access;
using LlmHosting.Constructs.Sagemaker;
using LlmHosting.Constructs.Storage;

namespace LlmHosting.Constructs.Tests.Sagemaker;

/// <summary>One synthesized endpoint shared by the tests that only read its template.</summary>
public sealed class GptOss20bEndpointFixture
{
    public GptOss20bEndpointFixture()
    {
        var stack = TestStacks.New();
        var bucket = new ModelBucket(stack, "Weights");
        Endpoint = new VllmEndpoint(stack, "GptOss20b", new VllmEndpointProps
        {
            EndpointName = "llm-dev-GPT-oss-20b",
            Model = KnownModel.GptOss20b,
            Source = ModelSource.FromBucket(bucket, "models/gpt-oss-20b/"),
            InstanceType = GpuInstanceType.G6E_XLARGE,
            MinInstanceCount = 1,
            MaxInstanceCount = 3,
            Vllm = new VllmSettings { MaxModelLength = 32768 },
        });
        var client = new Role(stack, "Client", new RoleProps { AssumedBy = new AccountRootPrincipal() });
        Endpoint.GrantInvoke(client);
        Template = TestStacks.Json(stack);
        Stack = stack;
    }

    public Stack Stack { get; }

    public VllmEndpoint Endpoint { get; }

    public JsonObject Template { get; }

    public IReadOnlyList<JsonObject> ExecutionRoleStatements()
    {
        var roleId = TestStacks.Resources(Template, "AWS::IAM::Role").Single(r => r.Id.StartsWith("GptOss20bExecutionRole", StringComparison.Ordinal)).Id;
        return TestStacks.Resources(Template, "AWS::IAM::Policy")
            .Where(p => p.Properties["Roles"]!.AsArray().Any(r => (string?)r!["Ref"] == roleId))
            .SelectMany(p => p.Properties["PolicyDocument"]!["Statement"]!.AsArray().Select(s => s!.AsObject()))
            .ToList();
    }
}

public sealed class VllmEndpointTests(GptOss20bEndpointFixture fixture) : IClassFixture<GptOss20bEndpointFixture>
{
    private static VllmEndpointProps Props(ModelBucket bucket) => new()
    {
        EndpointName = "test-endpoint",
        Model = KnownModel.GptOss20b,
        Source = ModelSource.FromBucket(bucket, "models/gpt-oss-20b/"),
        InstanceType = GpuInstanceType.G6E_XLARGE,
    };

    private static string Error(Func<ModelBucket, VllmEndpointProps> props, string region = "us-east-1")
    {
        var stack = TestStacks.New(region);
        var bucket = new ModelBucket(stack, "Weights");
        var error = Assert.ThrowsAny<ArgumentException>(() => new VllmEndpoint(stack, "Endpoint", props(bucket)));
        Assert.StartsWith("Invalid VllmEndpointProps: ", error.Message);
        return error.Message;
    }

    [Fact]
    public void Ctor_GptOss20bOnG6eXlarge_Synthesizes()
    {
        var (_, model) = Assert.Single(TestStacks.Resources(fixture.Template, "AWS::SageMaker::Model"));
        var container = model["PrimaryContainer"]!;
        Assert.Equal("763104351884.dkr.ecr.us-east-1.amazonaws.com/vllm:0.20.2-gpu-py312-cu130-ubuntu22.04-sagemaker", (string)container["Image"]!);
        Assert.True((bool)model["EnableNetworkIsolation"]!);
        Assert.Equal(1, fixture.Endpoint.TensorParallelSize);
        Assert.Equal(48 * 0.9 - 16, fixture.Endpoint.KvCacheHeadroomGiB, 6);
    }

    [Fact]
    public void Ctor_Default_SetsTheContainerEnvironment()
    {
        var (_, model) = Assert.Single(TestStacks.Resources(fixture.Template, "AWS::SageMaker::Model"));
        var variables = model["PrimaryContainer"]!["Environment"]!.AsObject();
        // The weights gate's fingerprint, a deploy-time attribute: the model waits for the check of its folder.
        Assert.Equal("Fingerprint", (string)variables[LlmHosting.Constructs.Weights.WeightsGate.FingerprintVariable]!["Fn::GetAtt"]![1]!);
        var environment = variables.Where(e => e.Key != LlmHosting.Constructs.Weights.WeightsGate.FingerprintVariable).ToDictionary(e => e.Key, e => (string)e.Value!);
        Assert.Equal(
            new Dictionary<string, string>
            {
                // gpt-oss's start contract, for a container without network access.
                ["HF_HUB_OFFLINE"] = "1",
                ["SM_VLLM_ENABLE_AUTO_TOOL_CHOICE"] = "",
                ["SM_VLLM_GPU_MEMORY_UTILIZATION"] = "0.9",
                ["SM_VLLM_MAX_MODEL_LEN"] = "32768",
                ["SM_VLLM_MODEL"] = "/opt/ml/model",
                ["SM_VLLM_REASONING_PARSER"] = "openai_gptoss",
                ["SM_VLLM_SERVED_MODEL_NAME"] = "gpt-oss-20b",
                ["SM_VLLM_TENSOR_PARALLEL_SIZE"] = "1",
                ["SM_VLLM_TOOL_CALL_PARSER"] = "openai",
                ["TIKTOKEN_ENCODINGS_BASE"] = "/opt/ml/model/tiktoken",
                ["VLLM_NO_USAGE_STATS"] = "1",
            },
            environment);
        var s3 = model["PrimaryContainer"]!["ModelDataSource"]!["S3DataSource"]!;
        Assert.Equal("S3Prefix", (string)s3["S3DataType"]!);
        Assert.Equal("None", (string)s3["CompressionType"]!);
    }

    [Fact]
    public void Ctor_Default_WritesVariantWithLargeModelTimeouts()
    {
        var (_, config) = Assert.Single(TestStacks.Resources(fixture.Template, "AWS::SageMaker::EndpointConfig"));
        var variant = Assert.Single(config["ProductionVariants"]!.AsArray())!;
        Assert.Equal("AllTraffic", (string)variant["VariantName"]!);
        Assert.Equal("ml.g6e.xlarge", (string)variant["InstanceType"]!);
        Assert.Equal(1, (double)variant["InitialInstanceCount"]!);
        Assert.Equal(1800, (double)variant["ContainerStartupHealthCheckTimeoutInSeconds"]!);
        Assert.Equal(3600, (double)variant["ModelDataDownloadTimeoutInSeconds"]!);
        Assert.Equal("LEAST_OUTSTANDING_REQUESTS", (string)variant["RoutingConfig"]!["RoutingStrategy"]!);
        Assert.Null(variant["VolumeSizeInGB"]);

        var (endpointId, endpoint) = Assert.Single(TestStacks.Resources(fixture.Template, "AWS::SageMaker::Endpoint"));
        Assert.Equal("llm-dev-GPT-oss-20b", (string)endpoint["EndpointName"]!);
        Assert.StartsWith("GptOss20bEndpoint", endpointId, StringComparison.Ordinal);
    }

    [Fact]
    public void Ctor_Default_ExecutionRoleHoldsOnlyTheNeededStatements()
    {
        var statements = fixture.ExecutionRoleStatements();

        Assert.Collection(
            statements.OrderBy(s => TestStacks.Actions(s)[0], StringComparer.Ordinal),
            put =>
            {
                Assert.Equal(["cloudwatch:PutMetricData"], TestStacks.Actions(put));
                Assert.Equal("*", (string)put["Resource"]!);
                Assert.Equal("/aws/sagemaker/*", (string)put["Condition"]!["StringLike"]!["cloudwatch:namespace"]!);
            },
            pull =>
            {
                Assert.Equal(["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"], TestStacks.Actions(pull));
                Assert.Equal("arn:aws:ecr:us-east-1:763104351884:repository/vllm", (string)pull["Resource"]!);
            },
            token =>
            {
                Assert.Equal(["ecr:GetAuthorizationToken"], TestStacks.Actions(token));
                Assert.Equal("*", (string)token["Resource"]!);
            },
            logs =>
            {
                // The log group is declared in the stack (VllmEndpointLogGroupTests): no logs:CreateLogGroup.
                Assert.Equal(["logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"], TestStacks.Actions(logs));
                Assert.Equal(
                    ["arn:aws:logs:us-east-1:123456789012:log-group:/aws/sagemaker/Endpoints/llm-dev-GPT-oss-20b",
                     "arn:aws:logs:us-east-1:123456789012:log-group:/aws/sagemaker/Endpoints/llm-dev-GPT-oss-20b:log-stream:*"],
                    logs["Resource"]!.AsArray().Select(r => (string)r!));
            },
            get =>
            {
                Assert.Equal(["s3:GetObject"], TestStacks.Actions(get));
                Assert.EndsWith("/models/gpt-oss-20b/*\"]]}", get["Resource"]!.ToJsonString(), StringComparison.Ordinal);
            },
            list =>
            {
                Assert.Equal(["s3:ListBucket"], TestStacks.Actions(list));
                Assert.Equal("[\"models/gpt-oss-20b/*\"]", list["Condition"]!["StringLike"]!["s3:prefix"]!.ToJsonString());
            });

        Assert.All(statements, s => Assert.Equal("Allow", (string)s["Effect"]!));
        var wildcards = statements.Where(s => s["Resource"] is JsonValue v && (string)v! == "*").SelectMany(TestStacks.Actions);
        Assert.Equal(["cloudwatch:PutMetricData", "ecr:GetAuthorizationToken"], wildcards.Order(StringComparer.Ordinal));
        Assert.Empty(TestStacks.Resources(fixture.Template, "AWS::IAM::ManagedPolicy"));
        var role = TestStacks.Resources(fixture.Template, "AWS::IAM::Role").Single(r => r.Id.StartsWith("GptOss20bExecutionRole", StringComparison.Ordinal)).Properties;
        Assert.Null(role["ManagedPolicyArns"]);
        Assert.Equal("sagemaker.amazonaws.com", (string)role["AssumeRolePolicyDocument"]!["Statement"]![0]!["Principal"]!["Service"]!);
    }

    [Fact]
    public void Ctor_Default_ModelWaitsForTheExecutionRolePolicy()
    {
        var modelId = TestStacks.Resources(fixture.Template, "AWS::SageMaker::Model").Single().Id;
        var dependsOn = fixture.Template["Resources"]![modelId]!["DependsOn"]!.AsArray().Select(d => (string)d!).ToList();
        Assert.Contains(dependsOn, d => d.StartsWith("GptOss20bExecutionRoleDefaultPolicy", StringComparison.Ordinal));
    }

    [Fact]
    public void Ctor_MaxAboveMin_RegistersAfterTheEndpointThroughScalingResourcesThatTrackInvocationsPerInstance()
    {
        Assert.Empty(TestStacks.Resources(fixture.Template, "AWS::ApplicationAutoScaling::ScalableTarget"));
        var scaling = TestStacks.Resources(fixture.Template, "Custom::EndpointScaling").ToDictionary(r => (string)r.Properties["Role"]!, r => r);
        Assert.Equal(["Pause", "Restore", "Scaling"], scaling.Keys.Order(StringComparer.Ordinal));
        Assert.All(scaling.Values, r =>
        {
            Assert.Equal("llm-dev-GPT-oss-20b", (string)r.Properties["EndpointName"]!);
            Assert.Equal("AllTraffic", (string)r.Properties["VariantName"]!);
            Assert.Equal("ml.g6e.xlarge", (string)r.Properties["InstanceType"]!);
        });

        var registration = scaling["Scaling"].Properties;
        Assert.Equal("1", (string)registration["MinCapacity"]!);
        Assert.Equal("3", (string)registration["MaxCapacity"]!);
        Assert.Equal(
            "arn:aws:iam::123456789012:role/aws-service-role/sagemaker.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_SageMakerEndpoint",
            (string)registration["RoleArn"]!);
        var policy = Assert.Single(registration["Policies"]!.AsArray())!;
        Assert.Equal("llm-dev-GPT-oss-20b-invocations-per-instance", (string)policy["PolicyName"]!);
        Assert.Equal("TargetTrackingScaling", (string)policy["PolicyType"]!);
        var tracking = policy["TargetTrackingScalingPolicyConfiguration"]!;
        Assert.Equal("SageMakerVariantInvocationsPerInstance", (string)tracking["PredefinedMetricSpecification"]!["PredefinedMetricType"]!);
        Assert.Equal("10", (string)tracking["TargetValue"]!);
        Assert.Equal("900", (string)tracking["ScaleInCooldown"]!);
        Assert.Equal("300", (string)tracking["ScaleOutCooldown"]!);

        // Pause and the type's Restore come before the endpoint, the registration after it.
        var (endpointId, _) = Assert.Single(TestStacks.Resources(fixture.Template, "AWS::SageMaker::Endpoint"));
        var resources = fixture.Template["Resources"]!;
        var endpointDependsOn = resources[endpointId]!["DependsOn"]!.AsArray().Select(d => (string)d!).ToList();
        Assert.Contains(scaling["Pause"].Id, endpointDependsOn);
        Assert.Contains(scaling["Restore"].Id, endpointDependsOn);
        Assert.EndsWith("RestoreMlG6eXlarge", scaling["Restore"].Id[..^8], StringComparison.Ordinal);
        Assert.Contains(endpointId, resources[scaling["Scaling"].Id]!["DependsOn"]!.AsArray().Select(d => (string)d!));
        Assert.Equal("Snapshot", (string)scaling["Restore"].Properties["Snapshot"]!["Fn::GetAtt"]![1]!);
    }

    [Fact]
    public void Ctor_Default_AlarmsOn5xxErrorsAndModelLatency_NamedAfterTheEndpoint()
    {
        var alarms = TestStacks.Resources(fixture.Template, "AWS::CloudWatch::Alarm").ToDictionary(a => (string)a.Properties["AlarmName"]!, a => a.Properties);
        Assert.Equal(["llm-dev-GPT-oss-20b-invocation-5xx-errors", "llm-dev-GPT-oss-20b-model-latency"], alarms.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(2, fixture.Endpoint.Alarms.Count);

        var errors = alarms["llm-dev-GPT-oss-20b-invocation-5xx-errors"];
        Assert.Equal("Invocation5XXErrors", (string)errors["MetricName"]!);
        Assert.Equal("AWS/SageMaker", (string)errors["Namespace"]!);
        Assert.Equal("Sum", (string)errors["Statistic"]!);
        Assert.Equal(1, (double)errors["Threshold"]!);

        var latency = alarms["llm-dev-GPT-oss-20b-model-latency"];
        Assert.Equal("ModelLatency", (string)latency["MetricName"]!);
        Assert.Equal("p90", (string)latency["ExtendedStatistic"]!);
        Assert.Equal(60_000_000, (double)latency["Threshold"]!);
        Assert.Equal(3, (double)latency["EvaluationPeriods"]!);
        var dimensions = latency["Dimensions"]!.AsArray().ToDictionary(d => (string)d!["Name"]!, d => (string)d!["Value"]!);
        Assert.Equal(new Dictionary<string, string> { ["EndpointName"] = "llm-dev-GPT-oss-20b", ["VariantName"] = "AllTraffic" }, dimensions);
    }

    [Fact]
    public void Metrics_UseTheRightNamespaceAndStatistic()
    {
        Assert.Equal(("/aws/sagemaker/Endpoints", "GPUUtilization", "Average"), Describe(fixture.Endpoint.MetricGpuUtilization()));
        Assert.Equal(("/aws/sagemaker/Endpoints", "GPUMemoryUtilization", "Average"), Describe(fixture.Endpoint.MetricGpuMemoryUtilization()));
        Assert.Equal(("AWS/SageMaker", "ModelLatency", "p90"), Describe(fixture.Endpoint.MetricModelLatency()));
        Assert.Equal(("AWS/SageMaker", "Invocation4XXErrors", "Sum"), Describe(fixture.Endpoint.MetricInvocation4XXErrors()));
        Assert.Equal(("AWS/SageMaker", "Invocation5XXErrors", "Sum"), Describe(fixture.Endpoint.MetricInvocation5XXErrors()));
        Assert.Equal("Maximum", fixture.Endpoint.MetricModelLatency(new Amazon.CDK.AWS.CloudWatch.MetricOptions { Statistic = "Maximum" }).Statistic);

        static (string, string, string) Describe(Amazon.CDK.AWS.CloudWatch.Metric m) => (m.Namespace, m.MetricName, m.Statistic);
    }

    [Fact]
    public void Properties_NameArnAndOpenAiBaseUrl()
    {
        Assert.Equal("llm-dev-GPT-oss-20b", fixture.Endpoint.EndpointName);
        Assert.Equal("arn:aws:sagemaker:us-east-1:123456789012:endpoint/llm-dev-gpt-oss-20b", fixture.Endpoint.EndpointArn);
        Assert.Equal("https://runtime.sagemaker.us-east-1.amazonaws.com/endpoints/llm-dev-GPT-oss-20b/openai/v1", fixture.Endpoint.OpenAiBaseUrl);
        Assert.Equal("/aws/sagemaker/Endpoints/llm-dev-GPT-oss-20b", fixture.Endpoint.LogGroupName);
    }

    [Fact]
    public void GrantInvoke_AllowsInvokeOnThisEndpointOnly()
    {
        var clientId = TestStacks.Resources(fixture.Template, "AWS::IAM::Role").Single(r => r.Id.StartsWith("Client", StringComparison.Ordinal)).Id;
        var statement = Assert.Single(TestStacks.Resources(fixture.Template, "AWS::IAM::Policy")
            .Where(p => p.Properties["Roles"]!.AsArray().Any(r => (string?)r!["Ref"] == clientId))
            .SelectMany(p => p.Properties["PolicyDocument"]!["Statement"]!.AsArray()))!;
        Assert.Equal(["sagemaker:InvokeEndpoint", "sagemaker:InvokeEndpointWithResponseStream"], TestStacks.Actions(statement.AsObject()));
        Assert.Equal("arn:aws:sagemaker:us-east-1:123456789012:endpoint/llm-dev-gpt-oss-20b", (string)statement["Resource"]!);
    }

    [Fact]
    public void Ctor_AgnosticStack_ResolvesImageAndUrlAtDeployTime()
    {
        var stack = TestStacks.New(agnostic: true);
        var bucket = new ModelBucket(stack, "Weights");
        var endpoint = new VllmEndpoint(stack, "Endpoint", Props(bucket));
        _ = new CfnOutput(stack, "Url", new CfnOutputProps { Value = endpoint.OpenAiBaseUrl });
        var template = TestStacks.Json(stack);

        var image = TestStacks.Resources(template, "AWS::SageMaker::Model").Single().Properties["PrimaryContainer"]!["Image"]!.ToJsonString();
        Assert.Contains("{\"Fn::FindInMap\":[\"VllmDlcRegistryAccounts\",{\"Ref\":\"AWS::Region\"},\"account\"]}", image);
        Assert.Contains("{\"Ref\":\"AWS::URLSuffix\"}", image);
        Assert.NotNull(template["Mappings"]!["VllmDlcRegistryAccounts"]!["me-central-1"]);
        var url = template["Outputs"]!["Url"]!["Value"]!.ToJsonString();
        Assert.Contains("https://runtime.sagemaker.", url);
        Assert.Contains("{\"Ref\":\"AWS::Region\"}", url);
        Assert.Contains("/endpoints/test-endpoint/openai/v1", url);
        var pull = TestStacks.PolicyStatements(template).Single(s => (string?)s["Sid"] == "PullVllmImage");
        Assert.Contains("Fn::FindInMap", pull["Resource"]!.ToJsonString());
    }

    [Fact]
    public void Ctor_ChinaRegion_UsesTheChinaRegistryAndDomain()
    {
        var stack = TestStacks.New("cn-northwest-1");
        var endpoint = new VllmEndpoint(stack, "Endpoint", Props(new ModelBucket(stack, "Weights")));
        var template = TestStacks.Json(stack);
        Assert.Equal(
            "727897471807.dkr.ecr.cn-northwest-1.amazonaws.com.cn/vllm:" + VllmImage.DefaultDlcTag,
            (string)TestStacks.Resources(template, "AWS::SageMaker::Model").Single().Properties["PrimaryContainer"]!["Image"]!);
        Assert.Equal("https://runtime.sagemaker.cn-northwest-1.amazonaws.com.cn/endpoints/test-endpoint/openai/v1", endpoint.OpenAiBaseUrl);
        Assert.StartsWith("arn:aws-cn:sagemaker:cn-northwest-1:", endpoint.EndpointArn, StringComparison.Ordinal);
        var pull = TestStacks.PolicyStatements(template).Single(s => (string?)s["Sid"] == "PullVllmImage");
        Assert.Equal("arn:aws-cn:ecr:cn-northwest-1:727897471807:repository/vllm", (string)pull["Resource"]!);
    }

    [Fact]
    public void Ctor_KeyedBucketInVpc_GrantsDecryptOnThatKeyAndPlacesTheModel()
    {
        var stack = TestStacks.New("me-central-1");
        var key = new Key(stack, "Key");
        var bucket = new ModelBucket(stack, "Weights", new ModelBucketProps { EncryptionKey = key });
        var vpc = new Vpc(stack, "Vpc", new VpcProps { MaxAzs = 2, NatGateways = 0, SubnetConfiguration = [new SubnetConfiguration { Name = "isolated", SubnetType = SubnetType.PRIVATE_ISOLATED }] });
        _ = new VllmEndpoint(stack, "Endpoint", new VllmEndpointProps
        {
            EndpointName = "test-endpoint",
            Model = KnownModel.GptOss20b,
            Source = ModelSource.FromBucket(bucket, "models/gpt-oss-20b/"),
            InstanceType = GpuInstanceType.G6E_XLARGE,
            Vpc = vpc,
        });
        var template = TestStacks.Json(stack);

        var image = (string)TestStacks.Resources(template, "AWS::SageMaker::Model").Single().Properties["PrimaryContainer"]!["Image"]!;
        Assert.StartsWith("914824155844.dkr.ecr.me-central-1.amazonaws.com/vllm:", image, StringComparison.Ordinal);
        // The execution role and the weights gate's role decrypt with the bucket's key, and with nothing else.
        var decrypts = TestStacks.PolicyStatements(template).Where(s => TestStacks.Actions(s).Contains("kms:Decrypt")).ToList();
        var keyId = TestStacks.Resources(template, "AWS::KMS::Key").Single().Id;
        Assert.Equal(2, decrypts.Count);
        Assert.All(decrypts, decrypt => Assert.Equal($"{{\"Fn::GetAtt\":[\"{keyId}\",\"Arn\"]}}", decrypt["Resource"]!.ToJsonString()));

        var vpcConfig = TestStacks.Resources(template, "AWS::SageMaker::Model").Single().Properties["VpcConfig"]!;
        Assert.Equal(2, vpcConfig["Subnets"]!.AsArray().Count);
        var groupId = TestStacks.Resources(template, "AWS::EC2::SecurityGroup").Single().Id;
        Assert.Contains(groupId, vpcConfig["SecurityGroupIds"]!.ToJsonString());
    }
}
