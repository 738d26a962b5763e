using System.Text.RegularExpressions;
using Amazon.CDK;

namespace LlmHosting.Constructs.Sagemaker;

/// <summary>Checks shared by SageMaker endpoints and inference components.</summary>
internal static class SagemakerNames
{
    /// <summary>Longest endpoint or inference component name.</summary>
    internal const int MaxLength = 63;

    /// <summary>Shortest and longest start-up health-check and model download timeouts, in seconds.</summary>
    internal const int MinTimeoutSeconds = 60, MaxTimeoutSeconds = 3600;

    private static readonly Regex Pattern = new("^[a-zA-Z0-9]([-a-zA-Z0-9]*[a-zA-Z0-9])?$", RegexOptions.CultureInvariant);

    /// <summary>Adds a problem when <paramref name="name"/> is not a valid endpoint or component name.</summary>
    internal static void CheckName(ICollection<string> problems, string property, string? name)
    {
        if (name is null || Token.IsUnresolved(name))
        {
            return;
        }

        if (name.Length > MaxLength || !Pattern.IsMatch(name))
        {
            problems.Add($"{property} '{name}' must be 1-{MaxLength} letters, digits or hyphens, starting and ending with a letter or digit (it has {name.Length} characters)");
        }
    }

    /// <summary>Adds a problem when <paramref name="timeout"/> is not a whole number of seconds within 60-3600.</summary>
    internal static void CheckTimeout(ICollection<string> problems, string property, Duration? timeout)
    {
        if (timeout is null || Token.IsUnresolved(timeout.ToString()))
        {
            return;
        }

        var seconds = timeout.ToSeconds(new TimeConversionOptions { Integral = false });
        if (seconds < MinTimeoutSeconds || seconds > MaxTimeoutSeconds || seconds % 1 != 0)
        {
            problems.Add($"{property} is {timeout.ToHumanString()}; SageMaker accepts whole seconds from {MinTimeoutSeconds} to {MaxTimeoutSeconds}");
        }
    }

    /// <summary>The endpoint's log group, where SageMaker writes the container's output.</summary>
    internal static string EndpointLogGroup(string endpointName) => $"/aws/sagemaker/Endpoints/{endpointName}";
}
