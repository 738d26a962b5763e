using System.Text.Encodings.Web;
using System.Text.Json;
using Amazon.CDK;
using Amazon.CDK.AWS.IAM;
using Amazon.CDK.AWS.S3;
using Amazon.CDK.AWS.SQS;
using LlmHosting.Constructs.Nag;

namespace LlmHosting.Constructs.Tests.Nag;

public sealed class NagSuppressionsTests
{
    private const string Reason = "CreateModelImportJob supports no resource type (Service Authorization Reference).";
    private const string OtherReason = "Access logs of this bucket would log the access-log bucket itself (S3 user guide).";

    [Fact]
    public void Add_OnBucket_WritesCdkNagMetadataOnItsCfnBucket()
    {
        var stack = TestStacks.New();
        var bucket = new Bucket(stack, "Logs");

        NagSuppressions.Add(bucket, "AwsSolutions-S1", OtherReason);

        Assert.Equal(
            $$"""{"rules_to_suppress":[{"id":"AwsSolutions-S1","reason":"{{OtherReason}}"}]}""",
            NagMetadata(stack, "AWS::S3::Bucket"));
    }

    [Fact]
    public void Add_Twice_AppendsToEarlierSuppressions_AndDoesNotRepeatAnIdenticalOne()
    {
        var stack = TestStacks.New();
        var queue = new CfnQueue(stack, "Queue");

        NagSuppressions.Add(queue, "AwsSolutions-SQS3", OtherReason);
        NagSuppressions.Add(queue, "AwsSolutions-SQS4", Reason);
        NagSuppressions.Add(queue, "AwsSolutions-SQS3", OtherReason);

        Assert.Equal(
            $$"""{"rules_to_suppress":[{"id":"AwsSolutions-SQS3","reason":"{{OtherReason}}"},{"id":"AwsSolutions-SQS4","reason":"{{Reason}}"}]}""",
            NagMetadata(stack, "AWS::SQS::Queue"));
    }

    [Fact]
    public void Add_AppliesTo_WritesFindingsAsStringsAndSlashedPatternsAsRegexObjects()
    {
        var stack = TestStacks.New();
        var policy = new CfnManagedPolicy(stack, "Policy", new CfnManagedPolicyProps { PolicyDocument = new Dictionary<string, object>() });

        NagSuppressions.Add(policy, "AwsSolutions-IAM5", Reason, "Resource::*", "/^Resource::arn:aws:logs:.*:log-stream:\\*$/g");

        Assert.Equal(
            $$"""{"rules_to_suppress":[{"id":"AwsSolutions-IAM5","reason":"{{Reason}}","applies_to":["Resource::*",{"regex":"/^Resource::arn:aws:logs:.*:log-stream:\\*$/g"}]}]}""",
            NagMetadata(stack, "AWS::IAM::ManagedPolicy"));
    }

    [Fact]
    public void Add_ListOfFindings_WritesEachInOrder()
    {
        var stack = TestStacks.New();
        var policy = new CfnManagedPolicy(stack, "Policy", new CfnManagedPolicyProps { PolicyDocument = new Dictionary<string, object>() });
        var prefixes = new List<string> { "models/a/", "models/b/" };

        NagSuppressions.Add(policy, "AwsSolutions-IAM5", Reason, prefixes.Select(p => $"Resource::<ModelBucket.Arn>/{p}*"));

        Assert.Equal(
            $$"""{"rules_to_suppress":[{"id":"AwsSolutions-IAM5","reason":"{{Reason}}","applies_to":["Resource::<ModelBucket.Arn>/models/a/*","Resource::<ModelBucket.Arn>/models/b/*"]}]}""",
            NagMetadata(stack, "AWS::IAM::ManagedPolicy"));
    }

    [Fact]
    public void Add_OnRole_SuppressesOnTheRoleAndOnItsDefaultPolicy_IncludingGrantsAddedAfterwards()
    {
        var stack = TestStacks.New();
        var role = new Role(stack, "Handler", new RoleProps { AssumedBy = new ServicePrincipal("lambda.amazonaws.com") });

        NagSuppressions.Add(role, "AwsSolutions-IAM5", Reason, "Resource::*");
        role.AddToPolicy(new PolicyStatement(new PolicyStatementProps { Actions = ["bedrock:CreateModelImportJob"], Resources = ["*"] }));

        var expected = $$"""{"rules_to_suppress":[{"id":"AwsSolutions-IAM5","reason":"{{Reason}}","applies_to":["Resource::*"]}]}""";
        Assert.Equal(expected, NagMetadata(stack, "AWS::IAM::Role"));
        Assert.Equal(expected, NagMetadata(stack, "AWS::IAM::Policy"));
    }

    [Theory]
    [InlineData("", "reason \"\" is shorter than 30 characters")]
    [InlineData("Not needed (dev only).", "is shorter than 30 characters")]
    [InlineData("The service creates these log streams at run time.", "names no evidence in parentheses")]
    [InlineData("The service creates these log streams at run time (SageMaker docs)", "does not end with a full stop")]
    public void Add_ReasonNotASentenceWithEvidence_ThrowsNamingTheRuleAndTheRule(string reason, string problem)
    {
        var stack = TestStacks.New();
        var queue = new CfnQueue(stack, "Queue");

        var error = Assert.ThrowsAny<ArgumentException>(() => NagSuppressions.Add(queue, "AwsSolutions-SQS3", reason));

        Assert.StartsWith("Invalid cdk-nag suppression AwsSolutions-SQS3 on Test/Queue: ", error.Message);
        Assert.Contains(problem, error.Message);
        Assert.Contains(NagSuppressions.ReasonRule, error.Message);
        Assert.Null(TestStacks.Json(stack)["Resources"]!["Queue"]!["Metadata"]?["cdk_nag"]);
    }

    [Theory]
    [InlineData("IAM5", "is not an AwsSolutions rule id like AwsSolutions-IAM5")]
    [InlineData("AwsSolutions-iam5", "is not an AwsSolutions rule id")]
    [InlineData("AwsSolutions-IAM5[Resource::*]", "names a finding: give the rule id alone and the finding in appliesTo")]
    public void Add_MalformedRuleId_Throws(string ruleId, string problem)
    {
        var queue = new CfnQueue(TestStacks.New(), "Queue");

        var error = Assert.ThrowsAny<ArgumentException>(() => NagSuppressions.Add(queue, ruleId, Reason));

        Assert.Contains($"rule id '{ruleId}' {problem}", error.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("/^Resource::.*")]
    public void Add_MalformedFinding_Throws(string finding)
    {
        var queue = new CfnQueue(TestStacks.New(), "Queue");

        var error = Assert.ThrowsAny<ArgumentException>(() => NagSuppressions.Add(queue, "AwsSolutions-SQS3", Reason, finding));

        Assert.Contains("appliesTo", error.Message);
    }

    [Fact]
    public void Add_ConstructWithoutResource_ThrowsNamingIt()
    {
        var stack = TestStacks.New();
        var imported = Role.FromRoleArn(stack, "Imported", "arn:aws:iam::123456789012:role/other");

        var error = Assert.ThrowsAny<ArgumentException>(() => NagSuppressions.Add(imported, "AwsSolutions-IAM5", Reason));

        Assert.Contains("Test/Imported is not a CloudFormation resource and has no default child that is one", error.Message);
    }

    [Fact]
    public void Add_ForeignCdkNagMetadata_ThrowsAndKeepsIt()
    {
        var stack = TestStacks.New();
        var queue = new CfnQueue(stack, "Queue");
        queue.AddMetadata("cdk_nag", new Dictionary<string, object> { ["ignore"] = "all" });

        var error = Assert.ThrowsAny<ArgumentException>(() => NagSuppressions.Add(queue, "AwsSolutions-SQS3", Reason));

        Assert.Contains("the cdk_nag metadata already on Test/Queue is not {\"rules_to_suppress\": [...]}", error.Message);
        Assert.Equal("""{"ignore":"all"}""", NagMetadata(stack, "AWS::SQS::Queue"));
    }

    private static readonly JsonSerializerOptions Unescaped = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static string NagMetadata(Stack stack, string type)
    {
        var resource = TestStacks.Json(stack)["Resources"]!.AsObject().Single(r => (string?)r.Value!["Type"] == type).Value!;
        return resource["Metadata"]!["cdk_nag"]!.ToJsonString(Unescaped);
    }
}
