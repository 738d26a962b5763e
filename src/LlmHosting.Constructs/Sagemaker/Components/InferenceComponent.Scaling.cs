using Amazon.CDK;
using Amazon.CDK.AWS.ApplicationAutoScaling;
using Amazon.CDK.AWS.CloudWatch;
using Amazon.CDK.AWS.CloudWatch.Actions;
using Amazon.CDK.AWS.IAM;
using Amazon.CDK.AWS.Sagemaker;
using Constructs;
using LlmHosting.Constructs.Access;
using LlmHosting.Constructs.Sagemaker.Deployment;
using LlmHosting.Constructs.Sagemaker.Scaling;
using LlmHosting.Constructs.Validation;

namespace LlmHosting.Constructs.Sagemaker.Components;

/// <summary>The autoscaling of an <see cref="InferenceComponent"/>'s copies and its alarms, scale to zero included.</summary>
public sealed partial class InferenceComponent
{
    /// <summary>Alarm names start with the endpoint's name, so that an endpoint's alarms sort together.</summary>
    private string AlarmPrefix
        => InferenceComponentName.StartsWith(EndpointName + "-", StringComparison.Ordinal)
            ? InferenceComponentName
            : $"{EndpointName}-{InferenceComponentName}";

    private void AddAutoscaling(InferenceComponentOptions options)
    {
        var scaleOutCooldown = options.ScaleOutCooldown ?? ServingDefaults.ComponentScaleOutCooldown;
        var signal = options.Scaling ?? ScalingSignal.Invocations(options.TargetInvocationsPerCopy);
        // vLLM's batch limit per copy: as set, else its default on the smallest GPU among the endpoint's instance types.
        var maxNumSeqs = options.Vllm?.MaxNumSeqs ?? Endpoint.InstanceTypes.Min(ScalingSignal.VllmDefaultMaxNumSeqs);
        var target = ServingAutoScaling.Create(
            this, $"inference-component/{InferenceComponentName}", ScalableDimension, MinCopyCount, MaxCopyCount, Resource,
            // The policy's construct id keeps the name it had before signals were selectable.
            signal.IsConcurrency ? "ConcurrentRequestsPerCopy" : "InvocationsPerCopy", signal.ComponentMetric,
            signal.TargetFor(maxNumSeqs),
            options.ScaleInCooldown ?? ServingDefaults.ScaleInCooldown,
            scaleOutCooldown);
        ScalableTarget = target;
        ScalingSignal = signal;
        AddWarmWindows(target, options.WarmWindows ?? []);

        if (MinCopyCount > 0)
        {
            return;
        }

        // Target tracking cannot scale out from zero copies (there is no invocation per copy to track): a request that
        // finds no copy counts as a no-capacity failure, and this alarm adds the first copy.
        var action = new StepScalingAction(this, "ScaleOutFromZero", new StepScalingActionProps
        {
            ScalingTarget = target,
            AdjustmentType = AdjustmentType.CHANGE_IN_CAPACITY,
            MetricAggregationType = MetricAggregationType.MAXIMUM,
            Cooldown = scaleOutCooldown,
        });
        action.AddAdjustment(new AdjustmentTier { Adjustment = 1, LowerBound = 0 });
        ScaleOutFromZeroAction = action;
        ScaleOutFromZeroAlarm = WakeUpAlarm(
            this, $"{AlarmPrefix}-scale-out-from-zero",
            $"Adds a copy of the inference component {InferenceComponentName} when a request finds none.",
            MetricNoCapacityInvocationFailures(new MetricOptions { Period = Duration.Minutes(1) }), action);
    }

    /// <summary>
    /// The alarm that starts a copy from zero: one no-capacity failure in a minute (<paramref name="noCapacity"/>, counted
    /// under the component a request named, the base's or an adapter's) runs <paramref name="action"/>, which adds a copy.
    /// </summary>
    internal static Alarm WakeUpAlarm(Construct scope, string alarmName, string whatItDoes, IMetric noCapacity, StepScalingAction action)
    {
        var alarm = new Alarm(scope, "ScaleOutFromZeroAlarm", new AlarmProps
        {
            AlarmName = alarmName,
            AlarmDescription = whatItDoes + " Fires at every cold start by design: do not notify on it.",
            Metric = noCapacity,
            Threshold = 1,
            EvaluationPeriods = 1,
            DatapointsToAlarm = 1,
            ComparisonOperator = ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            TreatMissingData = TreatMissingData.NOT_BREACHING,
        });
        alarm.AddAlarmAction(new ApplicationScalingAction(action));
        return alarm;
    }

    // A cold start fails requests for a few minutes; failures that last 20 minutes mean copies cannot be placed
    // (instances at their maximum, a launch or a start-up failing).
    private void AddNoCapacityAlarm() => AddAlarm(new Alarm(this, "NoCapacityAlarm", new AlarmProps
    {
        AlarmName = $"{AlarmPrefix}-no-capacity",
        AlarmDescription = $"Requests to the inference component {InferenceComponentName} found no copy for 20 minutes: a copy could not be placed or did not start. See {LogGroupName} and the endpoint's events.",
        Metric = MetricNoCapacityInvocationFailures(),
        Threshold = 1,
        EvaluationPeriods = 4,
        DatapointsToAlarm = 4,
        ComparisonOperator = ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        TreatMissingData = TreatMissingData.NOT_BREACHING,
    }));
}
