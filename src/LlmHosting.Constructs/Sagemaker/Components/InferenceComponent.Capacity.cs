using Amazon.CDK;
using LlmHosting.Constructs.Sagemaker.Scaling;
using LlmHosting.Constructs.Validation;

namespace LlmHosting.Constructs.Sagemaker.Components;

/// <summary>
/// An <see cref="InferenceComponent"/> on fallback instance types, its scaling signal, warm windows, data caching and copy
/// placement.
/// </summary>
public sealed partial class InferenceComponent
{
    /// <summary>Why cfn-lint's E3002 is silenced on a component that carries data caching or copy placement.</summary>
    internal const string LintReason =
        "E3002 ignored: Specification.DataCacheConfig and SchedulingConfig are in CloudFormation's AWS::SageMaker::InferenceComponent schema (CloudFormation template reference, CDK 2.268's L1), newer than the installed cfn-lint's; the library's tests check the shapes against botocore";

    /// <summary>The signal autoscaling tracks, or null when the copy count is fixed.</summary>
    public ScalingSignal? ScalingSignal { get; private set; }

    /// <summary>The warm windows, in the order given.</summary>
    public IReadOnlyList<WarmWindow> WarmWindows { get; private set; } = [];

    private void AddCapacityProblems(PropsProblems problems, InferenceComponentOptions options)
    {
        var types = Endpoint.InstanceTypes;
        for (var i = 1; i < types.Count; i++)
        {
            var onFallback = new VllmModelDefinition(options, types[i], Gpus);
            Endpoint.Capacity.AddModelFitProblems(problems, i - 1, onFallback.Problems(this), "Endpoint.");
        }

        if (options.Scaling is { } signal)
        {
            ScalingProblems.Add(problems, nameof(InferenceComponentOptions.Scaling), signal, options.TargetInvocationsPerCopy, nameof(InferenceComponentOptions.TargetInvocationsPerCopy));
        }

        ScalingProblems.AddCooldowns(problems, nameof(InferenceComponentOptions.ScaleInCooldown), options.ScaleInCooldown, nameof(InferenceComponentOptions.ScaleOutCooldown), options.ScaleOutCooldown);
        var windows = options.WarmWindows ?? [];
        for (var i = 0; i < windows.Length; i++)
        {
            windows[i].AddProblems(problems, $"{nameof(InferenceComponentOptions.WarmWindows)}[{i}]", MinCopyCount, MaxCopyCount);
        }

        options.Placement?.AddProblems(problems, nameof(InferenceComponentOptions.Placement));
    }

    // CDK 2.160's L1 lacks DataCacheConfig and SchedulingConfig: overrides, in CloudFormation's names (botocore's too).
    private void WriteStartupOptions(InferenceComponentOptions options)
    {
        if (options.CacheModelData is { } cache)
        {
            Resource.AddPropertyOverride("Specification.DataCacheConfig", new Dictionary<string, object> { ["EnableCaching"] = cache });
        }

        if (options.Placement is { } placement)
        {
            Resource.AddPropertyOverride("Specification.SchedulingConfig", placement.Render());
        }

        if (options.CacheModelData is not null || options.Placement is not null)
        {
            CfnLint.Ignore(Resource, LintReason, "E3002");
        }
    }

    // Two scheduled actions per window: the window's minimum at its start, the component's own at its end.
    private void AddWarmWindows(Amazon.CDK.AWS.ApplicationAutoScaling.ScalableTarget target, IReadOnlyList<WarmWindow> windows)
    {
        for (var i = 0; i < windows.Count; i++)
        {
            var window = windows[i];
            var zone = window.TimeZone is { } name ? Amazon.CDK.TimeZone.Of(name) : null;
            target.ScaleOnSchedule($"WarmWindow{i}Start", new Amazon.CDK.AWS.ApplicationAutoScaling.ScalingSchedule
            {
                Schedule = Amazon.CDK.AWS.ApplicationAutoScaling.Schedule.Expression(ScheduleCron.Normalize(window.Start)!),
                MinCapacity = window.MinCopies,
                TimeZone = zone,
            });
            target.ScaleOnSchedule($"WarmWindow{i}End", new Amazon.CDK.AWS.ApplicationAutoScaling.ScalingSchedule
            {
                Schedule = Amazon.CDK.AWS.ApplicationAutoScaling.Schedule.Expression(ScheduleCron.Normalize(window.End)!),
                MinCapacity = MinCopyCount,
                TimeZone = zone,
            });
        }

        WarmWindows = windows;
    }
}
