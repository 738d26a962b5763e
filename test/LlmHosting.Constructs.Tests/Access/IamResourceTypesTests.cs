using System.Text.Json.Nodes;
using LlmHosting.Tests.Shared;

namespace LlmHosting.Constructs.Tests.Access;

/// <summary>
/// The IAM resource-type check that every construct test's template passes (<see cref="TestStacks.Json"/>) and the
/// app tests run on every environment: shown here to reject each kind of mistake, so that its silence means something.
/// </summary>
public sealed class IamResourceTypesTests
{
    [Fact]
    public void Violations_ActionWithoutResourceTypeOnArns_IsReported()
    {
        var violations = Check(Statement(["bedrock:CreateModelImportJob"], "arn:aws:bedrock:us-east-1:123456789012:model-import-job/*"));

        Assert.Contains(violations, v => v.Contains("bedrock:CreateModelImportJob supports no resource type", StringComparison.Ordinal) && v.Contains("grant it on \"*\"", StringComparison.Ordinal));
    }

    [Fact]
    public void Violations_ActionWithoutResourceTypeOnStar_AreNone()
        => Assert.Empty(Check(Statement(["bedrock:CreateModelImportJob", "ecr:GetAuthorizationToken"], "*")));

    [Fact]
    public void Violations_ArnOfAnotherResourceType_IsReported()
    {
        var violations = Check(Statement(["sagemaker:InvokeEndpoint"], "arn:aws:sagemaker:us-east-1:123456789012:model/m"));

        Assert.Contains(violations, v => v.Contains("match none of its resource types", StringComparison.Ordinal));
    }

    [Fact]
    public void Violations_StarOnAnActionWithResourceTypes_IsReported()
    {
        var violations = Check(Statement(["sagemaker:InvokeEndpoint"], "*"));

        Assert.Contains(violations, v => v.Contains("supports resource types (endpoint, inference-component) but is granted on \"*\"", StringComparison.Ordinal));
    }

    [Fact]
    public void Violations_ActionUnknownToTheData_IsReportedUnlessListedWithItsSource()
    {
        Assert.Contains(Check(Statement(["sagemaker:InvokeEverything"], "*")), v => v.Contains("not in cfn-lint's Policies.json", StringComparison.Ordinal));
        Assert.Empty(Check(Statement(["sagemaker:CallWithBearerToken"], "*")));
        Assert.Contains(Check(Statement(["sagemaker:CallWithBearerToken"], "arn:aws:sagemaker:us-east-1:123456789012:endpoint/e")), v => v.Contains("grant it on \"*\" only", StringComparison.Ordinal));
    }

    [Fact]
    public void Violations_ResourceThatNoActionOfTheStatementUses_IsReported()
    {
        var violations = Check(Statement(["sagemaker:InvokeEndpoint"], "arn:aws:sagemaker:us-east-1:123456789012:endpoint/e", "arn:aws:s3:::bucket"));

        Assert.Contains(violations, v => v.Contains("resource arn:aws:s3:::bucket matches no resource type", StringComparison.Ordinal));
    }

    [Fact]
    public void Violations_ArnBuiltFromReferences_IsRenderedAndAccepted()
    {
        var statement = Statement(["s3:GetObject"], "placeholder");
        statement["Resource"] = JsonNode.Parse("""{"Fn::Join": ["", [{"Fn::GetAtt": ["Bucket", "Arn"]}, "/models/a/*"]]}""");
        var template = Template(statement);
        template["Resources"]!["Bucket"] = JsonNode.Parse("""{"Type": "AWS::S3::Bucket"}""");

        Assert.Empty(IamResourceTypes.Violations(template, "test"));
    }

    private static IReadOnlyList<string> Check(JsonObject statement) => IamResourceTypes.Violations(Template(statement), "test");

    private static JsonObject Template(JsonObject statement) => new()
    {
        ["Resources"] = new JsonObject
        {
            ["Policy"] = new JsonObject
            {
                ["Type"] = "AWS::IAM::Policy",
                ["Properties"] = new JsonObject { ["PolicyDocument"] = new JsonObject { ["Statement"] = new JsonArray(statement) } },
            },
        },
    };

    private static JsonObject Statement(string[] actions, params string[] resources) => new()
    {
        ["Effect"] = "Allow",
        ["Action"] = new JsonArray(actions.Select(a => (JsonNode)JsonValue.Create(a)!).ToArray()),
        ["Resource"] = new JsonArray(resources.Select(r => (JsonNode)JsonValue.Create(r)!).ToArray()),
    };
}
