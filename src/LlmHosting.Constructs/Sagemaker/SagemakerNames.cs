using System.Text.RegularExpressions;
using Amazon.CDK;
using LlmHosting.Constructs.Validation;

namespace LlmHosting.Constructs.Sagemaker;

/// <summary>
/// SageMaker's rules for endpoint, inference component and model names (botocore's SageMaker model, <c>EndpointName</c>
/// and <c>InferenceComponentName</c>: <c>^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}</c>), and the checks every serving construct
/// shares. An app checks its names with these before it derives physical names from them.
/// </summary>
public static partial class SagemakerNames
{
    /// <summary>Longest endpoint or inference component name.</summary>
    public const int MaxLength = 63;

    /// <summary>Shortest and longest start-up health-check and model download timeouts, in seconds.</summary>
    internal const int MinTimeoutSeconds = 60, MaxTimeoutSeconds = 3600;

    /// <summary>What a name must look like, for messages.</summary>
    public const string Rule = "1-63 letters, digits or hyphens, starting and ending with a letter or digit";

    /// <summary>True for a valid endpoint or inference component name.</summary>
    /// <param name="name">The name to check.</param>
    public static bool IsValid(string? name) => name is { Length: <= MaxLength } && Pattern().IsMatch(name);

    /// <summary>True for a valid start of such names (it may end with a hyphen), for example <c>llm-dev-</c>.</summary>
    /// <param name="prefix">The prefix to check.</param>
    public static bool IsValidPrefix(string? prefix) => prefix is not null && PrefixPattern().IsMatch(prefix);

    /// <summary>
    /// <paramref name="name"/>, or a name CDK derives from <paramref name="construct"/>'s path that fits SageMaker's rule
    /// (at most <see cref="MaxLength"/> characters, hyphen-separated): the default physical name of every serving construct.
    /// </summary>
    internal static string NameOrDefault(global::Constructs.Construct construct, string? name)
        => name ?? Names.UniqueResourceName(construct, new UniqueResourceNameOptions { MaxLength = MaxLength, Separator = "-" });

    /// <summary>The endpoint's log group, where SageMaker writes the container's output.</summary>
    /// <param name="endpointName">The endpoint name.</param>
    public static string EndpointLogGroup(string endpointName) => $"/aws/sagemaker/Endpoints/{endpointName}";

    /// <summary>The inference component's log group (UNCONFIRMED by AWS documents: see the components README).</summary>
    /// <param name="componentName">The inference component name.</param>
    public static string InferenceComponentLogGroup(string componentName) => $"/aws/sagemaker/InferenceComponents/{componentName}";

    /// <summary>Adds a problem when <paramref name="name"/> is set, resolved and not a valid name.</summary>
    internal static void CheckName(PropsProblems problems, string property, string? name)
    {
        if (name is not null && !Tokens.IsUnresolved(name) && !IsValid(name))
        {
            problems.Add(property, $"{Property.Ref(property)} '{name}' must be {Rule} (it has {name.Length} characters)");
        }
    }

    /// <summary>Adds a problem when <paramref name="timeout"/> is not a whole number of seconds within 60-3600.</summary>
    internal static void CheckTimeout(PropsProblems problems, string property, Duration? timeout)
    {
        if (timeout is null || Tokens.IsUnresolved(timeout.ToString()))
        {
            return;
        }

        var seconds = timeout.ToSeconds(new TimeConversionOptions { Integral = false });
        if (seconds < MinTimeoutSeconds || seconds > MaxTimeoutSeconds || seconds % 1 != 0)
        {
            problems.Add(property, $"{Property.Ref(property)} is {timeout.ToHumanString()}; SageMaker accepts whole seconds from {MinTimeoutSeconds} to {MaxTimeoutSeconds}");
        }
    }

    /// <summary>Adds a problem when an EBS volume size is set where SageMaker does not accept one, or out of range.</summary>
    internal static void CheckVolumeSize(PropsProblems problems, string property, int? volumeSizeInGb, GpuInstanceType instanceType)
    {
        if (volumeSizeInGb is not { } volume)
        {
            return;
        }

        if (instanceType.HasLocalNvme)
        {
            problems.Add(property, $"{Property.Ref(property)} is set but {instanceType.Name} keeps the model on local NVMe storage, where SageMaker does not accept a volume size; leave it unset");
        }
        else if (volume is < 1 or > 512)
        {
            problems.Add(property, $"{Property.Ref(property)} {volume} must be between 1 and 512");
        }
    }

    [GeneratedRegex("^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();

    [GeneratedRegex("^[a-zA-Z0-9][a-zA-Z0-9-]{0,62}$", RegexOptions.CultureInvariant)]
    private static partial Regex PrefixPattern();
}
