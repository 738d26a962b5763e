using Amazon.CDK;
using Amazon.CDK.AWS.CloudWatch;
using LlmHosting.Constructs.Validation;

namespace LlmHosting.Constructs.Sagemaker.Deployment;

/// <summary>
/// How SageMaker replaces the fleet of a single-model endpoint when its configuration changes (a new model, image,
/// vLLM setting or instance type): a blue/green deployment that shifts traffic all at once, in a canary step or in
/// linear steps, or a rolling deployment in batches of instances. Every policy bakes each step while SageMaker watches
/// the rollback alarms (the endpoint's own 5XX and latency alarms, plus any given) and rolls back when one fires.
/// Source: <c>DeploymentConfig</c> of <c>AWS::SageMaker::Endpoint</c> (CloudFormation schema, botocore's
/// <c>BlueGreenUpdatePolicy</c> and <c>RollingUpdatePolicy</c>) and the SageMaker guide "Deployment guardrails".
/// </summary>
public sealed class EndpointDeploymentPolicy
{
    /// <summary>Default bake time of each step: long enough for the 5XX alarm (one 5-minute period) to evaluate twice.</summary>
    public static readonly Duration DefaultBakeTime = Duration.Minutes(10);

    /// <summary>Default time the old fleet is kept after traffic moved, for a fast rollback: 5 minutes.</summary>
    public static readonly Duration DefaultTerminationWait = Duration.Minutes(5);

    /// <summary>Default limit of a blue/green deployment: 4 hours, SageMaker's maximum (600-14400 s).</summary>
    public static readonly Duration DefaultBlueGreenTimeout = Duration.Hours(4);

    /// <summary>Default limit of a rolling deployment: 8 hours, SageMaker's maximum (600-28800 s).</summary>
    public static readonly Duration DefaultRollingTimeout = Duration.Hours(8);

    private EndpointDeploymentPolicy(string kind, CapacitySize? step, CapacitySize? rollbackStep, Duration? bakeTime, Duration? terminationWait, Duration? timeout, bool retainInstanceCount = true)
    {
        Kind = kind;
        RetainInstanceCount = retainInstanceCount;
        Step = step;
        RollbackStep = rollbackStep;
        BakeTime = bakeTime ?? DefaultBakeTime;
        TerminationWait = terminationWait ?? DefaultTerminationWait;
        Timeout = timeout ?? (kind == RollingKind ? DefaultRollingTimeout : DefaultBlueGreenTimeout);
    }

    private const string RollingKind = "ROLLING";

    /// <summary><c>ALL_AT_ONCE</c>, <c>CANARY</c>, <c>LINEAR</c> (blue/green) or <c>ROLLING</c>.</summary>
    public string Kind { get; }

    /// <summary>The canary size, the linear step or the rolling batch; null for all at once.</summary>
    public CapacitySize? Step { get; }

    /// <summary>The rolling rollback batch; null for SageMaker's default (the whole old fleet at once).</summary>
    public CapacitySize? RollbackStep { get; }

    /// <summary>How long each step is watched before the next (<c>WaitIntervalInSeconds</c>).</summary>
    public Duration BakeTime { get; }

    /// <summary>How long a blue/green deployment keeps the old fleet after the last step.</summary>
    public Duration TerminationWait { get; }

    /// <summary>The limit of the whole deployment (<c>MaximumExecutionTimeoutInSeconds</c>).</summary>
    public Duration Timeout { get; }

    /// <summary>True for a blue/green policy, which provisions a whole second fleet.</summary>
    public bool IsBlueGreen => Kind != RollingKind;

    /// <summary>
    /// True when an update of an autoscaled endpoint keeps the instance count autoscaling reached
    /// (<c>RetainAllVariantProperties</c>); false when it redeploys at <c>InitialInstanceCount</c> (botocore,
    /// <c>VariantPropertyType</c> DesiredInstanceCount: "Overrides the existing variant instance counts using the
    /// InitialInstanceCount values"), so that a blue/green update needs only that many extra instances and autoscaling
    /// scales out again after it.
    /// </summary>
    public bool RetainInstanceCount { get; }

    /// <summary>
    /// Blue/green with all traffic moved at once after the new fleet is in service, then baked. Needs a second full fleet
    /// for the duration of the deployment; the only blue/green choice for an endpoint that can have a single instance.
    /// With <paramref name="retainInstanceCount"/> false the second fleet has <c>InitialInstanceCount</c> instances
    /// (see <see cref="RetainInstanceCount"/>).
    /// </summary>
    public static EndpointDeploymentPolicy AllAtOnce(Duration? bakeTime = null, Duration? terminationWait = null, Duration? timeout = null, bool retainInstanceCount = true)
        => new("ALL_AT_ONCE", null, null, bakeTime, terminationWait, timeout, retainInstanceCount);

    /// <summary>Blue/green that sends <paramref name="canary"/> of the traffic to the new fleet first, bakes, then the rest.</summary>
    public static EndpointDeploymentPolicy Canary(CapacitySize canary, Duration? bakeTime = null, Duration? terminationWait = null, Duration? timeout = null, bool retainInstanceCount = true)
        => new("CANARY", canary ?? throw new ArgumentNullException(nameof(canary)), null, bakeTime, terminationWait, timeout, retainInstanceCount);

    /// <summary>Blue/green that moves the traffic in steps of <paramref name="step"/>, baking each.</summary>
    public static EndpointDeploymentPolicy Linear(CapacitySize step, Duration? bakeTime = null, Duration? terminationWait = null, Duration? timeout = null, bool retainInstanceCount = true)
        => new("LINEAR", step ?? throw new ArgumentNullException(nameof(step)), null, bakeTime, terminationWait, timeout, retainInstanceCount);

    /// <summary>
    /// Rolling: replaces <paramref name="batch"/> of the instances at a time, baking each batch, so that only one batch of
    /// extra instances exists at once (for large GPU instances whose second fleet is costly or not available). Needs at
    /// least 2 instances (a batch is at most 50% of them).
    /// </summary>
    public static EndpointDeploymentPolicy Rolling(CapacitySize batch, CapacitySize? rollbackBatch = null, Duration? bakeTime = null, Duration? timeout = null)
        => new(RollingKind, batch ?? throw new ArgumentNullException(nameof(batch)), rollbackBatch, bakeTime, null, timeout);

    /// <summary>
    /// The default policy for an endpoint of <paramref name="instanceType"/> that keeps at least
    /// <paramref name="minInstances"/> instances. 8-GPU instances (p4d, p5, <c>*.48xlarge</c>: the scarcest, and the ones
    /// quotas are smallest for) never need more than one extra instance at a time:
    /// <list type="bullet">
    /// <item>8 GPUs, at least 2 instances: rolling, one instance at a time, rolled back one at a time too (SageMaker's
    /// default rollback brings the whole old fleet back at once).</item>
    /// <item>8 GPUs, 1 instance: blue/green all at once at <c>InitialInstanceCount</c> (<see cref="RetainInstanceCount"/>
    /// false): one extra instance even when autoscaling had added more; they are added again after the update.</item>
    /// <item>other instances, at least 2 instances: blue/green with a canary of one instance; a whole second fleet.</item>
    /// <item>other instances, 1 instance: blue/green all at once; a whole second fleet, as large as autoscaling made the
    /// first (up to the maximum instance count).</item>
    /// </list>
    /// A rolling update needs at least 2 instances (a batch is at most 50% of them), and a canary or a batch cannot be
    /// less than one instance. Each bakes for <see cref="DefaultBakeTime"/> and rolls back on the rollback alarms.
    /// <see cref="PeakExtraInstances"/> says how many instances each needs.
    /// </summary>
    public static EndpointDeploymentPolicy DefaultFor(GpuInstanceType instanceType, int minInstances)
    {
        ArgumentNullException.ThrowIfNull(instanceType);
        var scarce = instanceType.GpuCount >= 8;
        if (minInstances < 2)
        {
            return AllAtOnce(retainInstanceCount: !scarce);
        }

        return scarce ? Rolling(CapacitySize.Count(1), CapacitySize.Count(1)) : Canary(CapacitySize.Count(1));
    }

    /// <summary>
    /// The most instances this policy adds at once, beyond those serving, during an update or its rollback, for an
    /// endpoint created with <paramref name="initialInstances"/> that autoscaling can take up to
    /// <paramref name="maxInstances"/>: blue/green builds a whole new fleet (as large as the current one when
    /// <see cref="RetainInstanceCount"/>, else <paramref name="initialInstances"/>; SageMaker guide, "Blue/Green
    /// Deployments"); rolling adds a batch, and a rollback a rollback batch (all the old instances at once when none is
    /// set: botocore <c>RollingUpdatePolicy.RollbackMaximumBatchSize</c>). Percentages round up to whole instances.
    /// </summary>
    public int PeakExtraInstances(int initialInstances, int maxInstances)
    {
        var fleet = Math.Max(initialInstances, maxInstances);
        if (IsBlueGreen)
        {
            return RetainInstanceCount ? fleet : initialInstances;
        }

        return Math.Max(Step!.Instances(fleet), RollbackStep?.Instances(fleet) ?? fleet);
    }

    /// <summary>Adds what SageMaker would reject for an endpoint that can be down to <paramref name="minInstances"/> instances.</summary>
    internal void AddProblems(PropsProblems problems, string property, int minInstances)
    {
        var p = Property.Ref(property);
        if (Kind == RollingKind && minInstances < 2)
        {
            problems.Add(property, $"{p} is rolling, which needs at least 2 instances (a batch is at most 50% of them), but the minimum instance count is {minInstances}; use a blue/green policy or raise the minimum");
        }

        foreach (var problem in Step?.Problems($"{p} step", minInstances, "instances", Kind == RollingKind ? 5 : 1, 50) ?? [])
        {
            problems.Add(property, problem);
        }

        foreach (var problem in RollbackStep?.Problems($"{p} rollback batch", minInstances, "instances", 5, 100) ?? [])
        {
            problems.Add(property, problem);
        }

        foreach (var problem in DurationProblems(p))
        {
            problems.Add(property, problem);
        }
    }

    /// <summary>The <c>DeploymentConfig</c> of the endpoint, rolling back on <paramref name="alarms"/>.</summary>
    internal Dictionary<string, object> Render(IReadOnlyList<IAlarm> alarms)
    {
        var config = new Dictionary<string, object>();
        if (Kind == RollingKind)
        {
            var rolling = new Dictionary<string, object>
            {
                ["MaximumBatchSize"] = Step!.Render("INSTANCE_COUNT"),
                ["WaitIntervalInSeconds"] = BakeTime.ToSeconds(),
                ["MaximumExecutionTimeoutInSeconds"] = Timeout.ToSeconds(),
            };
            if (RollbackStep is { } rollback)
            {
                rolling["RollbackMaximumBatchSize"] = rollback.Render("INSTANCE_COUNT");
            }

            config["RollingUpdatePolicy"] = rolling;
        }
        else
        {
            var routing = new Dictionary<string, object> { ["Type"] = Kind, ["WaitIntervalInSeconds"] = BakeTime.ToSeconds() };
            if (Step is { } step)
            {
                routing[Kind == "CANARY" ? "CanarySize" : "LinearStepSize"] = step.Render("INSTANCE_COUNT");
            }

            config["BlueGreenUpdatePolicy"] = new Dictionary<string, object>
            {
                ["TrafficRoutingConfiguration"] = routing,
                ["TerminationWaitInSeconds"] = TerminationWait.ToSeconds(),
                ["MaximumExecutionTimeoutInSeconds"] = Timeout.ToSeconds(),
            };
        }

        if (alarms.Count > 0)
        {
            config["AutoRollbackConfiguration"] = RollbackAlarms.Render(alarms);
        }

        return config;
    }

    /// <inheritdoc />
    public override string ToString() => Kind switch
    {
        RollingKind => $"rolling, {Step} of the instances at a time",
        "CANARY" => $"blue/green, canary of {Step}",
        "LINEAR" => $"blue/green, linear steps of {Step}",
        _ => "blue/green, all at once",
    } + (IsBlueGreen && !RetainInstanceCount ? " at the initial instance count" : "") + $", baked {BakeTime.ToHumanString()}";

    private IEnumerable<string> DurationProblems(string property)
    {
        var bake = Seconds(BakeTime);
        if (bake is < 0 or > 3600)
        {
            yield return $"{property} bake time {BakeTime.ToHumanString()} must be 0 to 3600 seconds";
        }

        var terminationWait = Seconds(TerminationWait);
        if (terminationWait is < 0 or > 3600)
        {
            yield return $"{property} termination wait {TerminationWait.ToHumanString()} must be 0 to 3600 seconds";
        }

        var maximum = Kind == RollingKind ? 28800 : 14400;
        var timeout = Seconds(Timeout);
        if (timeout is < 600 || timeout > maximum)
        {
            yield return $"{property} timeout {Timeout.ToHumanString()} must be 600 to {maximum} seconds for a {(Kind == RollingKind ? "rolling" : "blue/green")} deployment";
        }
    }

    private static double? Seconds(Duration duration)
        => Tokens.IsUnresolved(duration.ToString()) ? null : duration.ToSeconds(new TimeConversionOptions { Integral = false });
}
