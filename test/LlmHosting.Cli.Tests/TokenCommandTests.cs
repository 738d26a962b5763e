using System.Text;
using System.Web;

namespace LlmHosting.Cli.Tests;

public sealed class TokenCommandTests
{
    [Fact]
    public async Task Token_Defaults_PrintsATwelveHourSageMakerTokenForAwsRegion()
    {
        var (code, output, error) = await Cli.RunAsync(Cli.Dependencies(awsRegion: "ap-northeast-1"), "token");

        Assert.True(code == 0, error);
        var query = Decode(output.Trim(), "sagemaker-api-key-");
        Assert.StartsWith($"{Cli.AccessKey}/", query["X-Amz-Credential"]);
        Assert.EndsWith("/ap-northeast-1/sagemaker/aws4_request", query["X-Amz-Credential"]);
        Assert.Equal("43200", query["X-Amz-Expires"]);
        Assert.StartsWith("valid until ", error);
    }

    [Fact]
    public async Task Token_BedrockWithExpiry_PrintsABedrockKey()
    {
        var (code, output, error) = await Cli.RunAsync(Cli.Dependencies(), "token", "--service", "bedrock", "--region", "us-east-1", "--expires-in", "900");

        Assert.True(code == 0, error);
        var query = Decode(output.Trim(), "bedrock-api-key-");
        Assert.EndsWith("/us-east-1/bedrock/aws4_request", query["X-Amz-Credential"]);
        Assert.Equal("900", query["X-Amz-Expires"]);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("43201")]
    public async Task Token_ExpiryOutOfRange_ExitsWith2(string seconds)
    {
        var (code, output, error) = await Cli.RunAsync(Cli.Dependencies(), "token", "--region", "us-east-1", "--expires-in", seconds);

        Assert.Equal(2, code);
        Assert.Equal($"error: --expires-in {seconds} must be from 1 to 43200 seconds.{Environment.NewLine}", error);
        Assert.Empty(output);
    }

    private static System.Collections.Specialized.NameValueCollection Decode(string token, string prefix)
    {
        Assert.StartsWith(prefix, token);
        var url = Encoding.UTF8.GetString(Convert.FromBase64String(token[prefix.Length..]));
        return HttpUtility.ParseQueryString(url[(url.IndexOf('?') + 1)..]);
    }
}
