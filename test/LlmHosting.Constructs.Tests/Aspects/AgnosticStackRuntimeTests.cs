using System.Text.Json.Nodes;
using Amazon.CDK;
using LlmHosting.Constructs.Aspects;
using LlmHosting.Constructs.Bedrock;
using LlmHosting.Constructs.Storage;

namespace LlmHosting.Constructs.Tests.Aspects;

/// <summary>
/// The stack <c>cdk init</c> makes has no account or region, so CDK 2.160 writes its Node.js runtime as an
/// <c>Fn::FindInMap</c> over a <c>LatestNodeRuntimeMap</c> mapping whose values are <c>nodejs20.x</c> (cfn-lint's
/// LmbdRuntimeLifecycle.json: created no more since 2026-06-01). These tests read the whole template as text, so a
/// retired runtime left in a mapping fails them as surely as one on a function.
/// </summary>
public sealed class AgnosticStackRuntimeTests
{
    private static readonly string[] Retired = ["nodejs20.x", "nodejs18.x", "nodejs16.x"];

    [Fact]
    public void BedrockModelImport_AgnosticStackWithoutAspect_HasNoRetiredNodeRuntimeAnywhere()
    {
        var stack = TestStacks.New(agnostic: true);
        NewImport(stack);

        var template = TestStacks.Json(stack);

        AssertNoRetiredRuntime(template);
        var nodeFunctions = NodeRuntimes(template);
        // The import's Provider (onEvent, isComplete, onTimeout) and the weights gate's Provider (onEvent).
        Assert.Equal(4, nodeFunctions.Count);
        Assert.All(nodeFunctions, r => Assert.Equal(NodejsRuntimeUpgrade.DefaultRuntime, r));
        // The mapping the Providers made CDK add is gone with its readers, and nothing refers to it.
        Assert.Null(template["Mappings"]);
        Assert.DoesNotContain("Fn::FindInMap", template.ToJsonString());
    }

    [Fact]
    public void BedrockModelImport_StackInARegionWithoutAspect_HasNoRetiredNodeRuntime()
    {
        var stack = TestStacks.New();
        NewImport(stack);

        var template = TestStacks.Json(stack);

        AssertNoRetiredRuntime(template);
        Assert.Equal(4, NodeRuntimes(template).Count);
    }

    [Fact]
    public void AutoDeleteObjects_AgnosticStackWithAspect_RaisesTheRuntimeMapping()
    {
        var stack = TestStacks.New(agnostic: true);
        // CDK's own auto-delete function comes first here, so the mapping exists before the library's Providers.
        _ = new ModelBucket(stack, "Weights", new ModelBucketProps { RemovalPolicy = RemovalPolicy.DESTROY, AutoDeleteObjects = true });
        NewImport(stack, new ModelBucket(stack, "Other"));
        Amazon.CDK.Aspects.Of(stack).Add(new NodejsRuntimeUpgrade());

        var template = TestStacks.Json(stack);

        AssertNoRetiredRuntime(template);
        // The auto-delete function still reads the mapping (a token the aspect cannot replace with a literal) ...
        var autoDelete = template["Resources"]!.AsObject()
            .Single(r => (string?)r.Value!["Type"] == "AWS::Lambda::Function" && r.Key.StartsWith("CustomS3AutoDeleteObjects", StringComparison.Ordinal));
        Assert.Equal(NodejsRuntimeUpgrade.DefaultRuntime, (string)autoDelete.Value!["Properties"]!["Runtime"]!);
        // ... and every value of the mapping names the raised runtime.
        var mapping = Assert.Single(template["Mappings"]!.AsObject());
        Assert.All(mapping.Value!.AsObject(), region => Assert.Equal(NodejsRuntimeUpgrade.DefaultRuntime, (string)region.Value!["value"]!));
    }

    [Fact]
    public void AutoDeleteObjects_TargetPartitionsContext_RaisesRowsWithoutAddingRegions()
    {
        // With target partitions, CDK writes rows for those partitions only; raising them must not add the others.
        // (aws alone would give no mapping: one value for every region is written as a literal.)
        var app = new App(new AppProps { Context = new Dictionary<string, object> { ["@aws-cdk/core:target-partitions"] = new[] { "aws", "aws-cn" } } });
        var stack = new Stack(app, "Test");
        _ = new ModelBucket(stack, "Weights", new ModelBucketProps { RemovalPolicy = RemovalPolicy.DESTROY, AutoDeleteObjects = true });
        Amazon.CDK.Aspects.Of(stack).Add(new NodejsRuntimeUpgrade());

        var template = TestStacks.Json(stack);

        AssertNoRetiredRuntime(template);
        var rows = Assert.Single(template["Mappings"]!.AsObject()).Value!.AsObject();
        Assert.Contains("us-east-1", rows.Select(r => r.Key));
        Assert.Contains("cn-north-1", rows.Select(r => r.Key));
        Assert.DoesNotContain(rows, r => r.Key.StartsWith("us-gov-", StringComparison.Ordinal) || r.Key.StartsWith("us-iso", StringComparison.Ordinal));
    }

    [Fact]
    public void AutoDeleteObjects_AgnosticStackWithoutAspect_KeepsCdksRetiredRuntime()
    {
        // The oracle of the test above: without the aspect, CDK's own function in an agnostic stack does carry a retired
        // runtime (a plain CDK bucket: the library's own buckets set the runtime of that function themselves).
        var stack = TestStacks.New(agnostic: true);
        _ = new Amazon.CDK.AWS.S3.Bucket(stack, "Weights", new Amazon.CDK.AWS.S3.BucketProps { RemovalPolicy = RemovalPolicy.DESTROY, AutoDeleteObjects = true });

        var text = TestStacks.Json(stack).ToJsonString();

        Assert.Contains("nodejs20.x", text);
        Assert.Contains("Fn::FindInMap", text);
    }

    private static void NewImport(Stack stack, IModelBucket? bucket = null)
        => _ = new BedrockModelImport(stack, "GptOss20b", new BedrockModelImportProps
        {
            ModelBucket = bucket ?? new ModelBucket(stack, "Weights"),
            ModelPrefix = "models/gpt-oss-20b/",
            ModelName = "gpt-oss-20b",
        });

    private static void AssertNoRetiredRuntime(JsonObject template)
    {
        var text = template.ToJsonString();
        Assert.All(Retired, runtime => Assert.DoesNotContain(runtime, text));
    }

    private static List<string> NodeRuntimes(JsonObject template)
        => TestStacks.Resources(template, "AWS::Lambda::Function")
            .Select(f => f.Properties["Runtime"]!.ToJsonString().Trim('"'))
            .Where(r => !r.StartsWith("dotnet", StringComparison.Ordinal))
            .ToList();
}
