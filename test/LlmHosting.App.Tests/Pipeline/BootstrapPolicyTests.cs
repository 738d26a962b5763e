using System.Text.Json;
using System.Text.Json.Nodes;
using LlmHosting.App.Configuration;
using LlmHosting.App.Tests.Snapshots;
using LlmHosting.Tests.Shared;

namespace LlmHosting.App.Tests.Pipeline;

/// <summary>
/// The CloudFormation execution policies of cdk/bootstrap (README, Delivery pipeline: `cdk bootstrap
/// --cloudformation-execution-policies`), instead of AdministratorAccess: every resource type the stacks create belongs
/// to a service they allow, the services exist in the Service Authorization Reference (cfn-lint's Policies.json), and IAM
/// is allowed on the app's own roles only. Which actions each CloudFormation handler calls is not in the data here
/// (UNCONFIRMED): each service is allowed whole.
/// </summary>
[Collection(SynthesizedPipeline.Collection)]
public sealed class BootstrapPolicyTests(SynthesizedPipeline pipeline)
{
    // The IAM service prefix of each resource type the templates hold; a custom resource is a Lambda invocation.
    private static readonly Dictionary<string, string> Services = new(StringComparer.Ordinal)
    {
        ["ApplicationAutoScaling"] = "application-autoscaling", ["CloudWatch"] = "cloudwatch", ["CodeBuild"] = "codebuild",
        ["CodePipeline"] = "codepipeline", ["Events"] = "events", ["IAM"] = "iam", ["KMS"] = "kms", ["Lambda"] = "lambda",
        ["Logs"] = "logs", ["S3"] = "s3", ["SNS"] = "sns", ["SQS"] = "sqs", ["SSM"] = "ssm", ["SageMaker"] = "sagemaker",
        ["StepFunctions"] = "states",
    };

    [Fact]
    public void ExecutionPolicy_CoversEveryResourceTypeOfEveryEnvironment()
    {
        var templates = Directory.GetFiles(Path.Combine(Path.GetDirectoryName(SnapshotFile.Directory())!, "Snapshots"), "*.template.json")
            .Select(f => JsonNode.Parse(File.ReadAllText(f))!.AsObject());
        AssertCovers(Policy("execution-policy.json"), templates);
    }

    [Fact]
    public void ToolchainExecutionPolicy_CoversThePipelineAndItsSupportStack()
    {
        var templates = Directory.GetFiles(pipeline.Outdir, "*.template.json").Select(f => JsonNode.Parse(File.ReadAllText(f))!.AsObject()).ToList();
        Assert.Equal(2, templates.Count);
        AssertCovers(Policy("toolchain-execution-policy.json"), templates);
        Assert.Contains("codeconnections:PassConnection", Actions(Policy("toolchain-execution-policy.json")));
    }

    [Theory]
    [InlineData("execution-policy.json")]
    [InlineData("toolchain-execution-policy.json")]
    public void Policy_NoAdministratorAndIamOnlyOnTheAppsRoles(string file)
    {
        var policy = Policy(file);
        Assert.DoesNotContain("*", Actions(policy));
        Assert.DoesNotContain("iam:*", Actions(policy));
        foreach (var statement in policy["Statement"]!.AsArray())
        {
            if (Strings(statement!["Action"]).Any(a => a.StartsWith("iam:", StringComparison.Ordinal)))
            {
                Assert.All(Strings(statement["Resource"]), r => Assert.StartsWith("arn:aws:iam::*:role/", r));
                Assert.DoesNotContain("arn:aws:iam::*:role/*", Strings(statement["Resource"]));
            }
        }

        // The services named exist in the Service Authorization Reference.
        using var reference = JsonDocument.Parse(File.ReadAllBytes(IamResourceTypes.PoliciesJsonPath()));
        Assert.All(Actions(policy).Select(a => a.Split(':')[0]).Distinct(), s => Assert.True(reference.RootElement.TryGetProperty(s, out _), $"no service {s}"));
    }

    [Fact]
    public void RolePattern_MatchesTheStacksOfEveryEnvironmentAndThePipeline()
    {
        // CloudFormation names a role it names itself after its stack: <namePrefix>-storage-..., <name>-pipeline-...
        var environments = EnvironmentCatalog.Load(Repository.ConfigDirectory).Environments;
        Assert.All(environments, e => Assert.StartsWith("llm-", e.NamePrefix));
        Assert.StartsWith("llm-", pipeline.Config.StackName);
        Assert.StartsWith("llm-", pipeline.Config.CheckRoleName("dev"));
    }

    private static void AssertCovers(JsonObject policy, IEnumerable<JsonObject> templates)
    {
        var allowed = Actions(policy).ToHashSet(StringComparer.Ordinal);
        var types = templates.SelectMany(t => t["Resources"]!.AsObject().Select(r => (string)r.Value!["Type"]!)).Distinct().Order(StringComparer.Ordinal);
        foreach (var type in types.Where(t => t != "AWS::CDK::Metadata"))
        {
            // IAM is allowed action by action (on the app's roles), the rest service by service.
            var needed = type switch
            {
                _ when type.StartsWith("Custom::", StringComparison.Ordinal) => "lambda:InvokeFunction",
                "AWS::IAM::Role" => "iam:CreateRole",
                "AWS::IAM::Policy" => "iam:PutRolePolicy",
                _ => Services.TryGetValue(type.Split("::")[1], out var service) ? service + ":*" : throw new InvalidOperationException($"{type}: add its service to Services"),
            };
            Assert.True(allowed.Contains(needed) || allowed.Contains(needed.Split(':')[0] + ":*"), $"{type} needs {needed}, which the policy does not allow");
        }
    }

    private static JsonObject Policy(string file)
        => JsonNode.Parse(File.ReadAllText(Path.Combine(Repository.Root, "cdk", "bootstrap", file)))!.AsObject();

    private static IEnumerable<string> Actions(JsonObject policy) => policy["Statement"]!.AsArray().SelectMany(s => Strings(s!["Action"]));

    private static IEnumerable<string> Strings(JsonNode? node) => node is JsonArray array ? array.Select(n => (string)n!) : [(string)node!];
}
