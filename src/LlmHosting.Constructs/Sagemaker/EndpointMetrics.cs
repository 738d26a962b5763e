using Amazon.CDK;
using Amazon.CDK.AWS.Sagemaker;
using LlmHosting.Constructs.Validation;

namespace LlmHosting.Constructs.Sagemaker;

/// <summary>
/// What an endpoint publishes to CloudWatch beyond the standard invocation and utilisation metrics:
/// <c>MetricsConfig</c> of <c>AWS::SageMaker::EndpointConfig</c>, written as a property override.
/// </summary>
/// <remarks>
/// Sources: botocore's SageMaker model (<c>CreateEndpointConfig.MetricsConfig</c>: <c>EnableEnhancedMetrics</c>, instance and,
/// for inference components, container granularity; <c>MetricPublishFrequencyInSeconds</c> 10, 30, 60, 120, 180, 240 or 300)
/// and the CloudFormation template reference (<c>AWS::SageMaker::EndpointConfig MetricsConfig</c>, which also has
/// <c>EnableDetailedObservability</c>: the container's Prometheus metrics, per-GPU and placement metrics, on by default for
/// new endpoint configurations). Not in CDK 2.160's L1, nor in cfn-lint 1.51's schema, which therefore reports the property
/// (E3002) on a template that sets it: opt-in, and no checked-in environment sets it.
/// </remarks>
public sealed class EndpointMetrics
{
    /// <summary>The publishing intervals SageMaker accepts, in seconds.</summary>
    public static readonly IReadOnlyList<int> AllowedPublishFrequenciesInSeconds = [10, 30, 60, 120, 180, 240, 300];

    /// <summary>
    /// Enhanced metrics: invocation and utilisation metrics per instance (<c>InstanceId</c>), per container of an inference
    /// component (<c>ContainerId</c>) and per GPU (<c>AcceleratorId</c>). Default: SageMaker's (off).
    /// </summary>
    public bool? EnableEnhancedMetrics { get; init; }

    /// <summary>How often metrics are published: 10, 30, 60, 120, 180, 240 or 300 seconds. Default: SageMaker's (60 seconds).</summary>
    public Duration? PublishFrequency { get; init; }

    /// <summary>
    /// Detailed observability: the container's Prometheus metrics (vLLM's), per-GPU and placement metrics, as OpenTelemetry
    /// metrics in CloudWatch. Only in the CloudFormation reference (not in botocore 1.43): UNCONFIRMED. Default: SageMaker's
    /// (on for new endpoint configurations).
    /// </summary>
    public bool? EnableDetailedObservability { get; init; }

    /// <summary>Adds the problems of these settings under <paramref name="property"/>.</summary>
    internal void AddProblems(PropsProblems problems, string property)
    {
        if (PublishFrequency is { } frequency && !Tokens.IsUnresolved(frequency.ToString())
            && !AllowedPublishFrequenciesInSeconds.Contains((int)frequency.ToSeconds(new TimeConversionOptions { Integral = false })))
        {
            problems.Add($"{property}.{nameof(PublishFrequency)}", $"{Property.Ref($"{property}.{nameof(PublishFrequency)}")} {frequency.ToHumanString()} is not an interval SageMaker publishes at ({string.Join(", ", AllowedPublishFrequenciesInSeconds)} seconds)");
        }
    }

    /// <summary>Writes <c>MetricsConfig</c> on the endpoint configuration (nothing when no setting is given).</summary>
    internal void ApplyTo(CfnEndpointConfig config)
    {
        var settings = new Dictionary<string, object>();
        if (EnableEnhancedMetrics is { } enhanced)
        {
            settings["EnableEnhancedMetrics"] = enhanced;
        }

        if (PublishFrequency is { } frequency)
        {
            settings["MetricPublishFrequencyInSeconds"] = (int)frequency.ToSeconds();
        }

        if (EnableDetailedObservability is { } detailed)
        {
            settings["EnableDetailedObservability"] = detailed;
        }

        if (settings.Count > 0)
        {
            config.AddPropertyOverride("MetricsConfig", settings);
        }
    }
}
