using System.Text.Json.Nodes;
using Amazon.CDK.AWS.IAM;
using LlmHosting.Constructs.Access;
using LlmHosting.Constructs.Sagemaker;
using LlmHosting.Constructs.Storage;

namespace LlmHosting.Constructs.Tests.Access;

public sealed class InvokerRoleTests
{
    [Fact]
    public void Ctor_TwoEndpointsAndRolesOfTwoAccounts_HoldsExactlyTheOpenAiGrantsAndTrustsTheNamedRolesOnly()
    {
        var stack = TestStacks.New();
        var bucket = new ModelBucket(stack, "Weights");
        VllmEndpoint Endpoint(string name) => new(stack, name, new VllmEndpointProps
        {
            EndpointName = name,
            Model = KnownModel.GptOss20b,
            Source = ModelSource.FromBucket(bucket, "models/gpt-oss-20b/"),
            InstanceType = GpuInstanceType.G6E_XLARGE,
            DefaultAlarms = false,
        });
        var first = Endpoint("First");
        var invoker = new InvokerRole(stack, "Invoker", new InvokerRoleProps
        {
            TrustedRoleArns = ["arn:aws:iam::123456789012:role/chat-client", "arn:aws:iam::210987654321:role/other-account-client"],
            Endpoints = [first],
        });
        invoker.AddEndpoint(Endpoint("second"));
        invoker.AddEndpoint(first);
        var template = TestStacks.Json(stack);

        var (roleId, role) = TestStacks.Resources(template, "AWS::IAM::Role").Single(r => r.Id.StartsWith("Invoker", StringComparison.Ordinal));
        // Named roles, one of another account, trusted as they are: no account root, no condition.
        var trustStatement = Assert.Single(role["AssumeRolePolicyDocument"]!["Statement"]!.AsArray())!;
        Assert.Equal("sts:AssumeRole", (string)trustStatement["Action"]!);
        Assert.Equal(
            ["arn:aws:iam::123456789012:role/chat-client", "arn:aws:iam::210987654321:role/other-account-client"],
            trustStatement["Principal"]!["AWS"]!.AsArray().Select(p => (string)p!).Order(StringComparer.Ordinal));
        Assert.Null(trustStatement["Condition"]);
        Assert.Equal(3600, (double)role["MaxSessionDuration"]!);

        var statements = TestStacks.Resources(template, "AWS::IAM::Policy")
            .Where(p => p.Properties["Roles"]!.AsArray().Any(r => (string?)r!["Ref"] == roleId))
            .SelectMany(p => p.Properties["PolicyDocument"]!["Statement"]!.AsArray().Select(s => s!.AsObject()))
            .ToList();
        var invoke = statements.Where(s => TestStacks.Actions(s).Contains("sagemaker:InvokeEndpoint")).ToList();
        Assert.All(invoke, s => Assert.Equal(["sagemaker:InvokeEndpoint", "sagemaker:InvokeEndpointWithResponseStream"], TestStacks.Actions(s)));
        var invokeResources = invoke.SelectMany(s => s["Resource"] is JsonArray a ? a.Select(r => (string)r!) : [(string)s["Resource"]!]).Order(StringComparer.Ordinal);
        Assert.Equal(
            ["arn:aws:sagemaker:us-east-1:123456789012:endpoint/first", "arn:aws:sagemaker:us-east-1:123456789012:endpoint/second"],
            invokeResources);
        var bearer = Assert.Single(statements, s => TestStacks.Actions(s).Contains("sagemaker:CallWithBearerToken"));
        Assert.Equal(["sagemaker:CallWithBearerToken"], TestStacks.Actions(bearer));
        Assert.Equal("*", (string)bearer["Resource"]!);
        Assert.Equal(
            ["sagemaker:CallWithBearerToken", "sagemaker:InvokeEndpoint", "sagemaker:InvokeEndpointWithResponseStream"],
            statements.SelectMany(TestStacks.Actions).Distinct().Order(StringComparer.Ordinal));
        Assert.Equal(2, invoker.Endpoints.Count);

        // cfn-lint does not know CallWithBearerToken: the policy says so, and why, instead of a global suppression.
        var policyId = TestStacks.Resources(template, "AWS::IAM::Policy").Single(p => p.Properties["Roles"]!.AsArray().Any(r => (string?)r!["Ref"] == roleId)).Id;
        var metadata = template["Resources"]![policyId]!["Metadata"]!;
        Assert.Equal("[\"W3037\"]", metadata["cfn-lint"]!["config"]!["ignore_checks"]!.ToJsonString());
        Assert.Contains("sagemaker:CallWithBearerToken", (string)metadata[InvokeActions.LintReasonMetadataKey]!);
    }

    [Fact]
    public void InvokeActions_GrantInvokeOpenAi_AddsBearerTokenOnStarOnly()
    {
        var stack = TestStacks.New();
        var role = new Role(stack, "Role", new RoleProps { AssumedBy = new AccountRootPrincipal() });
        var grant = InvokeActions.GrantInvokeOpenAi(role, "arn:aws:sagemaker:us-east-1:123456789012:endpoint/x");
        Assert.True(grant.Success);
        var statements = TestStacks.PolicyStatements(TestStacks.Json(stack));
        Assert.Equal(2, statements.Count);
        Assert.Contains(statements, s => (string)s["Resource"]! == "arn:aws:sagemaker:us-east-1:123456789012:endpoint/x" && TestStacks.Actions(s).SequenceEqual(InvokeActions.Invoke));
        Assert.Contains(statements, s => (string)s["Resource"]! == "*" && TestStacks.Actions(s).SequenceEqual(InvokeActions.BearerToken));
    }
}
