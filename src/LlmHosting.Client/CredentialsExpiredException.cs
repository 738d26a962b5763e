namespace LlmHosting.Client;

/// <summary>
/// The AWS credentials have expired (or expire within a second), so no token can be made from them.
/// Refresh them: <c>aws sso login</c>, a new <c>aws sts assume-role</c>, or new environment variables.
/// </summary>
public sealed class CredentialsExpiredException : Exception
{
    /// <summary>Creates the exception for credentials that expired at <paramref name="expiredAt"/>.</summary>
    public CredentialsExpiredException(DateTimeOffset expiredAt)
        : base($"The AWS credentials expired at {expiredAt:u}.")
    {
        ExpiredAt = expiredAt;
    }

    /// <summary>When the credentials expired (UTC).</summary>
    public DateTimeOffset ExpiredAt { get; }
}
