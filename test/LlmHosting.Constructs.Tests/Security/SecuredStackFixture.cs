using System.Text.Json.Nodes;
using Amazon.CDK;
using LlmHosting.Constructs.Access;
using LlmHosting.Constructs.Aspects;
using LlmHosting.Constructs.Bedrock;
using LlmHosting.Constructs.Events;
using LlmHosting.Constructs.Sagemaker;
using LlmHosting.Constructs.Sagemaker.Components;
using LlmHosting.Constructs.Storage;

namespace LlmHosting.Constructs.Tests.Security;

/// <summary>
/// One stack with every construct that creates IAM roles, Lambda functions or log groups, as an environment would combine
/// them (with the library's defaults): the subject of the stack-wide security checks and of cdk-nag.
/// </summary>
public sealed class SecuredStackFixture
{
    /// <summary>A pinned revision of a Hugging Face repository (any 40-hex commit hash).</summary>
    public const string Revision = "0123456789abcdef0123456789abcdef01234567";

    public SecuredStackFixture()
    {
        var stack = TestStacks.New();
        var accessLogs = new AccessLogBucket(stack, "AccessLogs");
        var bucket = new ModelBucket(stack, "Weights", new ModelBucketProps
        {
            RemovalPolicy = RemovalPolicy.DESTROY,
            AutoDeleteObjects = true,
            ServerAccessLogsBucket = accessLogs.Bucket,
        });
        var endpoint = new VllmEndpoint(stack, "GptOss120b", new VllmEndpointProps
        {
            EndpointName = "llm-test-gpt-oss-120b",
            Model = KnownModel.GptOss120b,
            Source = ModelSource.FromBucket(bucket, "models/gpt-oss-120b/"),
            InstanceType = GpuInstanceType.P5_48XLARGE,
            MinInstanceCount = 1,
            MaxInstanceCount = 2,
        });
        var shared = new InferenceComponentEndpoint(stack, "Shared", new InferenceComponentEndpointProps
        {
            EndpointName = "llm-test-shared",
            InstanceType = GpuInstanceType.G6E_12XLARGE,
        });
        var gptOss = shared.AddComponent("GptOss20b", new InferenceComponentOptions
        {
            InferenceComponentName = "llm-test-shared-gpt-oss-20b",
            Model = KnownModel.GptOss20b,
            Source = ModelSource.FromBucket(bucket, "models/gpt-oss-20b/"),
        });
        var qwen = shared.AddComponent("Qwen3", new InferenceComponentOptions
        {
            InferenceComponentName = "llm-test-shared-qwen3-4b",
            Model = KnownModel.Qwen3_4B,
            Source = ModelSource.FromHuggingFace("Qwen/Qwen3-4B", revision: Revision),
            RequirePinnedRevision = true,
        });
        _ = new BedrockModelImport(stack, "Import", new BedrockModelImportProps
        {
            ModelBucket = bucket,
            ModelPrefix = "models/gpt-oss-20b/",
            ModelName = "llm-test-gpt-oss-20b",
        });
        _ = new InvokerRole(stack, "Invoker", new InvokerRoleProps
        {
            TrustedRoleArns = ["arn:aws:iam::210987654321:role/chat-client"],
            TrustedAccountIds = ["123456789012"],
            TrustAccountRoots = true,
            TrustedPrincipalTag = new PrincipalTagCondition { Key = "llm-invoker", Value = "true" },
            Endpoints = [endpoint, gptOss, qwen],
        });
        _ = new ModelOperationsEvents(stack, "Operations", new ModelOperationsEventsProps
        {
            EndpointNamePrefix = "llm-test-",
            ImportedModelNamePrefix = "llm-test-",
            Alarms = [.. endpoint.Alarms, .. gptOss.Alarms, .. qwen.Alarms],
            AlarmEmails = ["oncall@example.com"],
        });
        Amazon.CDK.Aspects.Of(stack).Add(new NodejsRuntimeUpgrade());
        Template = TestStacks.Json(stack);
    }

    public JsonObject Template { get; }

    /// <summary>The template written to a temporary file, for scripts/nag; the caller deletes it.</summary>
    public string WriteTemplate()
    {
        var file = Path.Combine(Path.GetTempPath(), $"secured-{Guid.NewGuid():N}.template.json");
        File.WriteAllText(file, Template.ToJsonString());
        return file;
    }
}
