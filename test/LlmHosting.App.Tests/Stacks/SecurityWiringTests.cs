using System.Text.Json.Nodes;
using LlmHosting.App.Tests.Configuration;
using LlmHosting.App.Tests.Snapshots;

namespace LlmHosting.App.Tests.Stacks;

/// <summary>
/// Issue 14 in the app: each environment's invoker trust and session length, its log groups' retention and removal,
/// no role that may create log groups, and Hugging Face sources pinned where the environment is production-like.
/// </summary>
[Collection(SynthesizedApp.Collection)]
public sealed class SecurityWiringTests(SynthesizedApp app)
{
    [Fact]
    public void InvokerTrust_Dev_TrustsItsOwnAccountOnlyForPrincipalsMatchingThePattern()
    {
        var statement = Assert.Single(TrustStatements("dev"));
        Assert.Equal("arn:aws:iam::111111111111:root", Principal(statement));
        Assert.Equal(["arn:aws:iam::111111111111:role/ml-*"], statement["Condition"]!["ArnLike"]!["aws:PrincipalArn"]!.AsArray().Select(p => (string)p!));
    }

    [Theory]
    [InlineData("staging", "arn:aws:iam::222222222222:role/llm-client-staging")]
    [InlineData("prod", "arn:aws:iam::444444444444:role/chat-service-prod")] // a role of another account than prod's 333333333333
    public void InvokerTrust_StagingAndProd_TrustOneNamedRoleAndNoAccountRoot(string environment, string role)
    {
        var statement = Assert.Single(TrustStatements(environment));
        Assert.Equal(role, Principal(statement));
        Assert.Null(statement["Condition"]);
    }

    [Theory]
    [InlineData("dev")]
    [InlineData("staging")]
    [InlineData("prod")]
    public void InvokerSession_LastsAnHour_SoDoItsBearerTokens(string environment)
        => Assert.Equal(3600, (double)InvokerRole(environment)["MaxSessionDuration"]!);

    [Theory]
    [InlineData("dev", 7, "Delete")]
    [InlineData("staging", 30, "RetainExceptOnCreate")]
    [InlineData("prod", 365, "RetainExceptOnCreate")]
    public void LogGroups_EveryOneOfEveryStack_HasTheEnvironmentsRetentionAndRemoval(string environment, int days, string deletion)
    {
        foreach (var stack in new[] { "Storage", "Serving" })
        {
            var groups = app.Template(environment, stack)["Resources"]!.AsObject().Where(r => (string?)r.Value!["Type"] == "AWS::Logs::LogGroup").ToList();
            // Storage has a function (and its group) only where the bucket is emptied on deletion: dev.
            Assert.True(groups.Count > 0 || (stack == "Storage" && environment != "dev"), $"{environment}.{stack} declares no log group");
            Assert.All(groups, g => Assert.Equal((days, deletion), ((int)g.Value!["Properties"]!["RetentionInDays"]!, (string)g.Value!["DeletionPolicy"]!)));
        }
    }

    [Theory]
    [InlineData("dev")]
    [InlineData("staging")]
    [InlineData("prod")]
    public void Roles_NoneMayCreateLogGroupsOrCarriesAManagedPolicy(string environment)
    {
        foreach (var stack in new[] { "Storage", "Serving" })
        {
            var template = app.Templates[$"{environment}.{stack}.template.json"];
            Assert.DoesNotContain("logs:CreateLogGroup", template, StringComparison.Ordinal);
            Assert.DoesNotContain("AWSLambdaBasicExecutionRole", template, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void HuggingFaceSource_Dev_IsPinnedToTheConfiguredCommit()
    {
        var models = app.Template("dev")["Resources"]!.AsObject().Where(r => (string?)r.Value!["Type"] == "AWS::SageMaker::Model").ToList();
        var qwen = Assert.Single(models, m => m.Value!.ToJsonString().Contains("Qwen/Qwen3-4B", StringComparison.Ordinal));
        Assert.Equal("1cfa9a7208912126459214e8b04321603b3df60c", (string)qwen.Value!["Properties"]!["PrimaryContainer"]!["Environment"]!["SM_VLLM_REVISION"]!);
    }

    [Theory]
    [InlineData("\"trustedRoleArns\": [\"arn:aws:iam::123456789012:role/app\"]", "\"trustedAccountIds\": [\"123456789012\"]", "invoker.trustedAccountIds")]
    [InlineData("\"trustedRoleArns\": [\"arn:aws:iam::123456789012:role/app\"]", "\"trustedRoleArns\": [\"arn:aws:iam::123456789012:role/app\"], \"maxSessionHours\": 13", "invoker.maxSessionHours")]
    [InlineData("\"productionLike\": false", "\"productionLike\": true", "componentEndpoint.components[0].huggingFaceId")]
    public void Synth_UnsafeSetting_IsRefusedNamingItsKey(string find, string replace, string key)
    {
        Assert.Contains(find, Environment, StringComparison.Ordinal);
        var line = Assert.Single(ConfigErrors.OfSynth(Environment.Replace(find, replace, StringComparison.Ordinal)));
        Assert.StartsWith($"{ConfigErrors.Source}: {key}", line);
        ConfigErrors.AssertUserWords(line);
    }

    private const string Environment = """
        {
          "account": "123456789012", "region": "us-east-1", "namePrefix": "llm-test", "productionLike": false,
          "tags": { "owner": "ml-platform", "costCentre": "cc-42" },
          "invoker": { "trustedRoleArns": ["arn:aws:iam::123456789012:role/app"] },
          "componentEndpoint": {
            "name": "shared", "instanceType": "ml.g6e.12xlarge", "minInstances": 0, "maxInstances": 1,
            "components": [ { "name": "qwen3-4b", "model": "Qwen3-4B", "huggingFaceId": "Qwen/Qwen3-4B", "maxCopies": 1 } ]
          }
        }
        """;

    private JsonObject InvokerRole(string environment)
        => app.Template(environment)["Resources"]!.AsObject()
            .Single(r => r.Key.StartsWith("InvokerRole", StringComparison.Ordinal) && (string?)r.Value!["Type"] == "AWS::IAM::Role").Value!["Properties"]!.AsObject();

    private IEnumerable<JsonObject> TrustStatements(string environment)
        => InvokerRole(environment)["AssumeRolePolicyDocument"]!["Statement"]!.AsArray().Select(s => s!.AsObject());

    private static string Principal(JsonObject statement)
    {
        var aws = statement["Principal"]!["AWS"]!;
        return aws is JsonValue ? (string)aws! : string.Concat(aws["Fn::Join"]![1]!.AsArray().Select(p => p is JsonValue ? (string)p! : "aws"));
    }
}
