using Amazon.CDK;
using LlmHosting.Constructs.Validation;

namespace LlmHosting.Constructs.Sagemaker.Scaling;

/// <summary>The checks of the scaling options that endpoints and inference components share.</summary>
internal static class ScalingProblems
{
    /// <summary>
    /// The problems of <paramref name="signal"/> (its target) and of a target of invocations given beside it
    /// (<paramref name="invocationsTarget"/>), which would be ambiguous.
    /// </summary>
    internal static void Add(PropsProblems problems, string property, ScalingSignal signal, double? invocationsTarget, string invocationsProperty)
    {
        if (signal.Target is { } target && !(target > 0 && double.IsFinite(target)))
        {
            var targetProperty = property + ".Target";
            problems.Add(targetProperty, $"{Property.Ref(targetProperty)} {target} must be above 0");
        }

        if (invocationsTarget is not null && (signal.IsConcurrency || signal.Target is not null))
        {
            problems.Add(invocationsProperty, $"{Property.Ref(invocationsProperty)} is set beside {Property.Ref(property)} ({signal}); give the target in one place");
        }
    }

    /// <summary>Cooldowns are whole seconds, at least 0 (Application Auto Scaling <c>Cooldown</c>, an integer of seconds).</summary>
    internal static void AddCooldowns(PropsProblems problems, string scaleInProperty, Duration? scaleIn, string scaleOutProperty, Duration? scaleOut)
    {
        foreach (var (property, cooldown) in new[] { (scaleInProperty, scaleIn), (scaleOutProperty, scaleOut) })
        {
            if (cooldown is null || Tokens.IsUnresolved(cooldown.ToString()))
            {
                continue;
            }

            var seconds = cooldown.ToSeconds(new TimeConversionOptions { Integral = false });
            if (seconds < 0 || seconds % 1 != 0)
            {
                problems.Add(property, $"{Property.Ref(property)} {cooldown.ToHumanString()} must be a whole number of seconds, at least 0");
            }
        }
    }
}
