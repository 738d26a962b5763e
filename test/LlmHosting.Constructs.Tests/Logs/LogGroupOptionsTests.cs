using System.Text.Json.Nodes;
using Amazon.CDK;
using Amazon.CDK.AWS.KMS;
using Amazon.CDK.AWS.Logs;
using LlmHosting.Constructs.Bedrock;
using LlmHosting.Constructs.Logs;
using LlmHosting.Constructs.Sagemaker;
using LlmHosting.Constructs.Sagemaker.Components;
using LlmHosting.Constructs.Storage;
using LlmHosting.Constructs.Validation;

namespace LlmHosting.Constructs.Tests.Logs;

/// <summary>Retention, key and removal of the declared log groups, and the groups left to SageMaker.</summary>
public sealed class LogGroupOptionsTests
{
    private const string EndpointGroup = "/aws/sagemaker/Endpoints/llm-test-gpt-oss-20b";

    [Fact]
    public void Settings_ComeFromTheConstructsOwnOptions_ThenTheScopeDefaults_ThenTheLibrary()
    {
        var stack = TestStacks.New();
        LogGroupOptions.SetDefaults(stack, new LogGroupOptions { Retention = RetentionDays.ONE_YEAR, RemovalPolicy = RemovalPolicy.DESTROY });
        var bucket = new ModelBucket(stack, "Weights");
        _ = Endpoint(stack, bucket, logs: new LogGroupOptions { Retention = RetentionDays.ONE_WEEK });
        _ = new BedrockModelImport(stack, "Import", new BedrockModelImportProps { ModelBucket = bucket, ModelPrefix = "models/a/", ModelName = "a" });
        var template = TestStacks.Json(stack);

        var groups = TestStacks.Resources(template, "AWS::Logs::LogGroup");
        var (endpointId, endpoint) = Assert.Single(groups, g => g.Properties["LogGroupName"] is JsonValue name && (string)name! == EndpointGroup);
        Assert.Equal(7, (double)endpoint["RetentionInDays"]!);
        Assert.All(groups.Where(g => g.Id != endpointId), g => Assert.Equal(365, (double)g.Properties["RetentionInDays"]!));
        Assert.All(groups, g => Assert.Equal("Delete", (string)template["Resources"]![g.Id]!["DeletionPolicy"]!));
    }

    [Fact]
    public void Removal_Default_KeepsGroupsOnUpdateAndDelete_ButDeletesThemWhenTheirCreationRollsBack()
    {
        // A kept group with SageMaker's fixed name would make the retry of a failed first deployment fail ("already exists").
        var stack = TestStacks.New();
        var bucket = new ModelBucket(stack, "Weights");
        _ = Endpoint(stack, bucket);
        var template = TestStacks.Json(stack);

        var groups = TestStacks.Resources(template, "AWS::Logs::LogGroup");
        Assert.Contains(groups, g => g.Properties["LogGroupName"] is JsonValue name && (string)name! == EndpointGroup);
        Assert.All(groups, g => Assert.Equal(
            ("RetainExceptOnCreate", "Retain"),
            ((string)template["Resources"]![g.Id]!["DeletionPolicy"]!, (string)template["Resources"]![g.Id]!["UpdateReplacePolicy"]!)));
    }

    [Fact]
    public void EncryptionKey_EncryptsEveryGroup_AndItsPolicyLetsCloudWatchLogsUseItForThoseGroupsOnly()
    {
        var stack = TestStacks.New();
        var key = new Key(stack, "LogsKey");
        LogGroupOptions.SetDefaults(stack, new LogGroupOptions { EncryptionKey = key });
        var bucket = new ModelBucket(stack, "Weights");
        _ = Endpoint(stack, bucket);
        var template = TestStacks.Json(stack);

        var (keyId, keyProperties) = Assert.Single(TestStacks.Resources(template, "AWS::KMS::Key"));
        Assert.All(TestStacks.Resources(template, "AWS::Logs::LogGroup"), g => Assert.Equal(keyId, (string)g.Properties["KmsKeyId"]!["Fn::GetAtt"]![0]!));
        var logs = keyProperties["KeyPolicy"]!["Statement"]!.AsArray().Select(s => s!.AsObject())
            .Where(s => s["Principal"]?["Service"]?.ToJsonString().Contains("logs.us-east-1.", StringComparison.Ordinal) == true)
            .ToList();
        // CloudWatch Logs user guide, "Encrypt log data in CloudWatch Logs using AWS KMS": the regional principal, these
        // actions, and the log group's ARN as the encryption context. Generated names (the handler functions') are not
        // known when the key is created, so their statement names the account's groups in the region.
        Assert.All(logs, s => Assert.Equal(["kms:Decrypt*", "kms:Describe*", "kms:Encrypt*", "kms:GenerateDataKey*", "kms:ReEncrypt*"], TestStacks.Actions(s).Order(StringComparer.Ordinal)));
        Assert.Equal(
            ["arn:aws:logs:us-east-1:123456789012:log-group:*", "arn:aws:logs:us-east-1:123456789012:log-group:" + EndpointGroup],
            logs.Select(s => Bedrock.Cfn.Render(s["Condition"]!["ArnLike"]!["kms:EncryptionContext:aws:logs:arn"]!)).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void DeclareLogGroupFalse_DeclaresNothing_AndTheRoleMayCreateThatGroupOnly()
    {
        var stack = TestStacks.New();
        var bucket = new ModelBucket(stack, "Weights");
        _ = Endpoint(stack, bucket, declare: false);
        var shared = new InferenceComponentEndpoint(stack, "Shared", new InferenceComponentEndpointProps { EndpointName = "llm-test-shared", InstanceType = GpuInstanceType.G6E_12XLARGE });
        _ = shared.AddComponent("Qwen", new InferenceComponentOptions
        {
            InferenceComponentName = "llm-test-shared-qwen",
            Model = KnownModel.Qwen3_4B,
            Source = ModelSource.FromBucket(bucket, "models/qwen/"),
            DeclareLogGroup = false,
        });
        var template = TestStacks.Json(stack);

        var declared = TestStacks.Resources(template, "AWS::Logs::LogGroup").Select(g => g.Properties["LogGroupName"]).OfType<JsonValue>().Select(n => (string)n!);
        Assert.Equal(["/aws/sagemaker/Endpoints/llm-test-shared"], declared);
        var create = TestStacks.PolicyStatements(template).Where(s => TestStacks.Actions(s).Contains("logs:CreateLogGroup")).ToList();
        Assert.Equal(
            [
                "arn:aws:logs:us-east-1:123456789012:log-group:" + EndpointGroup,
                "arn:aws:logs:us-east-1:123456789012:log-group:" + EndpointGroup + ":log-stream:*",
                "arn:aws:logs:us-east-1:123456789012:log-group:/aws/sagemaker/InferenceComponents/llm-test-shared-qwen",
            ],
            create.SelectMany(s => s["Resource"] is JsonArray a ? a.Select(r => (string)r!) : [(string)s["Resource"]!]).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void InfiniteRetention_IsRefused_InOptionsAndInDefaults()
    {
        var stack = TestStacks.New();
        var bucket = new ModelBucket(stack, "Weights");
        var infinite = new LogGroupOptions { Retention = RetentionDays.INFINITE };

        var endpoint = Assert.Throws<PropsValidationException>(() => Endpoint(stack, bucket, logs: infinite));
        var problem = Assert.Single(endpoint.Problems);
        Assert.Equal("Logs.Retention", problem.Property);
        Assert.Equal("Logs.Retention is INFINITE; a declared log group must expire: choose a period such as ONE_MONTH or ONE_YEAR", problem.Render());

        var import = Assert.ThrowsAny<ArgumentException>(() => new BedrockModelImport(stack, "Import", new BedrockModelImportProps { ModelBucket = bucket, ModelPrefix = "models/a/", ModelName = "a", Logs = infinite }));
        Assert.Contains("Logs.Retention is INFINITE", import.Message, StringComparison.Ordinal);
        var defaults = Assert.Throws<PropsValidationException>(() => LogGroupOptions.SetDefaults(stack, infinite));
        Assert.Contains("Defaults.Retention is INFINITE", defaults.Message, StringComparison.Ordinal);
    }

    private static VllmEndpoint Endpoint(Stack stack, ModelBucket bucket, LogGroupOptions? logs = null, bool? declare = null)
        => new(stack, "GptOss20b", new VllmEndpointProps
        {
            EndpointName = "llm-test-gpt-oss-20b",
            Model = KnownModel.GptOss20b,
            Source = ModelSource.FromBucket(bucket, "models/gpt-oss-20b/"),
            InstanceType = GpuInstanceType.G6E_XLARGE,
            DefaultAlarms = false,
            Logs = logs,
            DeclareLogGroup = declare,
        });
}
