using LlmHosting.Constructs.Events;
using LlmHosting.Constructs.Rules;

namespace LlmHosting.App.Configuration;

/// <summary>Who is told about the environment's endpoints, model imports and alarms (<c>operations</c>).</summary>
public sealed record OperationsConfig
{
    private const string Path = "operations";

    /// <summary>
    /// E-mail addresses subscribed to the environment's notification topic (each must confirm the
    /// subscription mail once). Default: none.
    /// </summary>
    public IReadOnlyList<string> AlarmEmails { get; init; } = [];

    /// <summary>
    /// Where vLLM's serving metrics (time to first token, inter-token latency, tokens, requests, KV cache) are in CloudWatch,
    /// for a dashboard row per model. Default: none (no such row): the path of these metrics to CloudWatch is UNCONFIRMED.
    /// </summary>
    public LlmMetricsConfig? LlmMetrics { get; init; }

    internal void Validate(ICollection<string> problems)
    {
        for (var i = 0; i < AlarmEmails.Count; i++)
        {
            if (!AwsNames.IsEmailAddress(AlarmEmails[i]))
            {
                problems.Add($"{Path}.alarmEmails[{i}] '{AlarmEmails[i]}' is not an e-mail address");
            }
        }

        LlmMetrics?.Validate(problems, $"{Path}.llmMetrics");

        // Addresses are compared as SNS delivers them: the same mailbox in another letter case is the same subscriber.
        foreach (var duplicate in AlarmEmails.GroupBy(e => e, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1))
        {
            problems.Add($"{Path}.alarmEmails lists '{duplicate.Key}' more than once");
        }
    }

    /// <summary>The props of the environment's operations events, from this validated section.</summary>
    /// <param name="environment">The environment: its name prefix selects its endpoints and imported models.</param>
    internal ModelOperationsEventsProps ToProps(EnvironmentConfig environment) => new()
    {
        // Endpoints, components and imported models are named <namePrefix>-<name>, so the prefix selects exactly
        // this environment's resources.
        EndpointNamePrefix = environment.NamePrefix + "-",
        ImportedModelNamePrefix = environment.NamePrefix + "-",
        AlarmEmails = AlarmEmails,
        TopicDisplayName = $"Model operations {environment.Name}",
        // The key follows the environment's log groups: an environment that destroys them is short-lived, and the key
        // encrypts no stored data (only notifications on their way), so it goes with the stack too.
        TopicKeyRemovalPolicy = environment.Logs.RemovalPolicy == "destroy" ? Amazon.CDK.RemovalPolicy.DESTROY : null,
    };

    /// <summary>Where the operations props come from, for messages.</summary>
    internal static PropsKeys Keys { get; } = new(Path,
    [
        new(nameof(ModelOperationsEventsProps.AlarmEmails), $"{Path}.alarmEmails"),
        new(nameof(ModelOperationsEventsProps.EndpointNamePrefix), "namePrefix"),
        new(nameof(ModelOperationsEventsProps.ImportedModelNamePrefix), "namePrefix"),
        new(nameof(ModelOperationsEventsProps.TopicKeyRemovalPolicy), "logs.removalPolicy"),
    ]);
}
