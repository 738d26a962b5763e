using Amazon.CDK;
using LlmHosting.Constructs.Access;

namespace LlmHosting.App.Configuration;

/// <summary>
/// Who may assume the environment's invoker role (<c>invoker</c>), which may call every model of the environment, and
/// how long its sessions last. The rules are <see cref="InvokerRole"/>'s: named roles in any account, or accounts only
/// with <see cref="TrustAccountRoots"/> and a narrowing condition.
/// </summary>
public sealed record InvokerConfig
{
    private const string Path = "invoker";

    /// <summary>IAM role ARNs that may assume the role, in this account or another one. Default: none.</summary>
    public List<string> TrustedRoleArns { get; init; } = [];

    /// <summary>Accounts whose principals may assume the role; only with <see cref="TrustAccountRoots"/>. Default: none.</summary>
    public List<string> TrustedAccountIds { get; init; } = [];

    /// <summary>The explicit opt-in to trusting the accounts of <see cref="TrustedAccountIds"/>, narrowed by a condition. Default: false.</summary>
    public bool TrustAccountRoots { get; init; }

    /// <summary><c>aws:PrincipalArn</c> patterns a principal of a trusted account must match. Default: none.</summary>
    public List<string> TrustedPrincipalArnPatterns { get; init; } = [];

    /// <summary>A principal tag a principal of a trusted account must carry. Default: none.</summary>
    public PrincipalTagConfig? TrustedPrincipalTag { get; init; }

    /// <summary>
    /// Longest session of the role in hours (1-12); a bearer token made from a session ends with it. Default: 1.
    /// </summary>
    public int? MaxSessionHours { get; init; }

    /// <summary>
    /// Whether callers of Bedrock models use Bedrock API keys (<c>bedrock:CallWithBearerToken</c>), as the model directory
    /// then says; otherwise they sign with SigV4. Default: true.
    /// </summary>
    public bool BedrockApiKeys { get; init; } = true;

    /// <summary>The props of the invoker role, from this section; the role checks them (<see cref="Keys"/> names them).</summary>
    /// <param name="endpoints">The endpoints and components the role may invoke.</param>
    internal InvokerRoleProps ToProps(IReadOnlyList<IOpenAiEndpoint> endpoints) => new()
    {
        TrustedRoleArns = TrustedRoleArns,
        TrustedAccountIds = TrustedAccountIds,
        TrustAccountRoots = TrustAccountRoots,
        TrustedPrincipalArnPatterns = TrustedPrincipalArnPatterns,
        TrustedPrincipalTag = TrustedPrincipalTag is { } tag ? new PrincipalTagCondition { Key = tag.Key, Value = tag.Value } : null,
        MaxSessionDuration = MaxSessionHours is { } hours ? Duration.Hours(hours) : null,
        Endpoints = endpoints,
    };

    /// <summary>Where the invoker role's props come from, for messages.</summary>
    internal static PropsKeys Keys { get; } = new(Path,
    [
        new(nameof(InvokerRoleProps.TrustedRoleArns), $"{Path}.trustedRoleArns"),
        new(nameof(InvokerRoleProps.TrustedAccountIds), $"{Path}.trustedAccountIds"),
        new(nameof(InvokerRoleProps.TrustAccountRoots), $"{Path}.trustAccountRoots"),
        new(nameof(InvokerRoleProps.TrustedPrincipalArnPatterns), $"{Path}.trustedPrincipalArnPatterns"),
        new(nameof(InvokerRoleProps.TrustedPrincipalTag), $"{Path}.trustedPrincipalTag"),
        new($"{nameof(InvokerRoleProps.TrustedPrincipalTag)}.{nameof(PrincipalTagCondition.Key)}", $"{Path}.trustedPrincipalTag.key"),
        new($"{nameof(InvokerRoleProps.TrustedPrincipalTag)}.{nameof(PrincipalTagCondition.Value)}", $"{Path}.trustedPrincipalTag.value"),
        new(nameof(InvokerRoleProps.MaxSessionDuration), $"{Path}.maxSessionHours"),
    ]);
}

/// <summary>A principal tag (<c>invoker.trustedPrincipalTag</c>): <c>aws:PrincipalTag/&lt;key&gt;</c> must equal the value.</summary>
public sealed record PrincipalTagConfig
{
    /// <summary>The tag key.</summary>
    public string Key { get; init; } = "";

    /// <summary>The value the tag must have.</summary>
    public string Value { get; init; } = "";
}
