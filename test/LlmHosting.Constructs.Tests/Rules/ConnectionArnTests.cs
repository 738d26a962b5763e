using System.Text.Json;
using System.Text.RegularExpressions;
using LlmHosting.Constructs.Rules;

namespace LlmHosting.Constructs.Tests.Rules;

/// <summary>
/// <see cref="AwsNames.IsConnectionArn"/> against the reference: the connection ARN formats of codestar-connections and
/// codeconnections in the Service Authorization Reference, as cfn-lint's Policies.json ships them.
/// </summary>
public sealed class ConnectionArnTests
{
    private static readonly Lazy<IReadOnlyDictionary<string, Regex>> Formats = new(LoadFormats);

    [Theory]
    [InlineData("arn:aws:codestar-connections:us-east-1:222222222222:connection/7d2469ff-514a-4e4f-9003-5ca4a43cdc41")]
    [InlineData("arn:aws:codeconnections:eu-west-1:555555555555:connection/0b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d")]
    [InlineData("arn:aws-cn:codeconnections:cn-north-1:555555555555:connection/0b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d")]
    public void IsConnectionArn_ConnectionOfEitherService_IsAcceptedAndIsTheReferencesConnectionType(string arn)
    {
        Assert.True(AwsNames.IsConnectionArn(arn));
        Assert.Matches(Formats.Value[arn.Split(':')[2]], arn);
    }

    [Theory]
    [InlineData("arn:aws:codestar-connections:us-east-1:222222222222:host/my-ghes-1a2b3c")]
    [InlineData("arn:aws:codeconnections:us-east-1:222222222222:repository-link/0b1c2d3e")]
    public void IsConnectionArn_HostOrRepositoryLink_IsRefusedAndIsNoConnectionForTheReference(string arn)
    {
        Assert.False(AwsNames.IsConnectionArn(arn));
        Assert.DoesNotMatch(Formats.Value[arn.Split(':')[2]], arn);
    }

    [Theory]
    [InlineData("arn:aws:codeconnections:us-east-1:222222222222:connection/")]
    [InlineData("arn:aws:codeconnections:moon-1:222222222222:connection/0b1c2d3e")]
    [InlineData("arn:aws:codeconnections:us-east-1:22222222222:connection/0b1c2d3e")]
    [InlineData("arn:aws:codecommit:us-east-1:222222222222:connection/0b1c2d3e")]
    [InlineData("arn:aws:codeconnections:us-east-1:222222222222:connection/a/b")]
    [InlineData("")]
    public void IsConnectionArn_Malformed_IsRefused(string arn) => Assert.False(AwsNames.IsConnectionArn(arn));

    [Fact]
    public void IsConnectionArn_LongerThanTheApisLimit_IsRefused()
        => Assert.False(AwsNames.IsConnectionArn("arn:aws:codeconnections:us-east-1:222222222222:connection/" + new string('a', 200)));

    // The connection resource type's ARN format of each service, ${...} placeholders as in the data.
    private static IReadOnlyDictionary<string, Regex> LoadFormats()
    {
        using var policies = JsonDocument.Parse(File.ReadAllBytes(LlmHosting.Tests.Shared.IamResourceTypes.PoliciesJsonPath()));
        return new[] { "codestar-connections", "codeconnections" }.ToDictionary(service => service, service =>
        {
            var format = policies.RootElement.GetProperty(service).GetProperty("Resources").GetProperty("connection").GetProperty("ARNFormats")[0].GetString()!;
            var pattern = Regex.Replace(format, @"\$\{(\w+)\}", m => m.Groups[1].Value switch
            {
                "Partition" => "aws[a-z-]*",
                "Region" => "[a-z0-9-]+",
                "Account" => @"\d{12}",
                _ => "[^:/]+",
            });
            return new Regex("^" + pattern + "$", RegexOptions.CultureInvariant);
        });
    }
}
