using Amazon.CDK;
using Amazon.CDK.AWS.S3;
using LlmHosting.Constructs.Validation;

namespace LlmHosting.Constructs.Tests.Validation;

public sealed class TokensTests
{
    [Fact]
    public void IsUnresolved_EveryKindOfValueTheConstructsCheck_AgreesWithCdksTokenIsUnresolved()
    {
        var agnostic = new Stack(new App(), "Agnostic");
        var bucket = new Bucket(agnostic, "Bucket");
        var lazy = Lazy.String(new Producer());
        string[] values =
        [
            "",
            "llm-dev-gpt-oss-20b",
            "Token[not one]",
            "${not a token}",
            "model-2e3-x",
            "1.5",
            agnostic.Region,
            agnostic.Account,
            $"arn:{agnostic.Partition}:sagemaker:{agnostic.Region}:{agnostic.Account}:endpoint/x",
            bucket.BucketName,
            bucket.BucketArn,
            lazy,
            Fn.Join("-", ["a", agnostic.StackName]),
            Fn.Join(",", bucket.Node.Path is { } ? Fn.Split(",", agnostic.Region) : []),
            Duration.Minutes(5).ToString(),
            Duration.Minutes(Token.AsNumber(Fn.Ref("AWS::NoValue"))).ToString(),
            Duration.Hours(1).ToString(),
        ];

        Assert.All(values, value => Assert.Equal(Token.IsUnresolved(value), Tokens.IsUnresolved(value)));
        Assert.Contains(values, Token.IsUnresolved);
        Assert.Contains(values, v => !Token.IsUnresolved(v));
        Assert.False(Tokens.IsUnresolved(null));
    }

    private sealed class Producer : Amazon.JSII.Runtime.Deputy.DeputyBase, IStableStringProducer
    {
        public string? Produce() => "value";
    }
}
