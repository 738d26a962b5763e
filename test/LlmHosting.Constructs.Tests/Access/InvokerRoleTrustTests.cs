using System.Text.Json.Nodes;
using Amazon.CDK;
using LlmHosting.Constructs.Access;
using LlmHosting.Constructs.Validation;

namespace LlmHosting.Constructs.Tests.Access;

/// <summary>Who may assume the invoker role, per configuration, and every configuration that is refused.</summary>
public sealed class InvokerRoleTrustTests
{
    private const string Account = "210987654321";

    [Fact]
    public void Trust_AccountRootWithOptInAndPrincipalArnPattern_OnlyPrincipalsMatchingThePattern()
    {
        var trust = TrustStatements(new InvokerRoleProps
        {
            TrustedAccountIds = [Account],
            TrustAccountRoots = true,
            TrustedPrincipalArnPatterns = [$"arn:aws:iam::{Account}:role/ml-*"],
        });

        var statement = Assert.Single(trust);
        Assert.Contains($":iam::{Account}:root", statement["Principal"]!["AWS"]!.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal($"[\"arn:aws:iam::{Account}:role/ml-*\"]", statement["Condition"]!["ArnLike"]!["aws:PrincipalArn"]!.ToJsonString());
        Assert.Null(statement["Condition"]!["StringEquals"]);
    }

    [Fact]
    public void Trust_AccountRootWithOptInAndPrincipalTag_OnlyPrincipalsCarryingTheTag()
    {
        var trust = TrustStatements(new InvokerRoleProps
        {
            TrustedAccountIds = [Account],
            TrustAccountRoots = true,
            TrustedPrincipalTag = new PrincipalTagCondition { Key = "llm-invoker", Value = "chat" },
        });

        var statement = Assert.Single(trust);
        Assert.Equal("chat", (string)statement["Condition"]!["StringEquals"]!["aws:PrincipalTag/llm-invoker"]!);
        Assert.Null(statement["Condition"]!["ArnLike"]);
    }

    [Fact]
    public void Trust_NamedRolesAndANarrowedAccount_TwoStatements_TheConditionNarrowsTheAccountOnly()
    {
        var trust = TrustStatements(new InvokerRoleProps
        {
            TrustedRoleArns = ["arn:aws:iam::123456789012:role/chat-client"],
            TrustedAccountIds = [Account],
            TrustAccountRoots = true,
            TrustedPrincipalArnPatterns = [$"arn:aws:iam::{Account}:role/ml-*"],
            TrustedPrincipalTag = new PrincipalTagCondition { Key = "team", Value = "ml" },
        });

        Assert.Equal(2, trust.Count);
        var roles = Assert.Single(trust, s => s["Condition"] is null);
        Assert.Equal("arn:aws:iam::123456789012:role/chat-client", (string)roles["Principal"]!["AWS"]!);
        var account = Assert.Single(trust, s => s["Condition"] is not null);
        Assert.Contains($":iam::{Account}:root", account["Principal"]!["AWS"]!.ToJsonString(), StringComparison.Ordinal);
        // Both conditions in one statement: a principal must match the pattern and carry the tag.
        Assert.NotNull(account["Condition"]!["ArnLike"]!["aws:PrincipalArn"]);
        Assert.Equal("ml", (string)account["Condition"]!["StringEquals"]!["aws:PrincipalTag/team"]!);
    }

    [Theory]
    [InlineData(null, 3600)]
    [InlineData(12.0, 43200)]
    [InlineData(1.5, 5400)]
    public void MaxSessionDuration_DefaultsToOneHour_AndTakesUpToTwelve(double? hours, double seconds)
    {
        var stack = TestStacks.New();
        _ = new InvokerRole(stack, "Invoker", new InvokerRoleProps
        {
            TrustedRoleArns = ["arn:aws:iam::123456789012:role/chat-client"],
            MaxSessionDuration = hours is { } h ? Duration.Minutes(h * 60) : null,
        });

        var (_, role) = Assert.Single(TestStacks.Resources(TestStacks.Json(stack), "AWS::IAM::Role"));
        Assert.Equal(seconds, (double)role["MaxSessionDuration"]!);
    }

    [Fact]
    public void Ctor_NoPrincipal_IsRefused()
        => Assert.Equal(
            "Invalid InvokerRoleProps: no trusted principal: name the roles that may assume the role in TrustedRoleArns (or accounts in TrustedAccountIds).",
            Refused(new InvokerRoleProps()).Message);

    [Fact]
    public void Ctor_AccountWithoutOptIn_IsRefused_EvenWithACondition()
    {
        var error = Refused(new InvokerRoleProps { TrustedAccountIds = [Account], TrustedPrincipalArnPatterns = [$"arn:aws:iam::{Account}:role/ml-*"] });

        var problem = Assert.Single(error.Problems);
        Assert.Equal("TrustedAccountIds", problem.Property);
        Assert.Equal($"TrustedAccountIds {Account} would trust the account root, that is every principal of the account allowed to call sts:AssumeRole; name roles in TrustedRoleArns, or set TrustAccountRoots to true and narrow the trust with TrustedPrincipalArnPatterns or TrustedPrincipalTag", problem.Render());
        // An app names the property in its own vocabulary.
        Assert.StartsWith("invoker.trustedAccountIds ", problem.Render(p => "invoker." + char.ToLowerInvariant(p[0]) + p[1..]), StringComparison.Ordinal);
    }

    [Fact]
    public void Ctor_OptInWithoutCondition_IsRefused()
    {
        var problem = Assert.Single(Refused(new InvokerRoleProps { TrustedAccountIds = [Account], TrustAccountRoots = true }).Problems);

        Assert.Equal("TrustAccountRoots", problem.Property);
        Assert.Equal("TrustAccountRoots is true but neither TrustedPrincipalArnPatterns nor TrustedPrincipalTag is set: an account root is trusted only with a condition that narrows it to some principals", problem.Render());
    }

    [Fact]
    public void Ctor_ConditionWithoutAccounts_IsRefused()
    {
        var problem = Assert.Single(Refused(new InvokerRoleProps
        {
            TrustedRoleArns = ["arn:aws:iam::123456789012:role/chat-client"],
            TrustedPrincipalTag = new PrincipalTagCondition { Key = "team", Value = "ml" },
        }).Problems);

        Assert.Equal("TrustedPrincipalTag is set but TrustedAccountIds is empty: it applies to trusted accounts only", problem.Render());
    }

    [Fact]
    public void Ctor_InvalidValues_NameEveryProblemAtOnce()
    {
        var error = Refused(new InvokerRoleProps
        {
            TrustedRoleArns = ["arn:aws:iam::123456789012:user/alice"],
            TrustedAccountIds = ["1234", Account],
            TrustAccountRoots = true,
            TrustedPrincipalArnPatterns = ["arn:aws:iam::*:role/x", "arn:aws:iam::111111111111:role/ml-*"],
            TrustedPrincipalTag = new PrincipalTagCondition { Key = "aws:team", Value = new string('v', 257) },
            MaxSessionDuration = Duration.Hours(13),
        });

        Assert.Equal(
            [
                "TrustedRoleArns 'arn:aws:iam::123456789012:user/alice' is not an IAM role ARN (arn:aws:iam::<account>:role/<name>)",
                "TrustedAccountIds '1234' is not a 12-digit AWS account id",
                "TrustedPrincipalArnPatterns 'arn:aws:iam::*:role/x' is not a principal ARN pattern of one account (arn:aws:iam::<account>:role/<name or pattern>, or :user/)",
                "TrustedPrincipalArnPatterns 'arn:aws:iam::111111111111:role/ml-*' names account 111111111111, which is not in TrustedAccountIds: it would match no trusted principal",
                "TrustedPrincipalTag.Key 'aws:team' is not an IAM tag key (1-128 letters, digits, spaces and _ . : / = + - @, not starting with aws:)",
                $"TrustedPrincipalTag.Value '{new string('v', 257)}' is not an IAM tag value (0-256 letters, digits, spaces and _ . : / = + - @)",
                "MaxSessionDuration is 13 hours; IAM accepts whole seconds from 1 to 12 hours",
            ],
            error.Problems.Select(p => p.Render()));
    }

    [Theory]
    [InlineData(59)]
    [InlineData(721)]
    public void Ctor_SessionOutsideIamLimits_IsRefused(int minutes)
        => Assert.Contains(
            "MaxSessionDuration is " + Duration.Minutes(minutes).ToHumanString() + "; IAM accepts whole seconds from 1 to 12 hours",
            Refused(new InvokerRoleProps { TrustedRoleArns = ["arn:aws:iam::123456789012:role/c"], MaxSessionDuration = Duration.Minutes(minutes) }).Message,
            StringComparison.Ordinal);

    private static List<JsonObject> TrustStatements(InvokerRoleProps props)
    {
        var stack = TestStacks.New();
        _ = new InvokerRole(stack, "Invoker", props);
        var (_, role) = Assert.Single(TestStacks.Resources(TestStacks.Json(stack), "AWS::IAM::Role"));
        var statements = role["AssumeRolePolicyDocument"]!["Statement"]!.AsArray().Select(s => s!.AsObject()).ToList();
        Assert.All(statements, s => Assert.Equal("sts:AssumeRole", (string)s["Action"]!));
        return statements;
    }

    private static PropsValidationException Refused(InvokerRoleProps props)
        => Assert.Throws<PropsValidationException>(() => new InvokerRole(TestStacks.New(), "Invoker", props));
}
