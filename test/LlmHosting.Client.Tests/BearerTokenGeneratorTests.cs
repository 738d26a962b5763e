using System.Text;
using System.Web;
using Amazon.Runtime;

namespace LlmHosting.Client.Tests;

public sealed class BearerTokenGeneratorTests
{
    private static readonly DateTimeOffset SignedAt = new(2026, 3, 14, 15, 9, 26, TimeSpan.Zero);

    public static TheoryData<string, string, long, int, bool> ReferenceCases => new()
    {
        { "sagemaker", "us-east-1", SignedAt.ToUnixTimeSeconds(), 43200, false },
        { "sagemaker", "eu-west-1", SignedAt.ToUnixTimeSeconds(), 43200, true },
        { "sagemaker", "ap-southeast-2", 1_700_000_000, 1, false },
        { "sagemaker", "us-west-2", 1_767_225_599, 3600, true },
        { "bedrock", "us-east-1", SignedAt.ToUnixTimeSeconds(), 43200, false },
        { "bedrock", "us-west-2", 1_700_000_000, 900, true },
    };

    [Theory]
    [MemberData(nameof(ReferenceCases))]
    public void Sign_SameInputs_MatchesBotocoreByteForByte(string service, string region, long unixSeconds, int expiresSeconds, bool session)
    {
        var kind = BearerTokenService.Of(service);
        var at = DateTimeOffset.FromUnixTimeSeconds(unixSeconds);
        var token = session ? TestCredentials.SessionToken : null;

        var expected = Botocore.Token(kind, region, at, expiresSeconds, TestCredentials.AccessKey, TestCredentials.SecretKey, token);
        var actual = BearerTokenGenerator.Sign(
            kind, new ImmutableCredentials(TestCredentials.AccessKey, TestCredentials.SecretKey, token), region, at, TimeSpan.FromSeconds(expiresSeconds));

        Assert.Equal(expected, actual.Value);
        Assert.Equal(at, actual.SignedAt);
        Assert.Equal(at.AddSeconds(expiresSeconds), actual.ExpiresAt);
        Assert.Equal(region, actual.Region);
    }

    [Fact]
    public async Task GenerateAsync_SessionCredentials_MatchesBotocoreAndSignsTheSessionToken()
    {
        var clock = new ManualClock(SignedAt.AddMilliseconds(750));
        var generator = new BearerTokenGenerator(new BearerTokenGeneratorOptions
        {
            Region = "eu-central-1",
            Credentials = new TestCredentials(TestCredentials.SessionToken),
            TimeProvider = clock,
        });

        var token = await generator.GenerateAsync();

        var expected = Botocore.Token(BearerTokenService.SageMaker, "eu-central-1", SignedAt, 43200,
            TestCredentials.AccessKey, TestCredentials.SecretKey, TestCredentials.SessionToken);
        Assert.Equal(expected, token.Value);
        var query = Decode(token.Value, "sagemaker-api-key-");
        Assert.Equal(TestCredentials.SessionToken, query["X-Amz-Security-Token"]);
        Assert.Equal("host", query["X-Amz-SignedHeaders"]);
        Assert.Equal("1", query["Version"]);
    }

    [Fact]
    public void Sign_SageMaker_IsAPresignedCallWithBearerTokenUrlOnTheGlobalHost()
    {
        var token = BearerTokenGenerator.Sign(BearerTokenService.SageMaker,
            new ImmutableCredentials(TestCredentials.AccessKey, TestCredentials.SecretKey, null), "us-east-2", SignedAt, TimeSpan.FromHours(1));

        var url = Encoding.UTF8.GetString(Convert.FromBase64String(token.Value["sagemaker-api-key-".Length..]));
        Assert.StartsWith("sagemaker.amazonaws.com/?Action=CallWithBearerToken&X-Amz-Algorithm=AWS4-HMAC-SHA256&", url);
        Assert.EndsWith("&Version=1", url);
        var query = Decode(token.Value, "sagemaker-api-key-");
        Assert.Equal("AKIDEXAMPLE/20260314/us-east-2/sagemaker/aws4_request", query["X-Amz-Credential"]);
        Assert.Equal("20260314T150926Z", query["X-Amz-Date"]);
        Assert.Equal("3600", query["X-Amz-Expires"]);
        Assert.Null(query["X-Amz-Security-Token"]);
    }

    [Fact]
    public void Sign_Bedrock_UsesTheBedrockHostServiceAndPrefix()
    {
        var token = BearerTokenGenerator.Sign(BearerTokenService.Bedrock,
            new ImmutableCredentials(TestCredentials.AccessKey, TestCredentials.SecretKey, null), "us-east-1", SignedAt, TimeSpan.FromHours(12));

        var url = Encoding.UTF8.GetString(Convert.FromBase64String(token.Value["bedrock-api-key-".Length..]));
        Assert.StartsWith("bedrock.amazonaws.com/?Action=CallWithBearerToken&", url);
        Assert.Equal("AKIDEXAMPLE/20260314/us-east-1/bedrock/aws4_request", Decode(token.Value, "bedrock-api-key-")["X-Amz-Credential"]);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.5)]
    [InlineData(43201.0)]
    [InlineData(-1.0)]
    public void Sign_ExpiryOutOfRangeOrFractional_Throws(double seconds)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => BearerTokenGenerator.Sign(BearerTokenService.SageMaker,
            new ImmutableCredentials("a", "b", null), "us-east-1", SignedAt, TimeSpan.FromSeconds(seconds)));
        Assert.Contains("from 1 second to 12 hours", error.Message);
    }

    [Fact]
    public async Task GenerateAsync_Defaults_TwelveHoursAndRegionFromAwsRegion()
    {
        var environment = new Dictionary<string, string?> { ["AWS_REGION"] = "ca-central-1", ["AWS_DEFAULT_REGION"] = "us-east-1" };
        var generator = new BearerTokenGenerator(
            new BearerTokenGeneratorOptions { Credentials = new TestCredentials(), TimeProvider = new ManualClock(SignedAt) },
            name => environment.GetValueOrDefault(name));

        var token = await generator.GenerateAsync();

        Assert.Equal("ca-central-1", token.Region);
        Assert.Equal(TimeSpan.FromHours(12), token.Lifetime);
        Assert.Equal("AKIDEXAMPLE/20260314/ca-central-1/sagemaker/aws4_request", Decode(token.Value, "sagemaker-api-key-")["X-Amz-Credential"]);
    }

    [Fact]
    public void Ctor_RegionFallsBackToAwsDefaultRegion()
    {
        var generator = new BearerTokenGenerator(new BearerTokenGeneratorOptions(), name => name == "AWS_DEFAULT_REGION" ? "sa-east-1" : null);

        Assert.Equal("sa-east-1", generator.Region);
    }

    [Fact]
    public void Ctor_InvalidOptions_ListsEveryProblem()
    {
        var error = Assert.Throws<ArgumentException>(() => new BearerTokenGenerator(
            new BearerTokenGeneratorOptions { Expiry = TimeSpan.FromHours(13) }, _ => null));

        Assert.StartsWith("Invalid BearerTokenGeneratorOptions: Region is not set and neither is the AWS_REGION environment variable; Expiry 13:00:00 must be from 1 second to 12 hours.", error.Message);
    }

    [Theory]
    [InlineData("US-EAST-1")]
    [InlineData("useast1")]
    [InlineData("https://runtime.sagemaker.us-east-1.amazonaws.com")]
    public void Ctor_MalformedRegion_Throws(string region)
    {
        var error = Assert.Throws<ArgumentException>(() => new BearerTokenGenerator(new BearerTokenGeneratorOptions { Region = region }, _ => null));

        Assert.Contains($"Region '{region}' is not an AWS region name such as us-east-1", error.Message);
    }

    [Fact]
    public async Task GenerateAsync_CredentialsExpireSooner_TokenExpiresWithThem()
    {
        var clock = new ManualClock(SignedAt.AddMilliseconds(400));
        var generator = new BearerTokenGenerator(new BearerTokenGeneratorOptions
        {
            Region = "us-east-1",
            Credentials = new TestCredentials(TestCredentials.SessionToken, expiration: SignedAt.AddMinutes(10).AddMilliseconds(300)),
            TimeProvider = clock,
        });

        var token = await generator.GenerateAsync();

        Assert.Equal(TimeSpan.FromMinutes(10), token.Lifetime);
        Assert.Equal("600", Decode(token.Value, "sagemaker-api-key-")["X-Amz-Expires"]);
        Assert.Equal(Botocore.Token(BearerTokenService.SageMaker, "us-east-1", SignedAt, 600,
            TestCredentials.AccessKey, TestCredentials.SecretKey, TestCredentials.SessionToken), token.Value);
    }

    [Fact]
    public async Task GenerateAsync_CredentialsOutliveTheExpiry_RequestedExpiryKept()
    {
        var generator = new BearerTokenGenerator(new BearerTokenGeneratorOptions
        {
            Region = "us-east-1",
            Expiry = TimeSpan.FromMinutes(15),
            Credentials = new TestCredentials(TestCredentials.SessionToken, expiration: SignedAt.AddHours(1)),
            TimeProvider = new ManualClock(SignedAt),
        });

        Assert.Equal(TimeSpan.FromMinutes(15), (await generator.GenerateAsync()).Lifetime);
    }

    [Fact]
    public async Task GenerateAsync_ClockMoves_TokenDatedByTheInjectedClock()
    {
        var clock = new ManualClock(SignedAt);
        var generator = new BearerTokenGenerator(new BearerTokenGeneratorOptions
        {
            Region = "us-east-1",
            Credentials = new TestCredentials(),
            TimeProvider = clock,
        });

        var first = await generator.GenerateAsync();
        clock.Advance(TimeSpan.FromDays(3));
        var second = await generator.GenerateAsync();

        Assert.Equal(SignedAt, first.SignedAt);
        Assert.Equal(SignedAt.AddDays(3), second.SignedAt);
        Assert.Equal("20260317T150926Z", Decode(second.Value, "sagemaker-api-key-")["X-Amz-Date"]);
    }

    [Theory]
    [InlineData(-60_000)]
    [InlineData(0)]
    [InlineData(999)]
    public async Task GenerateAsync_CredentialsExpiredOrWithinASecond_ThrowsCredentialsExpired(int expiresInMilliseconds)
    {
        var expiration = SignedAt.AddMilliseconds(expiresInMilliseconds);
        var generator = new BearerTokenGenerator(new BearerTokenGeneratorOptions
        {
            Region = "us-east-1",
            Credentials = new TestCredentials(TestCredentials.SessionToken, expiration),
            TimeProvider = new ManualClock(SignedAt),
        });

        var error = await Assert.ThrowsAsync<CredentialsExpiredException>(() => generator.GenerateAsync());
        Assert.Equal(expiration, error.ExpiredAt);
    }

    [Fact]
    public void Of_UnknownService_Throws()
    {
        var error = Assert.Throws<ArgumentException>(() => BearerTokenService.Of("s3"));
        Assert.StartsWith("Unknown bearer token service 's3'. Allowed: sagemaker, bedrock.", error.Message);
        Assert.Same(BearerTokenService.Bedrock, BearerTokenService.Of(" Bedrock "));
    }

    [Fact]
    public void ToString_DoesNotRevealTheToken()
    {
        var token = BearerTokenGenerator.Sign(BearerTokenService.SageMaker, new ImmutableCredentials("a", "b", null), "us-east-1", SignedAt, TimeSpan.FromHours(1));

        Assert.DoesNotContain(token.Value, token.ToString());
        Assert.DoesNotContain("sagemaker-api-key-", token.ToString());
    }

    internal static System.Collections.Specialized.NameValueCollection Decode(string token, string prefix)
    {
        Assert.StartsWith(prefix, token);
        var url = Encoding.UTF8.GetString(Convert.FromBase64String(token[prefix.Length..]));
        return HttpUtility.ParseQueryString(url[(url.IndexOf('?') + 1)..]);
    }
}
