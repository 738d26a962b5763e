using System.Text.Json.Nodes;
using LlmHosting.App.Tests.Snapshots;

namespace LlmHosting.App.Tests.Stacks;

/// <summary>
/// What every resource of every environment leaves behind. A kept resource is kept on update and delete but not when
/// the stack operation that created it rolls back (<c>DeletionPolicy: RetainExceptOnCreate</c>): with <c>Retain</c>, a
/// failed first deployment keeps the fixed-name log groups and bucket, and deploying again fails with "already exists"
/// (CloudFormation user guide, DeletionPolicy attribute; AWS-FACTS.md, "Added 2026-12-07"). UpdateReplacePolicy has no
/// RetainExceptOnCreate value (Delete, Retain or Snapshot, cfn-lint's schema): a kept resource that is replaced keeps the
/// old one. dev destroys everything with its stacks.
/// </summary>
[Collection(SynthesizedApp.Collection)]
public sealed class RemovalPolicyTests(SynthesizedApp app)
{
    private static readonly string[] Stacks = ["Storage", "Serving"];

    public static TheoryData<string> EnvironmentNames() => SnapshotTests.EnvironmentNames();

    [Theory]
    [MemberData(nameof(EnvironmentNames))]
    public void KeptResources_AreKeptOnUpdateAndDelete_ButNotOnAFailedCreate(string environment)
    {
        foreach (var stack in Stacks)
        {
            foreach (var (id, resource) in Resources(environment, stack).Where(r => Policy(r.Value, "DeletionPolicy") != "Delete"))
            {
                Assert.True(Policy(resource, "DeletionPolicy") == "RetainExceptOnCreate",
                    $"{environment}/{stack} {id} ({Type(resource)}): DeletionPolicy {Policy(resource, "DeletionPolicy")}; a failed create would keep it");
                Assert.True(Policy(resource, "UpdateReplacePolicy") == "Retain",
                    $"{environment}/{stack} {id}: UpdateReplacePolicy {Policy(resource, "UpdateReplacePolicy")}");
            }
        }
    }

    [Theory]
    [InlineData("staging")]
    [InlineData("prod")]
    public void NamedResources_OfRetainingEnvironments_AreEachKeptExceptOnCreate(string environment)
    {
        // Every resource whose physical name the template fixes: these are the ones that block a retry when kept.
        var named = Stacks.SelectMany(stack => Resources(environment, stack).Select(r => (Stack: stack, r.Key, r.Value)))
            .Where(r => FixedName(r.Value) is not null)
            .ToList();
        var kept = named.Where(r => Policy(r.Value, "DeletionPolicy") != "Delete").Select(r => FixedName(r.Value)!).Order(StringComparer.Ordinal).ToList();

        var expected = environment == "prod"
            ? new[]
            {
                "/aws/sagemaker/Endpoints/llm-prod-gpt-oss-120b", "/aws/sagemaker/Endpoints/llm-prod-shared",
                "/aws/sagemaker/InferenceComponents/llm-prod-shared-gpt-oss-20b", "/aws/sagemaker/InferenceComponents/llm-prod-shared-qwen3-4b",
                "llm-prod-models-333333333333-us-east-1",
            }
            : ["/aws/sagemaker/Endpoints/llm-staging-gpt-oss-20b", "llm-staging-models-222222222222-us-east-1"];
        Assert.Equal(expected, kept);
        Assert.All(named.Where(r => Policy(r.Value, "DeletionPolicy") != "Delete"),
            r => Assert.Equal("RetainExceptOnCreate", Policy(r.Value, "DeletionPolicy")));
    }

    [Fact]
    public void Dev_DestroysEveryResource_TheOperationsKeyIncluded()
    {
        var kept = Stacks.SelectMany(stack => Resources("dev", stack).Where(r => Policy(r.Value, "DeletionPolicy") != "Delete").Select(r => $"{stack} {r.Key} ({Type(r.Value)})")).ToList();

        Assert.True(kept.Count == 0, "dev keeps: " + string.Join(", ", kept));
        var key = Assert.Single(Resources("dev", "Serving"), r => Type(r.Value) == "AWS::KMS::Key").Value;
        Assert.Equal(7, (int)key["Properties"]!["PendingWindowInDays"]!);
    }

    [Theory]
    [InlineData("staging")]
    [InlineData("prod")]
    public void OperationsKey_OfRetainingEnvironments_IsKeptExceptOnCreate(string environment)
    {
        var key = Assert.Single(Resources(environment, "Serving"), r => Type(r.Value) == "AWS::KMS::Key").Value;

        Assert.Equal("RetainExceptOnCreate", Policy(key, "DeletionPolicy"));
        Assert.Null(key["Properties"]!["PendingWindowInDays"]);
    }

    private IEnumerable<KeyValuePair<string, JsonObject>> Resources(string environment, string stack)
        => app.Template(environment, stack)["Resources"]!.AsObject().Select(r => new KeyValuePair<string, JsonObject>(r.Key, r.Value!.AsObject()));

    // CloudFormation's default for both attributes is Delete.
    private static string Policy(JsonObject resource, string attribute) => (string?)resource[attribute] ?? "Delete";

    private static string Type(JsonObject resource) => (string)resource["Type"]!;

    private static string? FixedName(JsonObject resource)
        => resource["Properties"]?["LogGroupName"] is JsonValue logGroup ? (string?)logGroup
            : resource["Properties"]?["BucketName"] is JsonValue bucket && Type(resource) == "AWS::S3::Bucket" ? (string?)bucket
            : null;
}
