using Amazon.CDK;
using Amazon.CDK.AWS.IAM;
using LlmHosting.Constructs.Sagemaker;

namespace LlmHosting.Constructs.Tests.Sagemaker;

public sealed class VllmImageTests
{
    [Theory]
    [InlineData("us-east-1", "763104351884.dkr.ecr.us-east-1.amazonaws.com/vllm:")]
    [InlineData("eu-central-1", "763104351884.dkr.ecr.eu-central-1.amazonaws.com/vllm:")]
    [InlineData("af-south-1", "626614931356.dkr.ecr.af-south-1.amazonaws.com/vllm:")]
    [InlineData("me-central-1", "914824155844.dkr.ecr.me-central-1.amazonaws.com/vllm:")]
    [InlineData("il-central-1", "780543022126.dkr.ecr.il-central-1.amazonaws.com/vllm:")]
    [InlineData("cn-north-1", "727897471807.dkr.ecr.cn-north-1.amazonaws.com.cn/vllm:")]
    public void ImageUri_KnownRegion_UsesThatRegionsRegistry(string region, string expectedPrefix)
    {
        var stack = TestStacks.New(region);
        Assert.Equal(expectedPrefix + VllmImage.DefaultDlcTag, VllmImage.Default.ImageUri(stack));
        Assert.Empty(VllmImage.Default.Problems(stack));
    }

    [Fact]
    public void DlcRegistryAccounts_HoldsTheWholeTable()
    {
        var accounts = VllmImage.DlcRegistryAccounts;
        Assert.Equal(26, accounts.Count);
        Assert.Equal(16, accounts.Values.Count(a => a == "763104351884"));
        Assert.Equal("871362719292", accounts["ap-east-1"]);
        Assert.Equal("364406365360", accounts["ap-northeast-3"]);
        Assert.Equal("692866216735", accounts["eu-south-1"]);
        Assert.Equal("380420809688", accounts["eu-central-2"]);
        Assert.Equal("217643126080", accounts["me-south-1"]);
        Assert.Equal("727897471807", accounts["cn-northwest-1"]);
    }

    [Fact]
    public void ImageUri_AgnosticStack_LooksUpTheAccountInAMappingAtDeployTime()
    {
        var stack = TestStacks.New(agnostic: true);
        var uri = VllmImage.FromDlcTag("0.27.1-gpu-py312-cu130-ubuntu22.04-sagemaker").ImageUri(stack);
        _ = new CfnOutput(stack, "Uri", new CfnOutputProps { Value = uri });
        var template = TestStacks.Json(stack);
        var resolved = template["Outputs"]!["Uri"]!["Value"]!.ToJsonString();
        Assert.Contains("{\"Fn::FindInMap\":[\"VllmDlcRegistryAccounts\",{\"Ref\":\"AWS::Region\"},\"account\"]}", resolved);
        Assert.Contains("{\"Ref\":\"AWS::URLSuffix\"}", resolved);
        Assert.Contains("/vllm:0.27.1-gpu-py312-cu130-ubuntu22.04-sagemaker", resolved);

        var mapping = template["Mappings"]!["VllmDlcRegistryAccounts"]!.AsObject();
        Assert.Equal(VllmImage.DlcRegistryAccounts.Count, mapping.Count);
        Assert.Equal("626614931356", (string)mapping["af-south-1"]!["account"]!);
        Assert.Equal("727897471807", (string)mapping["cn-north-1"]!["account"]!);
        Assert.Equal("763104351884", (string)mapping["us-west-2"]!["account"]!);
    }

    [Fact]
    public void Problems_RegionWithoutDlc_SuggestsOwnRepository()
    {
        var stack = TestStacks.New("us-gov-west-1");
        var problem = Assert.Single(VllmImage.Default.Problems(stack));
        Assert.Contains("not published in region us-gov-west-1", problem);
        Assert.Contains("VllmImage.FromEcrRepository", problem);
    }

    [Fact]
    public void FromDlcTag_InvalidTag_Throws()
    {
        var error = Assert.ThrowsAny<ArgumentException>(() => VllmImage.FromDlcTag("latest tag"));
        Assert.Contains("Invalid image tag 'latest tag'", error.Message);
    }

    [Fact]
    public void GrantPull_Dlc_PullsOnlyFromTheVllmRepositoryOfTheRegionsRegistry()
    {
        var stack = TestStacks.New("af-south-1");
        var role = new Role(stack, "Role", new RoleProps { AssumedBy = new ServicePrincipal("sagemaker.amazonaws.com") });
        VllmImage.Default.GrantPull(stack, role);
        var statements = TestStacks.PolicyStatements(TestStacks.Json(stack));

        var pull = Assert.Single(statements, s => (string?)s["Sid"] == "PullVllmImage");
        Assert.Equal(["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"], TestStacks.Actions(pull));
        Assert.Equal("arn:aws:ecr:af-south-1:626614931356:repository/vllm", (string)pull["Resource"]!);
        var token = Assert.Single(statements, s => (string?)s["Sid"] == "EcrAuthorizationToken");
        Assert.Equal("ecr:GetAuthorizationToken", (string)token["Action"]!);
        Assert.Equal("*", (string)token["Resource"]!);
    }

    [Fact]
    public void FromEcrRepository_UsesThatRepositoryAndPullsOnlyFromIt()
    {
        var stack = TestStacks.New("us-gov-west-1");
        var repository = new Amazon.CDK.AWS.ECR.Repository(stack, "Repo");
        var image = VllmImage.FromEcrRepository(repository, "my-vllm-1");
        Assert.Empty(image.Problems(stack));
        Assert.Null(image.DlcTag);
        var role = new Role(stack, "Role", new RoleProps { AssumedBy = new ServicePrincipal("sagemaker.amazonaws.com") });
        image.GrantPull(stack, role);
        _ = new CfnOutput(stack, "Uri", new CfnOutputProps { Value = image.ImageUri(stack) });
        var template = TestStacks.Json(stack);

        var repositoryId = TestStacks.Resources(template, "AWS::ECR::Repository").Single().Id;
        Assert.Contains(repositoryId, template["Outputs"]!["Uri"]!["Value"]!.ToJsonString());
        Assert.EndsWith(":my-vllm-1\"]]}", template["Outputs"]!["Uri"]!["Value"]!.ToJsonString(), StringComparison.Ordinal);
        var statements = TestStacks.PolicyStatements(template);
        var pull = Assert.Single(statements, s => TestStacks.Actions(s).Contains("ecr:BatchGetImage"));
        Assert.Contains(repositoryId, pull["Resource"]!.ToJsonString());
        Assert.DoesNotContain(statements, s => s["Resource"]!.ToJsonString().Contains("763104351884"));
    }
}
