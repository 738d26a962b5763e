using LlmHosting.Constructs.Access;

namespace LlmHosting.Constructs.Tests.Access;

/// <summary>
/// <see cref="InvokerRole.AdmitsRole"/>: whether the trust policy the props make lets a given role in, as IAM decides it
/// (named roles; trusted accounts only with the opt-in and a matching ArnLike pattern).
/// </summary>
public sealed class InvokerRoleAdmitsTests
{
    private const string Check = "arn:aws:iam::555555555555:role/llm-hosting-check-prod";

    [Fact]
    public void AdmitsRole_NamedRole_Admitted()
        => Assert.True(InvokerRole.AdmitsRole(new InvokerRoleProps { TrustedRoleArns = ["arn:aws:iam::444444444444:role/app", Check] }, Check));

    [Fact]
    public void AdmitsRole_OtherNamedRole_NotAdmitted()
        => Assert.False(InvokerRole.AdmitsRole(new InvokerRoleProps { TrustedRoleArns = ["arn:aws:iam::555555555555:role/llm-hosting-check-dev"] }, Check));

    [Fact]
    public void AdmitsRole_NamedInAnotherPartition_TheSameRole()
        => Assert.True(InvokerRole.AdmitsRole(new InvokerRoleProps { TrustedRoleArns = ["arn:aws-cn:iam::555555555555:role/llm-hosting-check-prod"] }, Check));

    [Theory]
    [InlineData("arn:aws:iam::555555555555:role/llm-hosting-check-*", true)]
    [InlineData("arn:aws:iam::555555555555:role/llm-hosting-check-pro?", true)]
    [InlineData("arn:aws:iam::555555555555:role/*", true)]
    [InlineData("arn:aws:iam::555555555555:role/ml-*", false)]
    [InlineData("arn:aws:iam::555555555555:user/*", false)]
    [InlineData("arn:aws:iam::55555555555?:role/*", true)]
    public void AdmitsRole_TrustedAccountAndPattern_AsArnLikeMatchesIt(string pattern, bool admitted)
        => Assert.Equal(admitted, InvokerRole.AdmitsRole(new InvokerRoleProps
        {
            TrustedAccountIds = ["555555555555"],
            TrustAccountRoots = true,
            TrustedPrincipalArnPatterns = [pattern],
        }, Check));

    [Fact]
    public void AdmitsRole_PatternWithoutTheOptIn_NotAdmitted()
        => Assert.False(InvokerRole.AdmitsRole(new InvokerRoleProps
        {
            TrustedAccountIds = ["555555555555"],
            TrustedPrincipalArnPatterns = ["arn:aws:iam::555555555555:role/*"],
        }, Check));

    [Fact]
    public void AdmitsRole_AccountNotTrusted_NotAdmitted()
        => Assert.False(InvokerRole.AdmitsRole(new InvokerRoleProps
        {
            TrustedAccountIds = ["111111111111"],
            TrustAccountRoots = true,
            TrustedPrincipalArnPatterns = ["arn:aws:iam::555555555555:role/*"],
        }, Check));

    [Fact]
    public void AdmitsRole_PrincipalTagAlsoRequired_NotKnownSoNotAdmitted()
        => Assert.False(InvokerRole.AdmitsRole(new InvokerRoleProps
        {
            TrustedAccountIds = ["555555555555"],
            TrustAccountRoots = true,
            TrustedPrincipalArnPatterns = ["arn:aws:iam::555555555555:role/*"],
            TrustedPrincipalTag = new PrincipalTagCondition { Key = "team", Value = "ml" },
        }, Check));
}
