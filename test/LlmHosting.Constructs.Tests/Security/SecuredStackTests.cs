using System.Text.Json.Nodes;
using LlmHosting.Constructs.Tests.Nag;

namespace LlmHosting.Constructs.Tests.Security;

/// <summary>What holds for every resource of a stack built from the constructs, whatever construct made it.</summary>
public sealed class SecuredStackTests(SecuredStackFixture fixture) : IClassFixture<SecuredStackFixture>
{
    private JsonObject Resources => fixture.Template["Resources"]!.AsObject();

    [Fact]
    public void EveryLambdaFunction_WritesToALogGroupDeclaredInTheStack_WithRetention()
    {
        var functions = TestStacks.Resources(fixture.Template, "AWS::Lambda::Function");
        // Handlers of the weights gate, the endpoint scaling and the import (1 + 1 + 2), CDK's framework functions of
        // their providers (1 + 1 + 3), and the bucket's auto-delete function.
        Assert.Equal(10, functions.Count);
        Assert.All(functions, f =>
        {
            var reference = f.Properties["LoggingConfig"]?["LogGroup"]?["Ref"];
            Assert.True(reference is not null, $"{f.Id} has no declared log group: {f.Properties["LoggingConfig"]?.ToJsonString()}");
            var group = Resources[(string)reference!]!;
            Assert.Equal("AWS::Logs::LogGroup", (string)group["Type"]!);
            Assert.Equal(30, (double)group["Properties"]!["RetentionInDays"]!);
        });
    }

    [Fact]
    public void EveryLogGroup_HasRetention_AndSageMakerOnesHaveTheNamesSageMakerWritesTo()
    {
        var groups = TestStacks.Resources(fixture.Template, "AWS::Logs::LogGroup");

        Assert.All(groups, g => Assert.Equal(30, (double)g.Properties["RetentionInDays"]!));
        Assert.Equal(
            [
                "/aws/sagemaker/Endpoints/llm-test-gpt-oss-120b",
                "/aws/sagemaker/Endpoints/llm-test-shared",
                "/aws/sagemaker/InferenceComponents/llm-test-shared-gpt-oss-20b",
                "/aws/sagemaker/InferenceComponents/llm-test-shared-qwen3-4b",
            ],
            groups.Select(g => g.Properties["LogGroupName"]).OfType<JsonValue>().Select(n => (string)n!).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void NoRole_HoldsAnAwsManagedPolicy_AndNoPolicyGrantsLogsCreateLogGroup()
    {
        var roles = TestStacks.Resources(fixture.Template, "AWS::IAM::Role");
        Assert.All(roles, r => Assert.Null(r.Properties["ManagedPolicyArns"]));
        Assert.Empty(TestStacks.Resources(fixture.Template, "AWS::IAM::ManagedPolicy"));

        var inline = roles.SelectMany(r => r.Properties["Policies"]?.AsArray() ?? [])
            .SelectMany(p => p!["PolicyDocument"]!["Statement"]!.AsArray()).Select(s => s!.AsObject());
        var actions = TestStacks.PolicyStatements(fixture.Template).Concat(inline).SelectMany(TestStacks.Actions).ToList();
        Assert.Contains("logs:PutLogEvents", actions);
        Assert.DoesNotContain("logs:CreateLogGroup", actions);
    }

    [Fact]
    public void SageMakerEndpointsAndComponents_AreCreatedAfterTheirLogGroups()
    {
        foreach (var type in new[] { "AWS::SageMaker::Endpoint", "AWS::SageMaker::InferenceComponent" })
        {
            Assert.All(TestStacks.Resources(fixture.Template, type), r =>
            {
                var dependsOn = Resources[r.Id]!["DependsOn"]!.AsArray().Select(d => (string)d!);
                Assert.Contains(dependsOn, d => (string?)Resources[d]?["Type"] == "AWS::Logs::LogGroup");
            });
        }
    }

    [Fact]
    public void WaiterStateMachine_LogsEveryEventToADeclaredGroup_WithoutTheEventsData()
    {
        var (_, machine) = Assert.Single(TestStacks.Resources(fixture.Template, "AWS::StepFunctions::StateMachine"));
        var logging = machine["LoggingConfiguration"]!;

        Assert.Equal("ALL", (string)logging["Level"]!);
        Assert.False((bool)logging["IncludeExecutionData"]!);
        var group = (string)logging["Destinations"]![0]!["CloudWatchLogsLogGroup"]!["LogGroupArn"]!["Fn::GetAtt"]![0]!;
        Assert.StartsWith("/aws/vendedlogs/states/waiter-state-machine-", Resources[group]!["Properties"]!["LogGroupName"]!["Fn::Join"]![1]![0]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public void ExecutionRoles_GrantOnStarOnlyTheActionsTheirSuppressionNames()
    {
        var roleIds = TestStacks.Resources(fixture.Template, "AWS::IAM::Role").Where(r => r.Id.Contains("ExecutionRole", StringComparison.Ordinal)).Select(r => r.Id).ToList();
        Assert.Equal(2, roleIds.Count);
        var star = TestStacks.Resources(fixture.Template, "AWS::IAM::Policy")
            .Where(p => p.Properties["Roles"]!.AsArray().Any(r => roleIds.Contains((string)r!["Ref"]!)))
            .SelectMany(p => p.Properties["PolicyDocument"]!["Statement"]!.AsArray().Select(s => s!.AsObject()))
            .Where(s => s["Resource"]!.ToJsonString() == "\"*\"")
            .SelectMany(TestStacks.Actions)
            .Distinct()
            .Order(StringComparer.Ordinal);

        // ExecutionRoles' suppression of Resource::* names exactly these (Service Authorization Reference: no resource type).
        Assert.Equal(["cloudwatch:PutMetricData", "ecr:GetAuthorizationToken"], star);
    }

    [Fact]
    public void CdkNag_AwsSolutions_ReportsNoUnsuppressedErrorAndRejectsNoSuppression()
    {
        var file = fixture.WriteTemplate();
        try
        {
            var (exitCode, stdout, stderr) = NagScript.Run("--warnings", file);

            Assert.True(exitCode == 0, stdout + stderr);
            Assert.Matches(@": 0 errors, 0 warnings, \d+ suppressed, 0 rejected suppressions \(", stdout);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
