using LlmHosting.Constructs.Validation;

namespace LlmHosting.Constructs.Sagemaker.Scaling;

/// <summary>
/// Hours during which an inference component keeps at least <see cref="MinCopies"/> copies, however quiet it is, and after
/// which it may scale back down to its minimum (to zero, when that is 0). Two Application Auto Scaling scheduled actions on
/// the component's scalable target: at <see cref="Start"/> the minimum capacity becomes <see cref="MinCopies"/> (Application
/// Auto Scaling scales out to it at once), at <see cref="End"/> it goes back to the component's minimum and target
/// tracking scales in as traffic allows (AWS::ApplicationAutoScaling::ScalableTarget <c>ScheduledActions</c>,
/// <c>ScalableTargetAction.MinCapacity</c>, <c>Timezone</c>). The copies keep their instances: an endpoint whose minimum
/// instance count is 0 keeps the instances the warm copies need and releases them once the copies are gone.
/// </summary>
public sealed class WarmWindow
{
    /// <summary>When the window opens: six cron fields (<see cref="ScheduleCron"/>), for example <c>0 8 ? * MON-FRI *</c>.</summary>
    public required string Start { get; init; }

    /// <summary>When the window closes, in the same form, for example <c>0 19 ? * MON-FRI *</c>.</summary>
    public required string End { get; init; }

    /// <summary>
    /// IANA time zone of <see cref="Start"/> and <see cref="End"/>, for example <c>Europe/Paris</c> (Application Auto Scaling
    /// takes the canonical IANA names Joda-Time knows). Default: UTC.
    /// </summary>
    public string? TimeZone { get; init; }

    /// <summary>Copies kept during the window: above the component's minimum copy count and at most its maximum.</summary>
    public required int MinCopies { get; init; }

    /// <summary>The problems of this window for a component scaling between <paramref name="min"/> and <paramref name="max"/> copies.</summary>
    internal void AddProblems(PropsProblems problems, string property, int min, int max)
    {
        foreach (var (name, expression) in new[] { (nameof(Start), Start), (nameof(End), End) })
        {
            var at = $"{property}.{name}";
            foreach (var problem in ScheduleCron.Problems(expression))
            {
                problems.Add(at, $"{Property.Ref(at)}: {problem}");
            }
        }

        var zoneProperty = $"{property}.{nameof(TimeZone)}";
        if (TimeZone is { } zone && !IsIanaZone(zone))
        {
            problems.Add(zoneProperty, $"{Property.Ref(zoneProperty)} '{zone}' is not an IANA time zone name (for example Europe/Paris, America/New_York or UTC)");
        }

        var copiesProperty = $"{property}.{nameof(MinCopies)}";
        if (MinCopies <= min || MinCopies > max)
        {
            problems.Add(copiesProperty, $"{Property.Ref(copiesProperty)} {MinCopies} must be above the minimum copy count {min} (or the window changes nothing) and at most the maximum copy count {max}");
        }
    }

    /// <summary>
    /// True for an IANA zone name the machine's time zone database knows (on Linux the tzdata files, on Windows ICU), and
    /// not a Windows zone id such as <c>Pacific Standard Time</c>, which .NET also accepts but Application Auto Scaling does not.
    /// </summary>
    internal static bool IsIanaZone(string zone)
        => !string.IsNullOrWhiteSpace(zone)
           && zone == zone.Trim()
           && TimeZoneInfo.TryFindSystemTimeZoneById(zone, out var found)
           && found.HasIanaId;
}
