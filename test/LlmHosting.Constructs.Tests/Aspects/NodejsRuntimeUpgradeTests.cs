using Amazon.CDK;
using Amazon.CDK.AWS.Lambda;
using LlmHosting.Constructs.Aspects;
using LlmHosting.Constructs.Storage;

namespace LlmHosting.Constructs.Tests.Aspects;

public sealed class NodejsRuntimeUpgradeTests
{
    [Fact]
    public void Visit_CustomResourceProviderHandler_RaisesRuntimeAndDropsRedundantDependsOn()
    {
        var stack = TestStacks.New();
        _ = new ModelBucket(stack, "Weights", new ModelBucketProps { RemovalPolicy = RemovalPolicy.DESTROY, AutoDeleteObjects = true });
        Amazon.CDK.Aspects.Of(stack).Add(new NodejsRuntimeUpgrade());

        var template = TestStacks.Json(stack);
        var handler = template["Resources"]!.AsObject().Single(r => (string?)r.Value!["Type"] == "AWS::Lambda::Function").Value!;
        Assert.Equal("nodejs24.x", (string)handler["Properties"]!["Runtime"]!);
        Assert.Null(handler["DependsOn"]);
        Assert.NotNull(handler["Properties"]!["Role"]!["Fn::GetAtt"]);
    }

    [Fact]
    public void Visit_OldCfnFunction_IsRaised_NewerAndOtherRuntimesAreKept()
    {
        var stack = TestStacks.New();
        NewFunction(stack, "Old", "nodejs18.x");
        NewFunction(stack, "Newer", "nodejs24.x");
        NewFunction(stack, "Python", "python3.13");
        Amazon.CDK.Aspects.Of(stack).Add(new NodejsRuntimeUpgrade("nodejs22.x"));

        var runtimes = TestStacks.Resources(TestStacks.Json(stack), "AWS::Lambda::Function")
            .ToDictionary(f => f.Id, f => (string)f.Properties["Runtime"]!);
        Assert.Equal("nodejs22.x", runtimes["Old"]);
        Assert.Equal("nodejs24.x", runtimes["Newer"]);
        Assert.Equal("python3.13", runtimes["Python"]);
    }

    [Fact]
    public void Ctor_NotANodeRuntime_Throws()
    {
        var error = Assert.ThrowsAny<ArgumentException>(() => new NodejsRuntimeUpgrade("python3.13"));
        Assert.Contains("'python3.13' is not a Node.js Lambda runtime", error.Message);
    }

    private static void NewFunction(Stack stack, string id, string runtime)
        => _ = new CfnFunction(stack, id, new CfnFunctionProps
        {
            Runtime = runtime,
            Handler = "index.handler",
            Role = "arn:aws:iam::123456789012:role/r",
            Code = new CfnFunction.CodeProperty { ZipFile = "exports.handler = async () => {};" },
        });
}
