using Amazon.CDK.AWS.IAM;
using LlmHosting.Constructs.Nag;

namespace LlmHosting.Constructs.Tests.Nag;

/// <summary>What the helper writes, judged by cdk-nag itself: scripts/nag over the synthesized template.</summary>
public sealed class NagSuppressionsEndToEndTests
{
    [Fact]
    public void Add_OnRole_IsHonouredByCdkNag_ForTheNamedAndTheMatchedFindingsOnly()
    {
        var stack = TestStacks.New();
        var role = new Role(stack, "Handler", new RoleProps { AssumedBy = new ServicePrincipal("lambda.amazonaws.com") });
        role.AddToPolicy(new PolicyStatement(new PolicyStatementProps { Actions = ["bedrock:CreateModelImportJob"], Resources = ["*"] }));
        role.AddToPolicy(new PolicyStatement(new PolicyStatementProps { Actions = ["s3:GetObject"], Resources = ["arn:aws:s3:::models/a/*"] }));
        role.AddToPolicy(new PolicyStatement(new PolicyStatementProps { Actions = ["s3:Get*"], Resources = ["arn:aws:s3:::models/a/config.json"] }));
        NagSuppressions.Add(role, "AwsSolutions-IAM5",
            "CreateModelImportJob supports no resource type, and reads stay under the model prefix (Service Authorization Reference).",
            "Resource::*", "/^Resource::arn:aws:s3:::models\\/a\\/.*$/");

        var file = Path.Combine(Path.GetTempPath(), $"nag-{Guid.NewGuid():N}.template.json");
        // Deliberately non-compliant (a wildcard action for cdk-nag to find), so not through TestStacks.Json's IAM check.
        File.WriteAllText(file, Newtonsoft.Json.JsonConvert.SerializeObject(Amazon.CDK.Assertions.Template.FromStack(stack).ToJSON()));
        try
        {
            var (exitCode, stdout, stderr) = NagScript.Run(file);

            Assert.True(exitCode == 1, stdout + stderr);
            Assert.Contains(": 1 error, 0 warnings, 2 suppressed, 0 rejected suppressions (", stdout);
            Assert.Contains(": Action::s3:Get*", stdout);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
