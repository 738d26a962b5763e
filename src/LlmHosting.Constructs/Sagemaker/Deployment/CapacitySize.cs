using System.Globalization;

namespace LlmHosting.Constructs.Sagemaker.Deployment;

/// <summary>
/// A step of a deployment: a number of instances (of an endpoint) or copies (of an inference component), or a
/// percentage of the current capacity. SageMaker requires a canary, linear or rolling step to be at most 50% of the
/// capacity (and a rolling step at least 5%): the constructs check a count against the fewest instances or copies the
/// endpoint or component can have when a deployment starts.
/// </summary>
public sealed class CapacitySize
{
    private CapacitySize(bool isPercent, int value)
    {
        IsPercent = isPercent;
        Value = value;
    }

    /// <summary>True for a percentage of the capacity, false for a number of instances or copies.</summary>
    public bool IsPercent { get; }

    /// <summary>The number or the percentage.</summary>
    public int Value { get; }

    /// <summary>A number of instances (endpoint) or copies (inference component), at least 1.</summary>
    /// <param name="count">How many.</param>
    public static CapacitySize Count(int count) => new(false, count);

    /// <summary>A percentage of the current instances or copies, 1 to 100.</summary>
    /// <param name="percent">How much.</param>
    public static CapacitySize Percent(int percent) => new(true, percent);

    /// <inheritdoc />
    public override string ToString() => IsPercent ? $"{Value}%" : Value.ToString(CultureInfo.InvariantCulture);

    /// <summary>The whole instances or copies this size stands for out of <paramref name="total"/>: a percentage rounds up, to at least one.</summary>
    internal int Instances(int total) => IsPercent ? Math.Max(1, (int)Math.Ceiling(total * Value / 100.0)) : Value;

    /// <summary>The CloudFormation <c>{Type, Value}</c>, with <paramref name="countType"/> (<c>INSTANCE_COUNT</c> or <c>COPY_COUNT</c>) for counts.</summary>
    internal Dictionary<string, object> Render(string countType) => new()
    {
        ["Type"] = IsPercent ? "CAPACITY_PERCENT" : countType,
        ["Value"] = Value,
    };

    /// <summary>
    /// The problems of this step for a capacity that can be as low as <paramref name="fewest"/> when a deployment
    /// starts: at most half of it (<paramref name="maximumPercent"/>), at least <paramref name="minimumPercent"/>. With
    /// <paramref name="oneAlwaysFits"/> (inference component copies), a count of 1 is always accepted, the smallest step
    /// there is, and a percentage must stand for at least one whole unit at <paramref name="fewest"/>.
    /// </summary>
    internal IEnumerable<string> Problems(string what, int fewest, string unit, int minimumPercent, int maximumPercent, bool oneAlwaysFits = false)
    {
        if (IsPercent)
        {
            if (Value < minimumPercent || Value > maximumPercent)
            {
                yield return $"{what} {this} must be between {minimumPercent}% and {maximumPercent}% of the {unit}";
            }
            else if (oneAlwaysFits && Value * fewest < 100)
            {
                yield return $"{what} {this} is less than one of the {fewest} {unit} there can be when a deployment starts (how SageMaker rounds it is not documented); "
                    + $"use a count such as CapacitySize.Count(1)";
            }
        }
        else if (Value < 1)
        {
            yield return $"{what} {Value} must be at least 1 {unit.TrimEnd('s')}";
        }
        else if (oneAlwaysFits && Value == 1)
        {
            yield break;
        }
        else if (Value * 100 > fewest * maximumPercent)
        {
            yield return $"{what} {Value} is more than {maximumPercent}% of the {fewest} {unit} there can be when a deployment starts; "
                + $"use fewer, a percentage, or raise the minimum {unit}";
        }
    }
}
