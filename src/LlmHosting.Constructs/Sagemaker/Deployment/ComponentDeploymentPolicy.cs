using Amazon.CDK;
using Amazon.CDK.AWS.CloudWatch;
using LlmHosting.Constructs.Validation;

namespace LlmHosting.Constructs.Sagemaker.Deployment;

/// <summary>
/// How SageMaker rolls out a new specification of an inference component (model, image, vLLM settings, compute
/// requirements): a rolling update in batches of copies, each baked while SageMaker watches the rollback alarms (the
/// component's own 5XX and latency alarms, plus any given). Source: <c>DeploymentConfig</c> of
/// <c>AWS::SageMaker::InferenceComponent</c> (CloudFormation schema; botocore's <c>InferenceComponentDeploymentConfig</c>),
/// which CDK 2.160's L1 lacks (set by override).
/// </summary>
public sealed class ComponentDeploymentPolicy
{
    /// <summary>Default bake time of each batch: 10 minutes, two periods of the 5XX alarm.</summary>
    public static readonly Duration DefaultBakeTime = Duration.Minutes(10);

    /// <summary>Default limit of the whole update: 8 hours, SageMaker's maximum (600-28800 s).</summary>
    public static readonly Duration DefaultTimeout = Duration.Hours(8);

    private ComponentDeploymentPolicy(CapacitySize batch, CapacitySize? rollbackBatch, Duration? bakeTime, Duration? timeout)
    {
        Batch = batch;
        RollbackBatch = rollbackBatch;
        BakeTime = bakeTime ?? DefaultBakeTime;
        Timeout = timeout ?? DefaultTimeout;
    }

    /// <summary>
    /// The default: one copy at a time, rolled back one copy at a time. botocore's
    /// <c>InferenceComponentRollingUpdatePolicy.MaximumBatchSize</c>: "The value must be between 5% to 50% of the copy
    /// count of the inference component"; a batch is a whole number of copies (<c>InferenceComponentCapacitySize</c>:
    /// "A count of inference component copies" or "The overall percentage of your fleet"). One copy is the smallest batch
    /// there is, the only one a one-copy component can have, and it never rounds to zero copies, as 50% of one copy
    /// could (the rounding is not documented). With no copy running an update has nothing to roll. Without a rollback
    /// batch SageMaker brings every old copy back at once ("the default, which is 100% of the total capacity").
    /// Whether SageMaker accepts one copy of a one-copy component, and below 5% of more than 20 copies, is UNCONFIRMED.
    /// </summary>
    public static ComponentDeploymentPolicy Default { get; } = new(CapacitySize.Count(1), CapacitySize.Count(1), null, null);

    /// <summary>The batch of copies replaced at a time.</summary>
    public CapacitySize Batch { get; }

    /// <summary>The rollback batch; null for SageMaker's default (all the old copies at once).</summary>
    public CapacitySize? RollbackBatch { get; }

    /// <summary>How long each batch is watched before the next (<c>WaitIntervalInSeconds</c>).</summary>
    public Duration BakeTime { get; }

    /// <summary>The limit of the whole update (<c>MaximumExecutionTimeoutInSeconds</c>).</summary>
    public Duration Timeout { get; }

    /// <summary>A rolling update in batches of <paramref name="batch"/> copies (a count or a percentage, at most 50%).</summary>
    public static ComponentDeploymentPolicy Rolling(CapacitySize batch, CapacitySize? rollbackBatch = null, Duration? bakeTime = null, Duration? timeout = null)
        => new(batch ?? throw new ArgumentNullException(nameof(batch)), rollbackBatch, bakeTime, timeout);

    /// <summary>Adds what SageMaker would reject for a component that can be down to <paramref name="fewestCopies"/> copies.</summary>
    internal void AddProblems(PropsProblems problems, string property, int fewestCopies)
    {
        var p = Property.Ref(property);
        foreach (var problem in Batch.Problems($"{p} batch", Math.Max(fewestCopies, 1), "copies", 5, 50, oneAlwaysFits: true))
        {
            problems.Add(property, problem);
        }

        foreach (var problem in RollbackBatch?.Problems($"{p} rollback batch", Math.Max(fewestCopies, 1), "copies", 5, 100, oneAlwaysFits: true) ?? [])
        {
            problems.Add(property, problem);
        }

        if (!Tokens.IsUnresolved(BakeTime.ToString()) && BakeTime.ToSeconds(new TimeConversionOptions { Integral = false }) is < 0 or > 3600)
        {
            problems.Add(property, $"{p} bake time {BakeTime.ToHumanString()} must be 0 to 3600 seconds");
        }

        if (!Tokens.IsUnresolved(Timeout.ToString()) && Timeout.ToSeconds(new TimeConversionOptions { Integral = false }) is < 600 or > 28800)
        {
            problems.Add(property, $"{p} timeout {Timeout.ToHumanString()} must be 600 to 28800 seconds");
        }
    }

    /// <summary>
    /// The most copies this policy adds at once, beyond those serving, during an update or its rollback, for a component
    /// of up to <paramref name="maxCopies"/> copies: a batch, or a rollback batch (every copy when none is set).
    /// </summary>
    public int PeakExtraCopies(int maxCopies)
        => Math.Max(Batch.Instances(maxCopies), RollbackBatch?.Instances(maxCopies) ?? maxCopies);

    /// <summary>The component's <c>DeploymentConfig</c>, rolling back on <paramref name="alarms"/>.</summary>
    internal Dictionary<string, object> Render(IReadOnlyList<IAlarm> alarms)
    {
        var rolling = new Dictionary<string, object>
        {
            ["MaximumBatchSize"] = Batch.Render("COPY_COUNT"),
            ["WaitIntervalInSeconds"] = BakeTime.ToSeconds(),
            ["MaximumExecutionTimeoutInSeconds"] = Timeout.ToSeconds(),
        };
        if (RollbackBatch is { } rollback)
        {
            rolling["RollbackMaximumBatchSize"] = rollback.Render("COPY_COUNT");
        }

        var config = new Dictionary<string, object> { ["RollingUpdatePolicy"] = rolling };
        if (alarms.Count > 0)
        {
            config["AutoRollbackConfiguration"] = RollbackAlarms.Render(alarms);
        }

        return config;
    }

    /// <inheritdoc />
    public override string ToString() => $"rolling, {Batch} of the copies at a time, baked {BakeTime.ToHumanString()}";
}
