using System.Text.Json.Nodes;
using Amazon.CDK;
using Amazon.CDK.AWS.IAM;
using LlmHosting.Constructs.Access;
using LlmHosting.Constructs.Sagemaker;
using LlmHosting.Constructs.Sagemaker.Components;
using LlmHosting.Constructs.Storage;

namespace LlmHosting.Constructs.Tests.Sagemaker.Components;

/// <summary>A dev-like endpoint that scales to zero with two components, synthesized once.</summary>
public sealed class SharedEndpointFixture
{
    public SharedEndpointFixture()
    {
        var stack = TestStacks.New();
        var bucket = new ModelBucket(stack, "Weights");
        Endpoint = new InferenceComponentEndpoint(stack, "Shared", new InferenceComponentEndpointProps
        {
            EndpointName = "llm-dev-shared",
            InstanceType = GpuInstanceType.G6E_12XLARGE,
        });
        GptOss = Endpoint.AddComponent("GptOss20b", new InferenceComponentOptions
        {
            InferenceComponentName = "llm-dev-shared-gpt-oss-20b",
            Model = KnownModel.GptOss20b,
            Source = ModelSource.FromBucket(bucket, "models/gpt-oss-20b/"),
        });
        Qwen = Endpoint.AddComponent("Qwen3", new InferenceComponentOptions
        {
            InferenceComponentName = "llm-dev-shared-qwen3-4b",
            Model = KnownModel.Qwen3_4B,
            Source = ModelSource.FromHuggingFace("Qwen/Qwen3-4B"),
            MaxCopyCount = 2,
        });
        Client = new Role(stack, "Client", new RoleProps { AssumedBy = new AccountRootPrincipal() });
        Invoker = new InvokerRole(stack, "Invoker", new InvokerRoleProps { TrustedRoleArns = ["arn:aws:iam::123456789012:role/chat-client"], Endpoints = [GptOss] });
        GptOss.GrantInvoke(Client);
        Template = TestStacks.Json(stack);
    }

    public InferenceComponentEndpoint Endpoint { get; }

    public InferenceComponent GptOss { get; }

    public InferenceComponent Qwen { get; }

    public Role Client { get; }

    public InvokerRole Invoker { get; }

    public JsonObject Template { get; }

    public JsonObject Resource(string logicalIdPrefix, string type)
        => TestStacks.Resources(Template, type).Single(r => r.Id.StartsWith(logicalIdPrefix, StringComparison.Ordinal)).Properties;

    public IReadOnlyList<JsonObject> RoleStatements(string roleLogicalIdPrefix)
    {
        var roleId = TestStacks.Resources(Template, "AWS::IAM::Role").Single(r => r.Id.StartsWith(roleLogicalIdPrefix, StringComparison.Ordinal)).Id;
        return TestStacks.Resources(Template, "AWS::IAM::Policy")
            .Where(p => p.Properties["Roles"]!.AsArray().Any(r => (string?)r!["Ref"] == roleId))
            .SelectMany(p => p.Properties["PolicyDocument"]!["Statement"]!.AsArray().Select(s => s!.AsObject()))
            .ToList();
    }
}

public sealed class InferenceComponentTests(SharedEndpointFixture fixture) : IClassFixture<SharedEndpointFixture>
{
    private const string GptOssComponent = "llm-dev-shared-gpt-oss-20b";

    [Fact]
    public void EndpointConfig_VariantHasNoModel_AndTheRoleIsOnTheConfig()
    {
        var config = fixture.Resource("SharedConfig", "AWS::SageMaker::EndpointConfig");
        var variant = Assert.Single(config["ProductionVariants"]!.AsArray())!.AsObject();
        Assert.False(variant.ContainsKey("ModelName"));
        Assert.Equal("ml.g6e.12xlarge", (string)variant["InstanceType"]!);
        Assert.Equal("AllTraffic", (string)variant["VariantName"]!);
        Assert.Equal(1, (double)variant["InitialInstanceCount"]!);
        Assert.Equal("LEAST_OUTSTANDING_REQUESTS", (string)variant["RoutingConfig"]!["RoutingStrategy"]!);
        var scaling = variant["ManagedInstanceScaling"]!;
        Assert.Equal("ENABLED", (string)scaling["Status"]!);
        Assert.Equal(0, (double)scaling["MinInstanceCount"]!);
        Assert.Equal(1, (double)scaling["MaxInstanceCount"]!);

        var roleId = TestStacks.Resources(fixture.Template, "AWS::IAM::Role").Single(r => r.Id.StartsWith("SharedExecutionRole", StringComparison.Ordinal)).Id;
        Assert.Equal(roleId, (string)config["ExecutionRoleArn"]!["Fn::GetAtt"]![0]!);
        Assert.Equal(2, TestStacks.Resources(fixture.Template, "AWS::SageMaker::Model").Count(m => (string?)m.Properties["ExecutionRoleArn"]!["Fn::GetAtt"]![0] == roleId));
    }

    [Fact]
    public void Component_UsesTheSharedModelDefinitionAndDerivedRequirements()
    {
        var (id, component) = TestStacks.Resources(fixture.Template, "AWS::SageMaker::InferenceComponent")
            .Single(c => (string?)c.Properties["InferenceComponentName"] == GptOssComponent);
        Assert.Equal("AllTraffic", (string)component["VariantName"]!);
        Assert.Equal("SharedEndpointC6A384B8", (string)component["EndpointName"]!["Fn::GetAtt"]![0]!);
        var specification = component["Specification"]!;
        Assert.StartsWith("SharedGptOss20bModel", (string)specification["ModelName"]!["Fn::GetAtt"]![0]!);
        var compute = specification["ComputeResourceRequirements"]!;
        // One 48 GiB L40S holds the 16 GiB of weights; half the host share of one of four GPUs: 48 vCPUs / 4 / 2, 384 GiB / 4 / 2.
        Assert.Equal(1, (double)compute["NumberOfAcceleratorDevicesRequired"]!);
        Assert.Equal(6, (double)compute["NumberOfCpuCoresRequired"]!);
        Assert.Equal(48 * 1024, (double)compute["MinMemoryRequiredInMb"]!);
        Assert.Equal(1800, (double)specification["StartupParameters"]!["ContainerStartupHealthCheckTimeoutInSeconds"]!);
        Assert.Equal(3600, (double)specification["StartupParameters"]!["ModelDataDownloadTimeoutInSeconds"]!);
        Assert.Equal(1, (double)component["RuntimeConfig"]!["CopyCount"]!);
        Assert.Equal("SharedGptOss20bB4A607E1", id);

        var model = fixture.Resource("SharedGptOss20bModel", "AWS::SageMaker::Model");
        Assert.Equal("/opt/ml/model", (string)model["PrimaryContainer"]!["Environment"]!["SM_VLLM_MODEL"]!);
        Assert.Equal("1", (string)model["PrimaryContainer"]!["Environment"]!["SM_VLLM_TENSOR_PARALLEL_SIZE"]!);
    }

    [Fact]
    public void Autoscaling_OneTargetAndBothScalingPathsPerComponent_RegisteredAfterTheComponent()
    {
        var components = TestStacks.Resources(fixture.Template, "AWS::SageMaker::InferenceComponent");
        var targets = fixture.Template["Resources"]!.AsObject().Where(r => (string?)r.Value!["Type"] == "AWS::ApplicationAutoScaling::ScalableTarget").ToList();
        var policies = TestStacks.Resources(fixture.Template, "AWS::ApplicationAutoScaling::ScalingPolicy");
        Assert.Equal(2, components.Count);
        foreach (var (componentId, component) in components)
        {
            var name = (string)component["InferenceComponentName"]!;
            var target = Assert.Single(targets, t => (string?)t.Value!["Properties"]!["ResourceId"] == $"inference-component/{name}");
            var properties = target.Value!["Properties"]!;
            Assert.Equal("sagemaker", (string)properties["ServiceNamespace"]!);
            Assert.Equal("sagemaker:inference-component:DesiredCopyCount", (string)properties["ScalableDimension"]!);
            Assert.Equal(0, (double)properties["MinCapacity"]!);
            Assert.Contains(componentId, target.Value!["DependsOn"]!.AsArray().Select(d => (string)d!));
            Assert.Equal(
                "arn:aws:iam::123456789012:role/aws-service-role/sagemaker.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_SageMakerEndpoint",
                (string)properties["RoleARN"]!);

            var own = policies.Where(p => (string?)p.Properties["ScalingTargetId"]!["Ref"] == target.Key).ToList();
            Assert.Equal(2, own.Count);
            var tracking = Assert.Single(own, p => (string?)p.Properties["PolicyType"] == "TargetTrackingScaling").Properties["TargetTrackingScalingPolicyConfiguration"]!;
            Assert.Equal("SageMakerInferenceComponentInvocationsPerCopy", (string)tracking["PredefinedMetricSpecification"]!["PredefinedMetricType"]!);
            Assert.Equal(10, (double)tracking["TargetValue"]!);
            var step = Assert.Single(own, p => (string?)p.Properties["PolicyType"] == "StepScaling").Properties["StepScalingPolicyConfiguration"]!;
            Assert.Equal("ChangeInCapacity", (string)step["AdjustmentType"]!);
            var adjustment = Assert.Single(step["StepAdjustments"]!.AsArray())!;
            Assert.Equal(0, (double)adjustment["MetricIntervalLowerBound"]!);
            Assert.Equal(1, (double)adjustment["ScalingAdjustment"]!);
            Assert.False(adjustment.AsObject().ContainsKey("MetricIntervalUpperBound"));
        }

        // No role of CDK's own for autoscaling: the roles are the execution role, the client's and the invoker's.
        Assert.Equal(3, TestStacks.Resources(fixture.Template, "AWS::IAM::Role").Count(r => !r.Id.StartsWith("Weights", StringComparison.Ordinal) && !r.Id.StartsWith("Custom", StringComparison.Ordinal) && !r.Id.StartsWith("LlmHostingWeightsGates", StringComparison.Ordinal)));
        Assert.Equal(1, (double)targets.Single(t => ((string)t.Value!["Properties"]!["ResourceId"]!).EndsWith(GptOssComponent, StringComparison.Ordinal)).Value!["Properties"]!["MaxCapacity"]!);
        Assert.Equal(2, (double)targets.Single(t => ((string)t.Value!["Properties"]!["ResourceId"]!).EndsWith("qwen3-4b", StringComparison.Ordinal)).Value!["Properties"]!["MaxCapacity"]!);
    }

    [Fact]
    public void ScaleOutFromZeroAlarm_WatchesNoCapacityFailuresOfTheComponent_AndFiresTheStepAction()
    {
        var alarms = TestStacks.Resources(fixture.Template, "AWS::CloudWatch::Alarm");
        var (_, alarm) = Assert.Single(alarms, a => (string?)a.Properties["AlarmName"] == $"{GptOssComponent}-scale-out-from-zero");
        Assert.Equal("AWS/SageMaker", (string)alarm["Namespace"]!);
        Assert.Equal("NoCapacityInvocationFailures", (string)alarm["MetricName"]!);
        var dimension = Assert.Single(alarm["Dimensions"]!.AsArray())!;
        Assert.Equal("InferenceComponentName", (string)dimension["Name"]!);
        Assert.Equal(GptOssComponent, (string)dimension["Value"]!);
        Assert.Equal("Sum", (string)alarm["Statistic"]!);
        Assert.Equal(60, (double)alarm["Period"]!);
        Assert.Equal(1, (double)alarm["EvaluationPeriods"]!);
        Assert.Equal(1, (double)alarm["DatapointsToAlarm"]!);
        Assert.Equal(1, (double)alarm["Threshold"]!);
        Assert.Equal("GreaterThanOrEqualToThreshold", (string)alarm["ComparisonOperator"]!);
        // No failures publish no data point: that must read as "no request is waiting", or the alarm would ask for a
        // copy every minute of an idle day.
        Assert.Equal("notBreaching", (string)alarm["TreatMissingData"]!);
        var action = (string)Assert.Single(alarm["AlarmActions"]!.AsArray())!["Ref"]!;
        Assert.Equal("StepScaling", (string)fixture.Template["Resources"]![action]!["Properties"]!["PolicyType"]!);
    }

    /// <summary>
    /// The figures of the README's "Several models on one endpoint, and scale to zero" (What an idle endpoint costs, What
    /// the first request after idle sees), asserted by alarm and policy name for a component that scales to zero.
    /// </summary>
    [Fact]
    public void ScaleToZeroTimeline_CooldownsAndAlarmPeriods_AreThoseTheReadmeStates()
    {
        var alarms = TestStacks.Resources(fixture.Template, "AWS::CloudWatch::Alarm").ToDictionary(a => (string)a.Properties["AlarmName"]!, a => a.Properties);
        var policies = TestStacks.Resources(fixture.Template, "AWS::ApplicationAutoScaling::ScalingPolicy")
            .Where(p => p.Id.Contains("GptOss", StringComparison.Ordinal))
            .ToDictionary(p => (string)p.Properties["PolicyType"]!, p => p.Properties);

        // "drops to zero copies (about 15 minutes of no traffic plus the 15-minute scale-in cooldown)"
        var tracking = policies["TargetTrackingScaling"]["TargetTrackingScalingPolicyConfiguration"]!;
        Assert.Equal(900, (double)tracking["ScaleInCooldown"]!);
        Assert.Equal(600, (double)tracking["ScaleOutCooldown"]!);

        // "The <component>-scale-out-from-zero alarm evaluates that metric every minute, so up to about a minute later it
        // asks for one copy": one 1-minute period, one data point; the step adds one copy, then waits 10 minutes (the
        // copy takes minutes to start; a second copy would be asked for needlessly).
        var scaleOut = alarms[$"{GptOssComponent}-scale-out-from-zero"];
        Assert.Equal((60.0, 1.0, 1.0), ((double)scaleOut["Period"]!, (double)scaleOut["EvaluationPeriods"]!, (double)scaleOut["DatapointsToAlarm"]!));
        var step = policies["StepScaling"]["StepScalingPolicyConfiguration"]!;
        Assert.Equal(600, (double)step["Cooldown"]!);
        Assert.Equal(1, (double)step["StepAdjustments"]![0]!["ScalingAdjustment"]!);

        // "the <component>-no-capacity alarm fires only when failures last 20 minutes": 4 of 4 five-minute periods.
        var noCapacity = alarms[$"{GptOssComponent}-no-capacity"];
        Assert.Equal((300.0, 4.0, 4.0), ((double)noCapacity["Period"]!, (double)noCapacity["EvaluationPeriods"]!, (double)noCapacity["DatapointsToAlarm"]!));
        Assert.Equal("notBreaching", (string)noCapacity["TreatMissingData"]!);
    }

    [Fact]
    public void Alarms_AlertingAlarmsExcludeTheScaleOutAlarm_AndStartWithTheEndpointName()
    {
        Assert.NotNull(fixture.GptOss.ScaleOutFromZeroAlarm);
        Assert.DoesNotContain(fixture.GptOss.ScaleOutFromZeroAlarm, fixture.GptOss.Alarms);
        var names = TestStacks.Resources(fixture.Template, "AWS::CloudWatch::Alarm").Select(a => (string)a.Properties["AlarmName"]!).ToList();
        Assert.All(names, n => Assert.StartsWith("llm-dev-shared-", n));
        Assert.Contains($"{GptOssComponent}-invocation-5xx-errors", names);
        Assert.Contains($"{GptOssComponent}-error-rate", names);
        Assert.DoesNotContain(fixture.GptOss.ErrorRateRollbackAlarm, fixture.GptOss.Alarms);
        Assert.Contains($"{GptOssComponent}-model-latency", names);
        Assert.Contains($"{GptOssComponent}-no-capacity", names);
        Assert.Equal(3, fixture.GptOss.Alarms.Count);
        // Every alarm has one dimension: the component's name (never the endpoint's, which components share).
        Assert.All(TestStacks.Resources(fixture.Template, "AWS::CloudWatch::Alarm"),
            a => Assert.All(
                a.Properties["Metrics"]?.AsArray().Select(m => m!["MetricStat"]?["Metric"]).OfType<JsonNode>() ?? [a.Properties],
                m => Assert.Equal("InferenceComponentName", (string)Assert.Single(m["Dimensions"]!.AsArray())!["Name"]!)));
        // The alerting alarms notify nobody yet; the scaling alarm's only action is scaling.
        Assert.All(TestStacks.Resources(fixture.Template, "AWS::CloudWatch::Alarm").Where(a => !((string)a.Properties["AlarmName"]!).EndsWith("scale-out-from-zero", StringComparison.Ordinal)),
            a => Assert.False(a.Properties.ContainsKey("AlarmActions")));
    }

    [Fact]
    public void OpenAiBaseUrl_NamesTheEndpointAndTheComponent()
    {
        Assert.Equal(
            "https://runtime.sagemaker.us-east-1.amazonaws.com/endpoints/llm-dev-shared/inference-components/llm-dev-shared-gpt-oss-20b/openai/v1",
            fixture.GptOss.OpenAiBaseUrl);
        Assert.Equal("llm-dev-shared", fixture.GptOss.EndpointName);
        Assert.Equal("arn:aws:sagemaker:us-east-1:123456789012:endpoint/llm-dev-shared", fixture.GptOss.EndpointArn);
    }

    [Fact]
    public void GrantInvoke_CoversTheEndpointAndTheComponentArn_AndTheInvokerRoleAcceptsComponents()
    {
        var statement = Assert.Single(fixture.RoleStatements("Client"));
        Assert.Equal(["sagemaker:InvokeEndpoint", "sagemaker:InvokeEndpointWithResponseStream"], TestStacks.Actions(statement));
        var resources = statement["Resource"]!.AsArray();
        Assert.Equal("arn:aws:sagemaker:us-east-1:123456789012:endpoint/llm-dev-shared", (string)resources[0]!);
        Assert.Equal("SharedGptOss20bB4A607E1", (string)resources[1]!["Fn::GetAtt"]![0]!);
        Assert.Equal("InferenceComponentArn", (string)resources[1]!["Fn::GetAtt"]![1]!);

        Assert.Same(fixture.GptOss, Assert.Single(fixture.Invoker.Endpoints));
        var invoker = fixture.RoleStatements("InvokerRole");
        Assert.Contains(invoker, s => TestStacks.Actions(s).Contains("sagemaker:CallWithBearerToken") && (string?)s["Resource"] == "*");
        Assert.Contains(invoker, s => TestStacks.Actions(s).Contains("sagemaker:InvokeEndpoint") && s["Resource"]!.AsArray().Count == 2);
    }

    [Fact]
    public void ExecutionRole_PullsTheDlcReadsTheBucketPrefixAndWritesItsOwnLogs_Only()
    {
        var statements = fixture.RoleStatements("SharedExecutionRole");
        var resources = statements.SelectMany(s => s["Resource"] is JsonArray a ? a.Select(r => r!.ToJsonString()) : [s["Resource"]!.ToJsonString()]).ToList();
        Assert.Contains("\"arn:aws:ecr:us-east-1:763104351884:repository/vllm\"", resources);
        Assert.Contains(resources, r => r.Contains("/models/gpt-oss-20b/*", StringComparison.Ordinal));
        Assert.Contains("\"arn:aws:logs:us-east-1:123456789012:log-group:/aws/sagemaker/Endpoints/llm-dev-shared\"", resources);
        Assert.Contains("\"arn:aws:logs:us-east-1:123456789012:log-group:/aws/sagemaker/InferenceComponents/llm-dev-shared-qwen3-4b:log-stream:*\"", resources);
        // Only the actions that support no resource-level restriction use '*'.
        var wildcardActions = statements.Where(s => s["Resource"]!.ToJsonString() == "\"*\"").SelectMany(TestStacks.Actions).ToList();
        Assert.Equal(["cloudwatch:PutMetricData", "ecr:GetAuthorizationToken"], wildcardActions.Order(StringComparer.Ordinal));
        Assert.DoesNotContain(statements.SelectMany(TestStacks.Actions), a => a.Contains('*'));
        // Identical statements from both components appear once.
        Assert.Single(statements, s => (string?)s["Sid"] == "PullVllmImage");
    }
}
