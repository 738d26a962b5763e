using Amazon.Runtime;

namespace LlmHosting.Client;

/// <summary>Options of a <see cref="BearerTokenGenerator"/>. Every member is optional.</summary>
public sealed class BearerTokenGeneratorOptions
{
    /// <summary>
    /// The service the tokens are for.
    /// Default: <see cref="BearerTokenService.SageMaker"/>.
    /// </summary>
    public BearerTokenService Service { get; init; } = BearerTokenService.SageMaker;

    /// <summary>
    /// The region of the endpoints the tokens are for, e.g. <c>us-east-1</c>.
    /// Default: the <c>AWS_REGION</c> environment variable, else <c>AWS_DEFAULT_REGION</c>.
    /// </summary>
    public string? Region { get; init; }

    /// <summary>
    /// How long each token is valid, in whole seconds from 1 second to 12 hours. A token never outlives the
    /// credentials it is signed with: when they expire sooner, the token expires with them.
    /// Default: 12 hours.
    /// </summary>
    public TimeSpan Expiry { get; init; } = BearerTokenGenerator.MaximumExpiry;

    /// <summary>
    /// The AWS credentials to sign with.
    /// Default: the AWSSDK.Core default credential chain (environment variables, shared config and
    /// credentials files and their profiles, SSO, container and EC2 instance credentials).
    /// </summary>
    public AWSCredentials? Credentials { get; init; }

    /// <summary>The clock that dates the signatures. Default: <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}
