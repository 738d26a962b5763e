using System.Text.Json.Nodes;
using Amazon.CDK;
using Amazon.CDK.Assertions;
using Amazon.CDK.AWS.IAM;
using LlmHosting.Constructs.Bedrock;
using LlmHosting.Constructs.Bedrock.OnDemand;
using LlmHosting.Constructs.Storage;
using LlmHosting.Constructs.Validation;

namespace LlmHosting.Constructs.Tests.Bedrock.OnDemand;

public sealed class BedrockOnDemandModelTests
{
    private const string GptOss120bArn = "arn:aws:bedrock:us-east-1::foundation-model/openai.gpt-oss-120b-1:0";

    [Fact]
    public void Ctor_OfferedRegion_AddressesTheModelInThatRegion()
    {
        var stack = TestStacks.New("eu-west-1");
        var model = new BedrockOnDemandModel(stack, "GptOss", new BedrockOnDemandModelProps { Model = BedrockFoundationModel.GptOss120b, ResponsesApi = true });

        Assert.Equal("arn:aws:bedrock:eu-west-1::foundation-model/openai.gpt-oss-120b-1:0", Cfn.Render(JsonNode.Parse(Json(stack.Resolve(model.ModelArn)))!));
        Assert.Equal("https://bedrock-runtime.eu-west-1.amazonaws.com/openai/v1", model.ChatCompletionsBaseUrl);
        Assert.Equal("https://bedrock-mantle.eu-west-1.api.aws/v1", model.ResponsesBaseUrl);
        Assert.Equal("openai.gpt-oss-120b", model.ResponsesModelId);
        Assert.False(TestStacks.Json(stack).ContainsKey("Resources"), "an on-demand model deploys nothing");
    }

    [Fact]
    public void Ctor_RegionNotOffered_ThrowsListingTheRegionsThatOfferIt()
    {
        var stack = TestStacks.New("ap-southeast-1");

        var e = Assert.Throws<PropsValidationException>(() => new BedrockOnDemandModel(stack, "GptOss", new BedrockOnDemandModelProps { Model = BedrockFoundationModel.GptOss20b }));

        Assert.Equal("Model", Assert.Single(e.Problems).Property);
        Assert.Contains("Model openai.gpt-oss-20b-1:0 is not offered in ap-southeast-1; Bedrock offers it in us-east-1, us-east-2, us-west-2, ap-northeast-1", e.Message);
        Assert.Contains("BedrockFoundationModel.WithRegions", e.Message);
    }

    [Fact]
    public void Ctor_UnresolvedRegion_WarnsThatTheCheckCannotRun()
    {
        var stack = TestStacks.New(agnostic: true);
        _ = new BedrockOnDemandModel(stack, "GptOss", new BedrockOnDemandModelProps { Model = BedrockFoundationModel.GptOss20b });

        var warnings = Amazon.CDK.Assertions.Annotations.FromStack(stack).FindWarning("*", Match.StringLikeRegexp(".*cannot be checked that Bedrock offers openai.gpt-oss-20b-1:0.*"));
        Assert.Single(warnings);
    }

    [Fact]
    public void Ctor_EscapeHatches_AcceptARegionTheCatalogLacks()
    {
        var stack = TestStacks.New("ap-southeast-1");

        _ = new BedrockOnDemandModel(stack, "Custom", new BedrockOnDemandModelProps { Model = BedrockFoundationModel.Custom("openai.gpt-oss-120b-1:0") });
        _ = new BedrockOnDemandModel(stack, "Widened", new BedrockOnDemandModelProps { Model = BedrockFoundationModel.GptOss120b.WithRegions(["ap-southeast-1"]) });
    }

    [Fact]
    public void Ctor_ResponsesApiWithoutAMantleId_Throws()
    {
        var stack = TestStacks.New();

        var e = Assert.Throws<PropsValidationException>(() => new BedrockOnDemandModel(stack, "Qwen", new BedrockOnDemandModelProps
        {
            Model = BedrockFoundationModel.Custom("qwen.qwen3-32b-v1:0"),
            ResponsesApi = true,
        }));

        Assert.Contains("ResponsesApi is on, but qwen.qwen3-32b-v1:0 has no Mantle model id", e.Message);
    }

    [Fact]
    public void GrantInvoke_WithoutBearerKeys_GrantsTheInvokeActionsOnTheModelArnOnly()
    {
        var (template, _) = Granted(allowBearerKeys: false, responsesApi: false);

        var statement = Assert.Single(TestStacks.PolicyStatements(template));
        Assert.Equal(["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"], TestStacks.Actions(statement));
        Assert.Equal(GptOss120bArn, Cfn.Render(statement["Resource"]!));
    }

    [Fact]
    public void GrantInvoke_WithBearerKeys_AddsCallWithBearerTokenOnStarOnly()
    {
        var (template, _) = Granted(allowBearerKeys: true, responsesApi: false);

        var statements = TestStacks.PolicyStatements(template);
        Assert.Equal(2, statements.Count);
        var bearer = Assert.Single(statements, s => TestStacks.Actions(s).Contains("bedrock:CallWithBearerToken"));
        Assert.Equal(["bedrock:CallWithBearerToken"], TestStacks.Actions(bearer));
        Assert.Equal("*", (string)bearer["Resource"]!);
        Assert.Equal(GptOss120bArn, Cfn.Render(Assert.Single(statements, s => s != bearer)["Resource"]!));
    }

    [Fact]
    public void GrantInvoke_ResponsesApi_AddsMantleOnTheAccountsProjectsInTheRegion()
    {
        var (template, _) = Granted(allowBearerKeys: true, responsesApi: true);

        var statements = TestStacks.PolicyStatements(template);
        var mantle = Assert.Single(statements, s => TestStacks.Actions(s).Contains("bedrock-mantle:CreateInference"));
        Assert.Equal(["bedrock-mantle:CreateInference"], TestStacks.Actions(mantle));
        Assert.Equal("arn:aws:bedrock-mantle:us-east-1:123456789012:project/*", Cfn.Render(mantle["Resource"]!));
        var bearer = Assert.Single(statements, s => TestStacks.Actions(s).Contains("bedrock:CallWithBearerToken"));
        Assert.Equal(["bedrock-mantle:CallWithBearerToken", "bedrock:CallWithBearerToken"], TestStacks.Actions(bearer).Order(StringComparer.Ordinal));
        Assert.Equal("*", (string)bearer["Resource"]!);
    }

    [Fact]
    public void BedrockGrants_OnDemandAndImportedModels_NameExactlyTheirArns()
    {
        var stack = TestStacks.New();
        var bucket = new ModelBucket(stack, "Weights");
        var onDemand = new BedrockOnDemandModel(stack, "GptOss", new BedrockOnDemandModelProps { Model = BedrockFoundationModel.GptOss120b });
        var import = new BedrockModelImport(stack, "Imported", new BedrockModelImportProps { ModelBucket = bucket, ModelPrefix = "models/gpt-oss-20b/", ModelName = "gpt-oss-20b" });
        var role = new Role(stack, "Invoker", new RoleProps { AssumedBy = new AccountRootPrincipal() });

        BedrockGrants.GrantInvoke(role, new BedrockInvokeTargets { OnDemandModels = [onDemand], ImportedModels = [import] });

        var template = TestStacks.Json(stack);
        var invoke = Assert.Single(RoleStatements(template, "Invoker"));
        Assert.Equal(["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"], TestStacks.Actions(invoke));
        var resources = invoke["Resource"]!.AsArray().Select(r => Cfn.Render(r!)).ToList();
        Assert.Equal(2, resources.Count);
        Assert.Contains(GptOss120bArn, resources);
        Assert.Single(resources, r => r.StartsWith("${Imported", StringComparison.Ordinal) && r.EndsWith(".ModelArn}", StringComparison.Ordinal));
    }

    [Fact]
    public void BedrockGrants_NoModel_GrantsNothingEvenWithBearerKeys()
    {
        var stack = TestStacks.New();
        var role = new Role(stack, "Invoker", new RoleProps { AssumedBy = new AccountRootPrincipal() });

        BedrockGrants.GrantInvoke(role, new BedrockInvokeTargets { AllowBearerKeys = true });

        Assert.Empty(TestStacks.PolicyStatements(TestStacks.Json(stack)));
    }

    private static (JsonObject Template, BedrockOnDemandModel Model) Granted(bool allowBearerKeys, bool responsesApi)
    {
        var stack = TestStacks.New();
        var model = new BedrockOnDemandModel(stack, "GptOss", new BedrockOnDemandModelProps { Model = BedrockFoundationModel.GptOss120b, ResponsesApi = responsesApi });
        var role = new Role(stack, "Caller", new RoleProps { AssumedBy = new AccountRootPrincipal() });
        model.GrantInvoke(role, allowBearerKeys);
        return (TestStacks.Json(stack), model);
    }

    private static IReadOnlyList<JsonObject> RoleStatements(JsonObject template, string roleLogicalIdPrefix)
    {
        var roleId = TestStacks.Resources(template, "AWS::IAM::Role").Single(r => r.Id.StartsWith(roleLogicalIdPrefix, StringComparison.Ordinal)).Id;
        return TestStacks.Resources(template, "AWS::IAM::Policy")
            .Where(p => p.Properties["Roles"]!.AsArray().Any(r => (string?)r!["Ref"] == roleId))
            .SelectMany(p => p.Properties["PolicyDocument"]!["Statement"]!.AsArray().Select(s => s!.AsObject()))
            .ToList();
    }

    private static string Json(object resolved) => Newtonsoft.Json.JsonConvert.SerializeObject(resolved);
}
