using System.Text.RegularExpressions;
using LlmHosting.Rules;

namespace LlmHosting.Constructs.Rules;

/// <summary>
/// The AWS identifiers the constructs accept, each rule written once here (and in the shared rules it forwards to), so
/// that an app's configuration layer checks its values with exactly the constructs' rules.
/// </summary>
public static partial class AwsNames
{
    /// <summary>Longest base name of an imported Bedrock model: 63 characters less the import's 9-character suffix.</summary>
    public const int MaxImportedModelNameLength = ImportedModelNameRules.MaxBaseLength;

    /// <summary>True for a 12-digit AWS account id.</summary>
    /// <param name="value">The value to check.</param>
    public static bool IsAccountId(string? value) => value is not null && AccountId().IsMatch(value);

    /// <summary>True for a region name of any partition, for example <c>us-east-1</c> or <c>cn-northwest-1</c>.</summary>
    /// <param name="value">The value to check.</param>
    public static bool IsRegion(string? value) => AwsRegionRules.IsValid(value);

    /// <summary>True for an IAM role ARN, <c>arn:aws:iam::&lt;account&gt;:role/&lt;path and name&gt;</c>, in any partition.</summary>
    /// <param name="value">The value to check.</param>
    public static bool IsRoleArn(string? value) => value is not null && RoleArn().IsMatch(value);

    /// <summary>
    /// True for an <c>aws:PrincipalArn</c> pattern that names IAM roles or users of one account, for example
    /// <c>arn:aws:iam::111111111111:role/ml-*</c>: the account is written out, the path and name may use <c>*</c> and
    /// <c>?</c> (ArnLike). IAM gives <c>aws:PrincipalArn</c> the role's ARN, not the session's, for an assumed role
    /// (IAM User Guide, global condition keys).
    /// </summary>
    /// <param name="value">The value to check.</param>
    /// <param name="account">The account the pattern names, when it is valid.</param>
    public static bool IsPrincipalArnPattern(string? value, out string account)
    {
        var match = value is null ? Match.Empty : PrincipalArnPattern().Match(value);
        account = match.Success ? match.Groups[1].Value : "";
        return match.Success;
    }

    /// <summary>True for an IAM tag key: 1-128 letters, digits, spaces and <c>_ . : / = + - @</c>, not starting with <c>aws:</c> (IAM User Guide, tag naming rules).</summary>
    /// <param name="value">The value to check.</param>
    public static bool IsIamTagKey(string? value)
        => value is { Length: >= 1 and <= 128 } && TagText().IsMatch(value) && !value.StartsWith("aws:", StringComparison.OrdinalIgnoreCase);

    /// <summary>True for an IAM tag value: 0-256 letters, digits, spaces and <c>_ . : / = + - @</c> (IAM User Guide, tag naming rules).</summary>
    /// <param name="value">The value to check.</param>
    public static bool IsIamTagValue(string? value) => value is { Length: <= 256 } && (value.Length == 0 || TagText().IsMatch(value));

    /// <summary>True for an e-mail address as SNS accepts it for a subscription (something@domain.tld).</summary>
    /// <param name="value">The value to check.</param>
    public static bool IsEmailAddress(string? value) => value is not null && Email().IsMatch(value);

    /// <summary>True for a general purpose S3 bucket name (S3 User Guide, bucket naming rules).</summary>
    /// <param name="value">The value to check.</param>
    public static bool IsS3BucketName(string? value)
        => value is not null && BucketName().IsMatch(value) && !value.Contains("..", StringComparison.Ordinal);

    /// <summary>True for a KMS key ARN, <c>arn:aws:kms:&lt;region&gt;:&lt;account&gt;:key/&lt;id&gt;</c>; gives its region.</summary>
    /// <param name="value">The value to check.</param>
    /// <param name="region">The key's region when the value is a key ARN.</param>
    public static bool IsKmsKeyArn(string? value, out string region)
    {
        var match = value is null ? Match.Empty : KmsKeyArn().Match(value);
        region = match.Success ? match.Groups[1].Value : "";
        return match.Success;
    }

    /// <summary>True for a base name of an imported Bedrock model (<see cref="MaxImportedModelNameLength"/> at most).</summary>
    /// <param name="value">The value to check.</param>
    public static bool IsImportedModelName(string? value) => ImportedModelNameRules.IsValidBaseName(value);

    /// <summary>What an imported model's base name must look like, for messages.</summary>
    public static string ImportedModelNameRule => ImportedModelNameRules.Describe();

    /// <summary>
    /// True for an SSM parameter name as PutParameter accepts it (botocore's ssm model, <c>PutParameterRequest.Name</c>):
    /// <c>a-zA-Z0-9_.-</c> and <c>/</c> between levels, at most 15 levels, not starting with <c>aws</c> or <c>ssm</c>,
    /// at most 1011 characters including the parameter's ARN (counted here with 60 characters for the ARN).
    /// </summary>
    /// <param name="value">The value to check.</param>
    public static bool IsSsmParameterName(string? value)
        => value is not null && SsmParameterName().IsMatch(value) && value.Length + 60 <= 1011
            && value.Count(c => c == '/') <= 15
            && !value.TrimStart('/').StartsWith("aws", StringComparison.OrdinalIgnoreCase)
            && !value.TrimStart('/').StartsWith("ssm", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// True for the ARN of a CodeConnections connection, under either service prefix AWS has used for it:
    /// <c>arn:aws:codestar-connections:&lt;region&gt;:&lt;account&gt;:connection/&lt;id&gt;</c> or
    /// <c>arn:aws:codeconnections:...</c> (the ARN formats of both services in the Service Authorization Reference, as
    /// cfn-lint's <c>Policies.json</c> ships them; at most 256 characters, botocore's <c>ConnectionArn</c>). Hosts and
    /// repository links of the same services are not connections.
    /// </summary>
    /// <param name="value">The value to check.</param>
    public static bool IsConnectionArn(string? value)
    {
        var match = value is { Length: <= 256 } ? ConnectionArn().Match(value) : Match.Empty;
        return match.Success && IsRegion(match.Groups[1].Value);
    }

    [GeneratedRegex(@"^arn:aws[a-z-]*:(?:codestar-connections|codeconnections):([a-z0-9-]+):\d{12}:connection/[A-Za-z0-9-]+$", RegexOptions.CultureInvariant)]
    private static partial Regex ConnectionArn();

    [GeneratedRegex(@"^/?[a-zA-Z0-9_.-]+(/[a-zA-Z0-9_.-]+)*$", RegexOptions.CultureInvariant)]
    private static partial Regex SsmParameterName();

    [GeneratedRegex(@"^\d{12}$", RegexOptions.CultureInvariant)]
    private static partial Regex AccountId();

    [GeneratedRegex(@"^arn:aws[a-z-]*:iam::\d{12}:role/[\w+=,.@/-]{1,512}$", RegexOptions.CultureInvariant)]
    private static partial Regex RoleArn();

    [GeneratedRegex(@"^arn:aws[a-z-]*:iam::(\d{12}):(?:role|user)/[\w+=,.@/*?-]{1,512}$", RegexOptions.CultureInvariant)]
    private static partial Regex PrincipalArnPattern();

    [GeneratedRegex(@"^[\p{L}\p{Z}\p{N}_.:/=+\-@]+$", RegexOptions.CultureInvariant)]
    private static partial Regex TagText();

    [GeneratedRegex(@"^[^@\s]+@[^@\s]+\.[^@\s]+$", RegexOptions.CultureInvariant)]
    private static partial Regex Email();

    [GeneratedRegex(@"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", RegexOptions.CultureInvariant)]
    private static partial Regex BucketName();

    [GeneratedRegex(@"^arn:aws[a-z-]*:kms:([a-z0-9-]+):\d{12}:key/[A-Za-z0-9-]+$", RegexOptions.CultureInvariant)]
    private static partial Regex KmsKeyArn();
}
