using Amazon.CDK;
using Amazon.CDK.AWS.KMS;
using Amazon.CDK.AWS.Logs;
using LlmHosting.Constructs.Logs;
using LlmHosting.Constructs.Rules;

namespace LlmHosting.App.Configuration;

/// <summary>
/// The log groups of an environment (<c>logs</c>): every group its resources write to (SageMaker endpoints and
/// components, the custom resource functions) is declared with this retention, removal and key.
/// </summary>
public sealed record LogsConfig
{
    private const string Path = "logs";

    /// <summary>
    /// Days a log event is kept, one of the values CloudWatch Logs accepts (<see cref="RetentionByDays"/>). Default: 30.
    /// </summary>
    public int? RetentionDays { get; init; }

    /// <summary>
    /// <c>retain</c> keeps the groups when their resources leave the stack (but not when the stack operation that created
    /// them rolls back: <c>RetainExceptOnCreate</c>); <c>destroy</c> deletes them. It also decides the operations topic's
    /// key: kept with <c>retain</c>, deleted with <c>destroy</c>. Default: <c>retain</c>.
    /// </summary>
    public string? RemovalPolicy { get; init; }

    /// <summary>
    /// ARN of a customer-managed KMS key in the environment's region that encrypts the log events. Its key policy must
    /// let <c>logs.&lt;region&gt;.amazonaws.com</c> use it for these groups (the app cannot change an existing key's
    /// policy). Default: none (CloudWatch Logs' own encryption).
    /// </summary>
    public string? KmsKeyArn { get; init; }

    /// <summary>
    /// CDK's retention members by the days they stand for: the values of <c>AWS::Logs::LogGroup</c>'s
    /// <c>RetentionInDays</c> (its CloudFormation schema, as cfn-lint ships it), a test checks each against CDK.
    /// </summary>
    internal static readonly IReadOnlyDictionary<int, RetentionDays> RetentionByDays = new Dictionary<int, RetentionDays>
    {
        [1] = Amazon.CDK.AWS.Logs.RetentionDays.ONE_DAY,
        [3] = Amazon.CDK.AWS.Logs.RetentionDays.THREE_DAYS,
        [5] = Amazon.CDK.AWS.Logs.RetentionDays.FIVE_DAYS,
        [7] = Amazon.CDK.AWS.Logs.RetentionDays.ONE_WEEK,
        [14] = Amazon.CDK.AWS.Logs.RetentionDays.TWO_WEEKS,
        [30] = Amazon.CDK.AWS.Logs.RetentionDays.ONE_MONTH,
        [60] = Amazon.CDK.AWS.Logs.RetentionDays.TWO_MONTHS,
        [90] = Amazon.CDK.AWS.Logs.RetentionDays.THREE_MONTHS,
        [120] = Amazon.CDK.AWS.Logs.RetentionDays.FOUR_MONTHS,
        [150] = Amazon.CDK.AWS.Logs.RetentionDays.FIVE_MONTHS,
        [180] = Amazon.CDK.AWS.Logs.RetentionDays.SIX_MONTHS,
        [365] = Amazon.CDK.AWS.Logs.RetentionDays.ONE_YEAR,
        [400] = Amazon.CDK.AWS.Logs.RetentionDays.THIRTEEN_MONTHS,
        [545] = Amazon.CDK.AWS.Logs.RetentionDays.EIGHTEEN_MONTHS,
        [731] = Amazon.CDK.AWS.Logs.RetentionDays.TWO_YEARS,
        [1096] = Amazon.CDK.AWS.Logs.RetentionDays.THREE_YEARS,
        [1827] = Amazon.CDK.AWS.Logs.RetentionDays.FIVE_YEARS,
        [2192] = Amazon.CDK.AWS.Logs.RetentionDays.SIX_YEARS,
        [2557] = Amazon.CDK.AWS.Logs.RetentionDays.SEVEN_YEARS,
        [2922] = Amazon.CDK.AWS.Logs.RetentionDays.EIGHT_YEARS,
        [3288] = Amazon.CDK.AWS.Logs.RetentionDays.NINE_YEARS,
        [3653] = Amazon.CDK.AWS.Logs.RetentionDays.TEN_YEARS,
    };

    internal void Validate(ICollection<string> problems, string region)
    {
        if (RetentionDays is { } days && !RetentionByDays.ContainsKey(days))
        {
            problems.Add($"{Path}.retentionDays {days} is not a retention CloudWatch Logs offers ({string.Join(", ", RetentionByDays.Keys)})");
        }

        if (RemovalPolicy is not (null or "retain" or "destroy"))
        {
            problems.Add($"{Path}.removalPolicy '{RemovalPolicy}' must be 'retain' or 'destroy'");
        }

        if (KmsKeyArn is not null)
        {
            if (!AwsNames.IsKmsKeyArn(KmsKeyArn, out var keyRegion))
            {
                problems.Add($"{Path}.kmsKeyArn '{KmsKeyArn}' is not a KMS key ARN (arn:aws:kms:<region>:<account>:key/<key id>)");
            }
            else if (keyRegion != region)
            {
                problems.Add($"{Path}.kmsKeyArn is in region {keyRegion}, but CloudWatch Logs uses a key of the log group's region {region}");
            }
        }
    }

    /// <summary>Makes these settings the log group defaults of every construct of <paramref name="stack"/>.</summary>
    /// <param name="stack">A stack of the environment.</param>
    internal void ApplyTo(Stack stack) => LogGroupOptions.SetDefaults(stack, new LogGroupOptions
    {
        Retention = RetentionDays is { } days ? RetentionByDays[days] : null,
        RemovalPolicy = RemovalPolicy switch
        {
            "destroy" => Amazon.CDK.RemovalPolicy.DESTROY,
            "retain" => Amazon.CDK.RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE,
            _ => null,
        },
        EncryptionKey = KmsKeyArn is { } arn ? Key.FromKeyArn(stack, ServingIds.LogsKey, arn) : null,
    });
}
