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

    private EndpointDeploymentPolicy(string kind, CapacitySize? step, CapacitySize? rollbackStep, Duration? bakeTime, Duration? terminationWait, Duration? timeout)
    {
        Kind = kind;
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
    /// Blue/green with all traffic moved at once after the new fleet is in service, then baked. Needs a second full fleet
    /// for the duration of the deployment; the only blue/green choice for an endpoint that can have a single instance.
    /// </summary>
    public static EndpointDeploymentPolicy AllAtOnce(Duration? bakeTime = null, Duration? terminationWait = null, Duration? timeout = null)
        => new("ALL_AT_ONCE", null, null, bakeTime, terminationWait, timeout);

    /// <summary>Blue/green that sends <paramref name="canary"/> of the traffic to the new fleet first, bakes, then the rest.</summary>
    public static EndpointDeploymentPolicy Canary(CapacitySize canary, Duration? bakeTime = null, Duration? terminationWait = null, Duration? timeout = null)
        => new("CANARY", canary ?? throw new ArgumentNullException(nameof(canary)), null, bakeTime, terminationWait, timeout);

    /// <summary>Blue/green that moves the traffic in steps of <paramref name="step"/>, baking each.</summary>
    public static EndpointDeploymentPolicy Linear(CapacitySize step, Duration? bakeTime = null, Duration? terminationWait = null, Duration? timeout = null)
        => new("LINEAR", step ?? throw new ArgumentNullException(nameof(step)), null, bakeTime, terminationWait, timeout);

    /// <summary>
    /// Rolling: replaces <paramref name="batch"/> of the instances at a time, baking each batch, so that only one batch of
    /// extra instances exists at once (for large GPU instances whose second fleet is costly or not available). Needs at
    /// least 2 instances (a batch is at most 50% of them).
    /// </summary>
    public static EndpointDeploymentPolicy Rolling(CapacitySize batch, CapacitySize? rollbackBatch = null, Duration? bakeTime = null, Duration? timeout = null)
        => new(RollingKind, batch ?? throw new ArgumentNullException(nameof(batch)), rollbackBatch, bakeTime, null, timeout);

    /// <summary>
    /// The default policy for an endpoint of <paramref name="instanceType"/> that keeps at least
    /// <paramref name="minInstances"/> instances:
    /// <list type="bullet">
    /// <item>8-GPU instances (p4d, p5, g*.48xlarge...) with at least 2 instances: rolling, half the instances at a time,
    /// so that at most half a fleet of the scarcest GPUs is added.</item>
    /// <item>other instances with at least 2 instances: blue/green with a canary of one instance.</item>
    /// <item>one instance: blue/green all at once (a canary or a batch cannot be less than the whole of one instance).</item>
    /// </list>
    /// Each bakes for <see cref="DefaultBakeTime"/> and rolls back on the rollback alarms.
    /// </summary>
    public static EndpointDeploymentPolicy DefaultFor(GpuInstanceType instanceType, int minInstances)
    {
        ArgumentNullException.ThrowIfNull(instanceType);
        if (minInstances < 2)
        {
            return AllAtOnce();
        }

        return instanceType.GpuCount >= 8 ? Rolling(CapacitySize.Percent(50)) : Canary(CapacitySize.Count(1));
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
    } + $", baked {BakeTime.ToHumanString()}";

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
