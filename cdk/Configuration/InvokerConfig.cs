using LlmHosting.Constructs.Access;
using LlmHosting.Constructs.Rules;

namespace LlmHosting.App.Configuration;

/// <summary>
/// Who may assume the environment's invoker role (<c>invoker</c>), which may call every endpoint of the
/// environment through the OpenAI-compatible API.
/// </summary>
public sealed record InvokerConfig
{
    private const string Path = "invoker";

    /// <summary>Trusted account ids. Default: the environment's own account, when no role is trusted either.</summary>
    public List<string> TrustedAccountIds { get; init; } = [];

    /// <summary>Trusted IAM role ARNs. Default: none.</summary>
    public List<string> TrustedRoleArns { get; init; } = [];

    /// <summary>
    /// Whether callers of Bedrock models use Bedrock API keys (<c>bedrock:CallWithBearerToken</c>), as the model directory
    /// then says; otherwise they sign with SigV4. Default: true.
    /// </summary>
    public bool BedrockApiKeys { get; init; } = true;

    internal void Validate(ICollection<string> problems)
    {
        for (var i = 0; i < TrustedAccountIds.Count; i++)
        {
            if (!AwsNames.IsAccountId(TrustedAccountIds[i]))
            {
                problems.Add($"{Path}.trustedAccountIds[{i}] '{TrustedAccountIds[i]}' is not a 12-digit AWS account id");
            }
        }

        for (var i = 0; i < TrustedRoleArns.Count; i++)
        {
            if (!AwsNames.IsRoleArn(TrustedRoleArns[i]))
            {
                problems.Add($"{Path}.trustedRoleArns[{i}] '{TrustedRoleArns[i]}' is not an IAM role ARN (arn:aws:iam::<account>:role/<name>)");
            }
        }
    }

    /// <summary>The props of the invoker role, from this validated section.</summary>
    /// <param name="account">The environment's account, trusted when nobody else is.</param>
    /// <param name="endpoints">The endpoints and components the role may invoke.</param>
    internal InvokerRoleProps ToProps(string account, IReadOnlyList<IOpenAiEndpoint> endpoints)
    {
        var trustsNobody = TrustedAccountIds.Count == 0 && TrustedRoleArns.Count == 0;
        return new InvokerRoleProps
        {
            TrustedAccountIds = trustsNobody ? [account] : TrustedAccountIds,
            TrustedRoleArns = TrustedRoleArns,
            Endpoints = endpoints,
        };
    }

    /// <summary>Where the invoker role's props come from, for messages.</summary>
    internal static PropsKeys Keys { get; } = new(Path,
    [
        new(nameof(InvokerRoleProps.TrustedAccountIds), $"{Path}.trustedAccountIds"),
        new(nameof(InvokerRoleProps.TrustedRoleArns), $"{Path}.trustedRoleArns"),
    ]);
}
