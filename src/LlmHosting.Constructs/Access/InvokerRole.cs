using Amazon.CDK;
using Amazon.CDK.AWS.IAM;
using Constructs;
using LlmHosting.Constructs.Rules;
using LlmHosting.Constructs.Validation;

namespace LlmHosting.Constructs.Access;

/// <summary>
/// A role that clients assume to call models through the OpenAI-compatible API: it holds
/// <see cref="IOpenAiEndpoint.GrantInvokeOpenAi"/> for each endpoint it is given, and nothing else. It trusts named roles,
/// or account roots only when asked to and narrowed by a principal ARN pattern or tag (see <see cref="InvokerRoleProps"/>);
/// sessions last at most <see cref="InvokerRoleProps.MaxSessionDuration"/>, and so do the bearer tokens made from them.
/// </summary>
public sealed class InvokerRole : Construct
{
    /// <summary>Default for <see cref="InvokerRoleProps.MaxSessionDuration"/>: 1 hour, IAM's shortest.</summary>
    public static readonly Duration DefaultMaxSessionDuration = Duration.Hours(1);

    // IAM CreateRole MaxSessionDuration (botocore's iam model, roleMaxSessionDurationType: min 3600, max 43200).
    private const double MinSessionSeconds = 3600, MaxSessionSeconds = 43200;

    private readonly List<IOpenAiEndpoint> _endpoints = [];

    /// <summary>Creates the role, or throws <see cref="PropsValidationException"/> naming every problem.</summary>
    /// <param name="scope">Parent construct.</param>
    /// <param name="id">Construct id.</param>
    /// <param name="props">Trusted principals and endpoints.</param>
    public InvokerRole(Construct scope, string id, InvokerRoleProps props)
        : base(scope, id)
    {
        ArgumentNullException.ThrowIfNull(props);
        var roles = props.TrustedRoleArns ?? [];
        var accounts = props.TrustedAccountIds ?? [];
        Validate(props, roles, accounts);

        IPrincipal? rolePrincipals = roles.Count == 0 ? null : new CompositePrincipal(roles.Select(r => (IPrincipal)new ArnPrincipal(r)).ToArray());
        IPrincipal? accountPrincipals = accounts.Count == 0
            ? null
            : new CompositePrincipal(accounts.Select(a => (IPrincipal)new AccountPrincipal(a)).ToArray()).WithConditions(AccountConditions(props));
        var role = new Role(this, "Role", new RoleProps
        {
            RoleName = props.RoleName,
            AssumedBy = rolePrincipals ?? accountPrincipals!,
            MaxSessionDuration = props.MaxSessionDuration ?? DefaultMaxSessionDuration,
            Description = "Invokes SageMaker endpoints through the OpenAI-compatible API",
        });
        if (rolePrincipals is not null && accountPrincipals is not null)
        {
            // A second statement: the accounts' conditions must not narrow the named roles.
            role.AssumeRolePolicy!.AddStatements(new PolicyStatement(new PolicyStatementProps
            {
                Actions = ["sts:AssumeRole"],
                Principals = [accountPrincipals],
            }));
        }

        Role = role;
        foreach (var endpoint in props.Endpoints ?? [])
        {
            AddEndpoint(endpoint);
        }
    }

    /// <summary>The IAM role.</summary>
    public IRole Role { get; }

    /// <summary>ARN of the role, for clients to assume.</summary>
    public string RoleArn => Role.RoleArn;

    /// <summary>The endpoints the role may invoke.</summary>
    public IReadOnlyList<IOpenAiEndpoint> Endpoints => _endpoints;

    /// <summary>Lets the role invoke one more endpoint through the OpenAI-compatible API.</summary>
    /// <param name="endpoint">The endpoint.</param>
    public void AddEndpoint(IOpenAiEndpoint endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        if (_endpoints.Contains(endpoint))
        {
            return;
        }

        _endpoints.Add(endpoint);
        endpoint.GrantInvokeOpenAi(Role);
    }

    /// <summary>
    /// True when the trust policy that <paramref name="props"/> give the role lets the IAM role
    /// <paramref name="roleArn"/> assume it: the role is named in <see cref="InvokerRoleProps.TrustedRoleArns"/>, or its
    /// account is trusted (<see cref="InvokerRoleProps.TrustAccountRoots"/>) and it matches a principal ARN pattern, as
    /// IAM's ArnLike compares each of the six parts of an ARN. A trust that also needs a principal tag does not count: the
    /// role's tags are not known here. Partitions are not compared, as no role can assume one of another partition.
    /// </summary>
    /// <param name="props">The props the role is (or will be) created with.</param>
    /// <param name="roleArn">The ARN of the role that would assume it.</param>
    public static bool AdmitsRole(InvokerRoleProps props, string roleArn)
    {
        ArgumentNullException.ThrowIfNull(props);
        ArgumentNullException.ThrowIfNull(roleArn);
        string[] Parts(string arn) => arn.Split(':', 6) is { Length: 6 } parts ? [parts[0], parts[2], parts[3], parts[4], parts[5]] : [arn];
        var wanted = Parts(roleArn);
        if ((props.TrustedRoleArns ?? []).Any(r => Parts(r).SequenceEqual(wanted, StringComparer.Ordinal)))
        {
            return true;
        }

        return props.TrustAccountRoots == true
            && props.TrustedPrincipalTag is null
            && wanted.Length == 5
            && (props.TrustedAccountIds ?? []).Contains(wanted[3])
            && (props.TrustedPrincipalArnPatterns ?? []).Any(p => Parts(p) is { Length: 5 } pattern
                && pattern.Zip(wanted).All(pair => ArnLikePart(pair.First).IsMatch(pair.Second)));
    }

    // One ArnLike part: * any characters, ? one character, the rest literally (IAM User Guide, ARN condition operators).
    private static System.Text.RegularExpressions.Regex ArnLikePart(string pattern)
        => new("^" + System.Text.RegularExpressions.Regex.Escape(pattern).Replace("\\*", ".*").Replace("\\?", ".") + "$",
            System.Text.RegularExpressions.RegexOptions.CultureInvariant);

    private static Dictionary<string, object> AccountConditions(InvokerRoleProps props)
    {
        var conditions = new Dictionary<string, object>();
        if (props.TrustedPrincipalArnPatterns is { Count: > 0 } patterns)
        {
            conditions["ArnLike"] = new Dictionary<string, object> { ["aws:PrincipalArn"] = patterns.ToArray() };
        }

        if (props.TrustedPrincipalTag is { } tag)
        {
            conditions["StringEquals"] = new Dictionary<string, object> { ["aws:PrincipalTag/" + tag.Key] = tag.Value };
        }

        return conditions;
    }

    private static void Validate(InvokerRoleProps props, IReadOnlyList<string> roles, IReadOnlyList<string> accounts)
    {
        var problems = new PropsProblems(nameof(InvokerRoleProps));
        string P(string property) => Property.Ref(property);
        const string Roles = nameof(InvokerRoleProps.TrustedRoleArns), Accounts = nameof(InvokerRoleProps.TrustedAccountIds),
            OptIn = nameof(InvokerRoleProps.TrustAccountRoots), Patterns = nameof(InvokerRoleProps.TrustedPrincipalArnPatterns),
            Tag = nameof(InvokerRoleProps.TrustedPrincipalTag);
        var patterns = props.TrustedPrincipalArnPatterns ?? [];
        var narrowed = patterns.Count > 0 || props.TrustedPrincipalTag is not null;

        if (roles.Count == 0 && accounts.Count == 0)
        {
            problems.Add(Roles, $"no trusted principal: name the roles that may assume the role in {P(Roles)} (or accounts in {P(Accounts)})");
        }

        foreach (var arn in roles.Where(r => !Tokens.IsUnresolved(r) && !AwsNames.IsRoleArn(r)))
        {
            problems.Add(Roles, $"{P(Roles)} '{arn}' is not an IAM role ARN (arn:aws:iam::<account>:role/<name>)");
        }

        foreach (var account in accounts.Where(a => !Tokens.IsUnresolved(a) && !AwsNames.IsAccountId(a)))
        {
            problems.Add(Accounts, $"{P(Accounts)} '{account}' is not a 12-digit AWS account id");
        }

        if (accounts.Count > 0 && props.TrustAccountRoots != true)
        {
            problems.Add(Accounts, $"{P(Accounts)} {string.Join(", ", accounts)} would trust the account root, that is every principal of the account allowed to call sts:AssumeRole; name roles in {P(Roles)}, or set {P(OptIn)} to true and narrow the trust with {P(Patterns)} or {P(Tag)}");
        }
        else if (accounts.Count > 0 && !narrowed)
        {
            problems.Add(OptIn, $"{P(OptIn)} is true but neither {P(Patterns)} nor {P(Tag)} is set: an account root is trusted only with a condition that narrows it to some principals");
        }
        else if (accounts.Count == 0 && (props.TrustAccountRoots == true || narrowed))
        {
            var set = props.TrustAccountRoots == true ? OptIn : patterns.Count > 0 ? Patterns : Tag;
            problems.Add(set, $"{P(set)} is set but {P(Accounts)} is empty: it applies to trusted accounts only");
        }

        foreach (var pattern in patterns.Where(p => !Tokens.IsUnresolved(p)))
        {
            if (!AwsNames.IsPrincipalArnPattern(pattern, out var account))
            {
                problems.Add(Patterns, $"{P(Patterns)} '{pattern}' is not a principal ARN pattern of one account (arn:aws:iam::<account>:role/<name or pattern>, or :user/)");
            }
            else if (accounts.Count > 0 && !accounts.Contains(account))
            {
                problems.Add(Patterns, $"{P(Patterns)} '{pattern}' names account {account}, which is not in {P(Accounts)}: it would match no trusted principal");
            }
        }

        if (props.TrustedPrincipalTag is { } tag)
        {
            if (!AwsNames.IsIamTagKey(tag.Key))
            {
                problems.Add(Tag + ".Key", $"{P(Tag + ".Key")} '{tag.Key}' is not an IAM tag key (1-128 letters, digits, spaces and _ . : / = + - @, not starting with aws:)");
            }

            if (!AwsNames.IsIamTagValue(tag.Value))
            {
                problems.Add(Tag + ".Value", $"{P(Tag + ".Value")} '{tag.Value}' is not an IAM tag value (0-256 letters, digits, spaces and _ . : / = + - @)");
            }
        }

        if (props.MaxSessionDuration is { } session && !Tokens.IsUnresolved(session.ToString())
            && session.ToSeconds(new TimeConversionOptions { Integral = false }) is var seconds
            && (seconds is < MinSessionSeconds or > MaxSessionSeconds || seconds % 1 != 0))
        {
            problems.Add(nameof(InvokerRoleProps.MaxSessionDuration), $"{P(nameof(InvokerRoleProps.MaxSessionDuration))} is {session.ToHumanString()}; IAM accepts whole seconds from 1 to 12 hours");
        }

        problems.ThrowIfAny();
    }
}
