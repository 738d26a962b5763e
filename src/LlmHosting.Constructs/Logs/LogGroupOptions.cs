using Amazon.CDK;
using Amazon.CDK.AWS.KMS;
using Amazon.CDK.AWS.Logs;
using Constructs;
using LlmHosting.Constructs.Rules;
using LlmHosting.Constructs.Validation;

namespace LlmHosting.Constructs.Logs;

/// <summary>
/// How the constructs declare the log groups their resources write to: SageMaker endpoints and inference components,
/// and every Lambda function they create (custom resource handlers, CDK's provider framework and its waiter). Each
/// setting left null comes from the defaults set on an enclosing scope with <see cref="SetDefaults"/>, else from the
/// library default documented on it.
/// </summary>
/// <example><code>
/// LogGroupOptions.SetDefaults(stack, new LogGroupOptions { Retention = RetentionDays.ONE_YEAR, EncryptionKey = logsKey });
/// </code></example>
public sealed class LogGroupOptions
{
    /// <summary>Default for <see cref="Retention"/>: one month.</summary>
    public const RetentionDays DefaultRetention = RetentionDays.ONE_MONTH;

    private const string DefaultsId = ReservedIds.LogGroupDefaults;

    /// <summary>
    /// How long log events are kept. <see cref="RetentionDays.INFINITE"/> is rejected: every declared group expires.
    /// Default: <see cref="DefaultRetention"/> (one month).
    /// </summary>
    public RetentionDays? Retention { get; init; }

    /// <summary>
    /// Customer-managed key that encrypts the log events. The constructs add a statement to its key policy for
    /// <c>logs.&lt;region&gt;.amazonaws.com</c>, limited to the log group by the <c>kms:EncryptionContext:aws:logs:arn</c>
    /// condition (CloudWatch Logs user guide, "Encrypt log data in CloudWatch Logs using AWS KMS"); an imported key's
    /// policy must allow it already. Keep the key in the stack of the log groups or in one it depends on.
    /// Default: none (CloudWatch Logs' own encryption).
    /// </summary>
    public IKey? EncryptionKey { get; init; }

    /// <summary>
    /// What happens to a log group when it leaves the stack. A retained group that carries a fixed name (the SageMaker
    /// ones) makes a later deployment that declares it again fail: see the repository README, "Security model".
    /// Default: <see cref="RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE"/> (<c>DeletionPolicy: RetainExceptOnCreate</c>,
    /// <c>UpdateReplacePolicy: Retain</c>), so that no log event is lost with a resource, while a group created by a stack
    /// operation that rolls back is deleted with it: kept, its fixed name would make the next attempt fail with "already
    /// exists" (CloudFormation user guide, <c>DeletionPolicy</c> attribute: "RetainExceptOnCreate behaves like Retain for
    /// stack operations, except for the stack operation that initially created the resource"). <see cref="RemovalPolicy.RETAIN"/>
    /// keeps even those.
    /// </summary>
    public RemovalPolicy? RemovalPolicy { get; init; }

    /// <summary>
    /// Makes <paramref name="defaults"/> the log group settings of every construct below <paramref name="scope"/> whose
    /// own options leave them unset. Set it once per stack (a key in one stack cannot encrypt another stack's groups
    /// that the key's stack depends on); a later call on the same scope replaces it.
    /// </summary>
    /// <param name="scope">A stack, a stage or any construct above the constructs it applies to.</param>
    /// <param name="defaults">The settings; null members keep the library defaults.</param>
    public static void SetDefaults(Construct scope, LogGroupOptions defaults)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(defaults);
        ThrowIfInvalid(defaults, "LogGroupOptions (defaults of " + scope.Node.Path + ")");
        if (scope.Node.TryFindChild(DefaultsId) is Holder holder)
        {
            holder.Options = defaults;
            return;
        }

        _ = new Holder(scope, DefaultsId) { Options = defaults };
    }

    /// <summary>The settings in effect at <paramref name="scope"/>: <paramref name="own"/>, then the nearest defaults, then the library's.</summary>
    internal static ResolvedLogGroupOptions Resolve(IConstruct scope, LogGroupOptions? own)
    {
        var defaults = scope.Node.Scopes.Reverse()
            .Select(s => (s.Node.TryFindChild(DefaultsId) as Holder)?.Options)
            .FirstOrDefault(o => o is not null);
        return new ResolvedLogGroupOptions(
            own?.Retention ?? defaults?.Retention ?? DefaultRetention,
            own?.EncryptionKey ?? defaults?.EncryptionKey,
            own?.RemovalPolicy ?? defaults?.RemovalPolicy ?? Amazon.CDK.RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE);
    }

    /// <summary>The problems of <paramref name="options"/>, named under <paramref name="property"/> (for example <c>Logs</c>).</summary>
    internal static IEnumerable<PropsProblem> Problems(LogGroupOptions? options, string property)
    {
        if (options?.Retention == RetentionDays.INFINITE)
        {
            var retention = property + "." + nameof(Retention);
            yield return new PropsProblem(retention, $"{Property.Ref(retention)} is INFINITE; a declared log group must expire: choose a period such as ONE_MONTH or ONE_YEAR");
        }
    }

    private static void ThrowIfInvalid(LogGroupOptions options, string what)
    {
        var problems = Problems(options, "Defaults").ToList();
        if (problems.Count > 0)
        {
            throw new PropsValidationException(what, null, problems);
        }
    }

    /// <summary>Carries the defaults of its parent scope; creates no resource.</summary>
    private sealed class Holder(Construct scope, string id) : Construct(scope, id)
    {
        internal LogGroupOptions Options { get; set; } = new();
    }
}

/// <summary>The log group settings in effect for one construct.</summary>
internal sealed record ResolvedLogGroupOptions(RetentionDays Retention, IKey? EncryptionKey, RemovalPolicy RemovalPolicy);
