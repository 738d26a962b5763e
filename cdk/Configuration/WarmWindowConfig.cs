using LlmHosting.Constructs.Sagemaker.Components;
using LlmHosting.Constructs.Sagemaker.Scaling;

namespace LlmHosting.App.Configuration;

/// <summary>Hours during which a component keeps copies loaded (<c>warmWindows[i]</c>); outside them it scales down to <c>minCopies</c>.</summary>
public sealed record WarmWindowConfig
{
    /// <summary>When the window opens: six cron fields of Application Auto Scaling, for example <c>0 8 ? * MON-FRI *</c>.</summary>
    public string Start { get; init; } = "";

    /// <summary>When it closes, for example <c>0 19 ? * MON-FRI *</c>.</summary>
    public string End { get; init; } = "";

    /// <summary>IANA time zone of the two, for example <c>Europe/Paris</c>. Default: UTC.</summary>
    public string? TimeZone { get; init; }

    /// <summary>Copies kept during the window: above the component's <c>minCopies</c>, at most its <c>maxCopies</c>.</summary>
    public int MinCopies { get; init; }

    internal WarmWindow ToWindow() => new() { Start = Start, End = End, TimeZone = TimeZone, MinCopies = MinCopies };

    internal static IEnumerable<KeyValuePair<string, string>> KeysAt(string path, int count)
    {
        for (var i = 0; i < count; i++)
        {
            foreach (var (property, key) in new[] { ("Start", "start"), ("End", "end"), ("TimeZone", "timeZone"), ("MinCopies", "minCopies") })
            {
                yield return new($"WarmWindows[{i}].{property}", $"{path}.warmWindows[{i}].{key}");
            }
        }
    }
}

/// <summary>How SageMaker places a component's copies on the instances (<c>placement</c>).</summary>
public sealed record PlacementConfig
{
    private static readonly string[] Strategies = ["spread", "binpack"];

    /// <summary><c>spread</c> (evenly over the instances) or <c>binpack</c> (on as few as possible).</summary>
    public string Strategy { get; init; } = "";

    /// <summary>Largest difference in copies between two Availability Zones (0-100). Default: no zone balance.</summary>
    public int? MaxAzImbalance { get; init; }

    internal void Validate(ICollection<string> problems, string path)
    {
        if (!Strategies.Contains(Strategy))
        {
            problems.Add(Strategy.Length == 0 ? $"{path}.strategy is missing (spread or binpack)" : $"{path}.strategy '{Strategy}' is not a placement strategy (spread or binpack)");
        }
    }

    internal CopyPlacement ToPlacement() => Strategy == "binpack" ? CopyPlacement.BinPack(MaxAzImbalance) : CopyPlacement.Spread(MaxAzImbalance);

    internal static IEnumerable<KeyValuePair<string, string>> KeysAt(string path) =>
    [
        new("Placement", path),
        new("Placement.MaxAzImbalance", $"{path}.maxAzImbalance"),
    ];
}
