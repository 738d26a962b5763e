namespace LlmHosting.Client;

/// <summary>A bearer token and the moment it stops being accepted.</summary>
/// <param name="Value">The token: send it as <c>Authorization: Bearer &lt;Value&gt;</c> (or as an OpenAI API key).</param>
/// <param name="Region">The region the token is signed for; it is only accepted by endpoints in that region.</param>
/// <param name="SignedAt">When it was signed, to the second (UTC).</param>
/// <param name="ExpiresAt">When it expires: <paramref name="SignedAt"/> plus the token's lifetime (UTC).</param>
public sealed record BearerToken(string Value, string Region, DateTimeOffset SignedAt, DateTimeOffset ExpiresAt)
{
    /// <summary>The token's lifetime (its <c>X-Amz-Expires</c>).</summary>
    public TimeSpan Lifetime => ExpiresAt - SignedAt;

    /// <summary>Hides the secret so that logging a token by mistake does not leak it.</summary>
    public override string ToString() =>
        $"BearerToken {{ Region = {Region}, SignedAt = {SignedAt:O}, ExpiresAt = {ExpiresAt:O} }}";
}
