using Amazon.Runtime;

namespace LlmHosting.Client.Tests;

/// <summary>Fixed credentials, optionally with an expiration, so that no test reads the machine's AWS setup.</summary>
internal sealed class TestCredentials : AWSCredentials
{
    public const string AccessKey = "AKIDEXAMPLE";
    public const string SecretKey = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

    // Contains '+', '/' and '=', which must be percent-encoded in the query string.
    public const string SessionToken = "IQoJb3JpZ2luX2VjEXAMPLE+token/with=special//chars==";

    private readonly ImmutableCredentials _credentials;

    public TestCredentials(string? sessionToken = null, DateTimeOffset? expiration = null)
    {
        _credentials = new ImmutableCredentials(AccessKey, SecretKey, sessionToken);
        Expiration = expiration?.UtcDateTime;
    }

    public int Calls { get; private set; }

    public override ImmutableCredentials GetCredentials()
    {
        Calls++;
        return _credentials;
    }
}
