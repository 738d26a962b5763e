namespace LlmHosting.Constructs.Rules;

/// <summary>
/// Construct ids the library gives children it adds once per stack (the handler providers, the log group defaults).
/// An app that derives construct ids from its users' names checks them against these: a construct of the same id at
/// the stack's top level would collide with, or be mistaken for, the library's.
/// </summary>
public static class ReservedIds
{
    /// <summary>The container of the weights gates and their handler provider.</summary>
    public const string WeightsGates = "LlmHostingWeightsGates";

    /// <summary>The container of the endpoint scaling resources' handler provider.</summary>
    public const string EndpointScaling = "LlmHostingEndpointScaling";

    /// <summary>The holder of a stack's log group defaults (<c>LogGroupOptions.SetDefaults</c>).</summary>
    public const string LogGroupDefaults = "LlmHostingLogGroupDefaults";

    /// <summary>Every id above.</summary>
    public static IReadOnlyList<string> All { get; } = [WeightsGates, EndpointScaling, LogGroupDefaults];
}
