using System.Text.Json.Nodes;
using Amazon.CDK;
using Amazon.CDK.AWS.IAM;
using Amazon.CDK.AWS.KMS;
using LlmHosting.Constructs.Bedrock;
using LlmHosting.Constructs.Storage;

namespace LlmHosting.Constructs.Tests.Bedrock;

public sealed class BedrockModelImportTests
{
    private const string Prefix = "models/gpt-oss-20b/";

    private static (JsonObject Template, BedrockModelImport Import) Synth(Func<IModelBucket, BedrockModelImportProps>? props = null, bool withKey = false)
    {
        var stack = TestStacks.New();
        var bucket = new ModelBucket(stack, "Weights", new ModelBucketProps { EncryptionKey = withKey ? new Key(stack, "WeightsKey") : null });
        var import = new BedrockModelImport(stack, "GptOss20b", props?.Invoke(bucket) ?? new BedrockModelImportProps
        {
            ModelBucket = bucket,
            ModelPrefix = Prefix,
            ModelName = "llm-dev-gpt-oss-20b",
        });
        var caller = new Role(stack, "Caller", new RoleProps { AssumedBy = new ServicePrincipal("ecs-tasks.amazonaws.com") });
        import.GrantInvoke(caller);
        return (TestStacks.Json(stack), import);
    }

    [Fact]
    public void Ctor_Default_SynthesizesTheWholeImport()
    {
        var (template, _) = Synth();
        var roles = TestStacks.Resources(template, "AWS::IAM::Role");
        var functions = TestStacks.Resources(template, "AWS::Lambda::Function");

        // The service role: Bedrock only, and only for this account's import jobs.
        var (serviceRoleId, serviceRole) = Assert.Single(roles, r => r.Id.StartsWith("GptOss20bServiceRole", StringComparison.Ordinal));
        var trust = Assert.Single(serviceRole["AssumeRolePolicyDocument"]!["Statement"]!.AsArray())!;
        Assert.Equal("bedrock.amazonaws.com", (string)trust["Principal"]!["Service"]!);
        Assert.Equal("sts:AssumeRole", (string)trust["Action"]!);
        Assert.Equal("123456789012", Cfn.Render(trust["Condition"]!["StringEquals"]!["aws:SourceAccount"]!));
        Assert.Equal("arn:aws:bedrock:us-east-1:123456789012:model-import-job/*", Cfn.Render(trust["Condition"]!["ArnLike"]!["aws:SourceArn"]!));

        // The service role reads the model's prefix and nothing else.
        var serviceStatements = StatementsOf(template, serviceRoleId);
        var read = Assert.Single(serviceStatements, s => TestStacks.Actions(s).Contains("s3:GetObject"));
        Assert.EndsWith("/" + Prefix + "*", Cfn.Render(read["Resource"]!));
        var list = Assert.Single(serviceStatements, s => TestStacks.Actions(s).Contains("s3:ListBucket"));
        Assert.Equal(Prefix + "*", (string)list["Condition"]!["StringLike"]!["s3:prefix"]![0]!);
        Assert.All(serviceStatements, s => Assert.All(TestStacks.Actions(s), a => Assert.StartsWith("s3:", a)));

        // The handler role: exactly the Bedrock calls it makes, PassRole on the service role only, the default bus.
        var (handlerRoleId, _) = Assert.Single(roles, r => r.Id.StartsWith("GptOss20bHandlerRole", StringComparison.Ordinal));
        var handler = StatementsOf(template, handlerRoleId);
        var bedrockActions = handler.SelectMany(TestStacks.Actions).Where(a => a.StartsWith("bedrock:", StringComparison.Ordinal)).Order().ToList();
        Assert.Equal(
            ["bedrock:CreateModelImportJob", "bedrock:DeleteImportedModel", "bedrock:GetImportedModel", "bedrock:GetModelImportJob", "bedrock:ListModelImportJobs"],
            bedrockActions);
        // CreateModelImportJob and ListModelImportJobs support no resource type (Service Authorization Reference), so
        // each stands alone on "*"; every other Bedrock action names the jobs or models of this account and region.
        var create = Assert.Single(handler, s => TestStacks.Actions(s).Contains("bedrock:CreateModelImportJob"));
        Assert.Equal(["bedrock:CreateModelImportJob"], TestStacks.Actions(create));
        Assert.Equal(["*"], Resources(create));
        var listJobs = Assert.Single(handler, s => TestStacks.Actions(s).Contains("bedrock:ListModelImportJobs"));
        Assert.Equal(["bedrock:ListModelImportJobs"], TestStacks.Actions(listJobs));
        Assert.Equal(["*"], Resources(listJobs));
        Assert.All(handler.Where(s => s != create && s != listJobs && TestStacks.Actions(s).Any(a => a.StartsWith("bedrock:", StringComparison.Ordinal))), s =>
            Assert.All(Resources(s), r => Assert.Matches("^arn:aws:bedrock:us-east-1:123456789012:(model-import-job|imported-model)/\\*$", r)));
        var passRole = Assert.Single(handler, s => TestStacks.Actions(s).Contains("iam:PassRole"));
        Assert.Equal(serviceRoleId, (string)passRole["Resource"]!["Fn::GetAtt"]![0]!);
        Assert.Equal("bedrock.amazonaws.com", (string)passRole["Condition"]!["StringEquals"]!["iam:PassedToService"]!);
        var putEvents = Assert.Single(handler, s => TestStacks.Actions(s).Contains("events:PutEvents"));
        Assert.Equal("arn:aws:events:us-east-1:123456789012:event-bus/default", Cfn.Render(putEvents["Resource"]!));
        // The folder is checked by the stack's weights gate, not by the import handler: it reads nothing in S3.
        Assert.DoesNotContain(handler, s => TestStacks.Actions(s).Any(a => a.StartsWith("s3:", StringComparison.Ordinal)));
        Assert.DoesNotContain(handler, s => s != create && s != listJobs && Resources(s).Contains("*"));

        // The handlers: .NET 10 managed runtime, Stream handlers of the lambda project.
        var dotnet = functions.Where(f => (string?)f.Properties["Runtime"] == "dotnet10" && ((string)f.Properties["Handler"]!).Contains("BedrockModelImport", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, dotnet.Count);
        Assert.Equal(
            ["LlmHosting.Handlers::LlmHosting.Lambda.BedrockModelImport.Handler::IsComplete", "LlmHosting.Handlers::LlmHosting.Lambda.BedrockModelImport.Handler::OnEvent"],
            dotnet.Select(f => (string)f.Properties["Handler"]!).Order());
        Assert.All(dotnet, f => Assert.Equal(handlerRoleId, (string)f.Properties["Role"]!["Fn::GetAtt"]![0]!));
        Assert.All(dotnet, f => Assert.Equal(300, (double)f.Properties["Timeout"]!));

        // The provider waits one hour by default, polling every minute.
        var machine = Assert.Single(TestStacks.Resources(template, "AWS::StepFunctions::StateMachine")).Properties;
        var definition = Cfn.Render(machine["DefinitionString"]!);
        Assert.Contains("\"IntervalSeconds\":60", definition);
        Assert.Contains("\"MaxAttempts\":60", definition);
        Assert.Contains("\"BackoffRate\":1", definition);

        // The custom resource, whose logical id is pinned: renaming it would import the model anew.
        var resources = template["Resources"]!.AsObject();
        var (resourceId, resource) = Assert.Single(resources, r => (string?)r.Value!["Type"] == BedrockModelImport.ResourceType);
        Assert.Equal("GptOss20b220489FB", resourceId);
        var properties = resource!["Properties"]!;
        Assert.Equal("llm-dev-gpt-oss-20b", (string)properties["ModelName"]!);
        Assert.Equal("false", (string)properties["RetainOnDelete"]!);
        Assert.Equal(serviceRoleId, (string)properties["RoleArn"]!["Fn::GetAtt"]![0]!);
        Assert.EndsWith("/" + Prefix, Cfn.Render(properties["S3Uri"]!));
        Assert.StartsWith("s3://", Cfn.Render(properties["S3Uri"]!));
        Assert.Contains(resource["DependsOn"]!.AsArray(), d => ((string)d!).StartsWith("GptOss20bServiceRole", StringComparison.Ordinal));

        // GrantInvoke: the two invoke actions on the imported model only.
        var (callerId, _) = Assert.Single(roles, r => r.Id.StartsWith("Caller", StringComparison.Ordinal));
        var invoke = Assert.Single(StatementsOf(template, callerId));
        Assert.Equal(["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"], TestStacks.Actions(invoke).Order());
        Assert.Equal(resourceId, (string)invoke["Resource"]!["Fn::GetAtt"]![0]!);
        Assert.Equal("ModelArn", (string)invoke["Resource"]!["Fn::GetAtt"]![1]!);
    }

    [Fact]
    public void Ctor_CustomTimeoutRetainAndKmsBucket_AreHonoured()
    {
        var (template, _) = Synth(bucket => new BedrockModelImportProps
        {
            ModelBucket = bucket,
            ModelPrefix = "models/qwen3-4b",
            ModelName = "qwen3_4b",
            TotalTimeout = Duration.Minutes(30),
            QueryInterval = Duration.Seconds(30),
            RetainOnDelete = true,
        }, withKey: true);

        var definition = Cfn.Render(Assert.Single(TestStacks.Resources(template, "AWS::StepFunctions::StateMachine")).Properties["DefinitionString"]!);
        Assert.Contains("\"IntervalSeconds\":30", definition);
        Assert.Contains("\"MaxAttempts\":60", definition);
        var resource = Assert.Single(TestStacks.Resources(template, BedrockModelImport.ResourceType)).Properties;
        Assert.Equal("true", (string)resource["RetainOnDelete"]!);
        Assert.EndsWith("/models/qwen3-4b/", Cfn.Render(resource["S3Uri"]!));

        var (serviceRoleId, _) = Assert.Single(TestStacks.Resources(template, "AWS::IAM::Role"), r => r.Id.StartsWith("GptOss20bServiceRole", StringComparison.Ordinal));
        var decrypt = Assert.Single(StatementsOf(template, serviceRoleId), s => TestStacks.Actions(s).Contains("kms:Decrypt"));
        Assert.StartsWith("WeightsKey", (string)decrypt["Resource"]!["Fn::GetAtt"]![0]!);
    }

    [Fact]
    public void Ctor_InvalidProps_ThrowsListingEveryProblem()
    {
        var stack = TestStacks.New();
        var bucket = new ModelBucket(stack, "Weights");

        var error = Assert.ThrowsAny<ArgumentException>(() => new BedrockModelImport(stack, "Bad", new BedrockModelImportProps
        {
            ModelBucket = bucket,
            ModelPrefix = "/models/*",
            ModelName = "gpt.oss--20b",
            TotalTimeout = Duration.Minutes(90),
            QueryInterval = Duration.Seconds(7),
        }));

        Assert.StartsWith("Invalid BedrockModelImportProps: ", error.Message);
        Assert.Contains("ModelPrefix: Invalid model prefix '/models/*': it starts with '/'", error.Message);
        Assert.Contains("ModelName 'gpt.oss--20b' must be 1-54 letters and digits", error.Message);
        Assert.Contains("TotalTimeout is 1 hour 30 minutes; the Provider framework waits at most 1 hour", error.Message);
        Assert.Contains("TotalTimeout 1 hour 30 minutes must be an integer multiple of QueryInterval 7 seconds", error.Message);
    }

    [Fact]
    public void Ctor_ModelNameTooLong_Throws()
    {
        var stack = TestStacks.New();
        var error = Assert.ThrowsAny<ArgumentException>(() => new BedrockModelImport(stack, "Long", new BedrockModelImportProps
        {
            ModelBucket = new ModelBucket(stack, "Weights"),
            ModelPrefix = Prefix,
            ModelName = new string('a', 55),
        }));

        Assert.Contains($"ModelName '{new string('a', 55)}' must be 1-54", error.Message);
    }

    private static IReadOnlyList<JsonObject> StatementsOf(JsonObject template, string roleId)
        => TestStacks.Resources(template, "AWS::IAM::Policy")
            .Where(p => p.Properties["Roles"]!.AsArray().Any(r => (string?)r!["Ref"] == roleId))
            .SelectMany(p => p.Properties["PolicyDocument"]!["Statement"]!.AsArray())
            .Select(s => s!.AsObject())
            .ToList();

    private static IReadOnlyList<string> Resources(JsonObject statement)
        => statement["Resource"] is JsonArray array ? array.Select(r => Cfn.Render(r!)).ToList() : [Cfn.Render(statement["Resource"]!)];
}

/// <summary>Renders CloudFormation intrinsics to text for assertions: partition "aws", other references as ${...}.</summary>
internal static class Cfn
{
    public static string Render(JsonNode node) => node switch
    {
        JsonValue value => (string)value!,
        JsonObject o when o["Fn::Join"] is JsonArray join => string.Join((string)join[0]!, join[1]!.AsArray().Select(p => Render(p!))),
        JsonObject o when (string?)o["Ref"] == "AWS::Partition" => "aws",
        JsonObject o when (string?)o["Ref"] == "AWS::URLSuffix" => "amazonaws.com",
        JsonObject o when o["Ref"] is not null => "${" + (string)o["Ref"]! + "}",
        JsonObject o when o["Fn::GetAtt"] is JsonArray att => "${" + (string)att[0]! + "." + (string)att[1]! + "}",
        JsonArray a => string.Join(",", a.Select(p => Render(p!))),
        _ => node.ToJsonString(),
    };
}
