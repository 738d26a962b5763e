namespace LlmHosting.App.Configuration;

/// <summary>
/// The construct ids the Serving stack gives its children, in one place, so that the configuration can tell at load time
/// when two entries (or an entry and the app) would make the same id: CDK refuses a second child of the same id, and
/// the ids of stateful resources are part of their logical ids, so none of them may change.
/// </summary>
internal static class ServingIds
{
    internal const string ModelBucket = "ModelBucket";
    internal const string ModelBucketByName = "ModelBucketByName";
    internal const string ModelBucketKey = "ModelBucketKey";
    internal const string Operations = "Operations";
    internal const string OperationsDashboard = "OperationsDashboard";
    internal const string OperationsTopicArn = "OperationsTopicArn";
    internal const string Invoker = "Invoker";
    internal const string InvokerRoleArn = "InvokerRoleArn";
    internal const string ComponentEndpoint = "ComponentEndpoint";
    internal const string ComponentEndpointMetrics = "ComponentEndpointMetrics";
    internal const string ModelDirectory = "ModelDirectory";
    internal const string LogsKey = "LogsKey";
    internal const string Vpc = "Vpc";
    internal const string PrivateInvocation = "PrivateInvocation";

    /// <summary>What the id of a model's rollback alarm on time to first token ends with (after the model's id or output prefix).</summary>
    internal const string TimeToFirstTokenAlarm = "TimeToFirstTokenAlarm";

    /// <summary>Suffixes of the outputs of an endpoint (after its construct id).</summary>
    internal static readonly string[] EndpointOutputs = ["EndpointName", "OpenAiBaseUrl", "ServedModelName"];

    /// <summary>Suffixes of the outputs of an inference component (after <see cref="ComponentOutputPrefix"/>).</summary>
    internal static readonly string[] ComponentOutputs = ["EndpointName", "InferenceComponentName", "OpenAiBaseUrl", "ServedModelName"];

    /// <summary>What a component's outputs start with: <c>ComponentEndpoint&lt;component id&gt;</c>.</summary>
    internal static string ComponentOutputPrefix(string componentId) => ComponentEndpoint + componentId;

    /// <summary>The id of a Bedrock model import.</summary>
    internal static string ModelImport(string importId) => "ModelImport" + importId;

    /// <summary>The id of a Bedrock model import's output.</summary>
    internal static string ImportedModelArn(string importId) => "ImportedModelArn" + importId;

    /// <summary>Every id the Serving stack of <paramref name="environment"/> gives its own children, with what makes it.</summary>
    /// <param name="environment">A validated environment.</param>
    internal static IEnumerable<(string Id, string Owner)> Of(EnvironmentConfig environment)
    {
        foreach (var id in new[] { ModelBucket, ModelBucketByName, ModelBucketKey, Operations, OperationsDashboard, OperationsTopicArn, Invoker, InvokerRoleArn, ComponentEndpoint, ComponentEndpointMetrics, ModelDirectory, LogsKey, Vpc, PrivateInvocation })
        {
            yield return (id, "the app");
        }

        foreach (var id in LlmHosting.Constructs.Rules.ReservedIds.All)
        {
            yield return (id, "the construct library");
        }

        for (var i = 0; i < environment.Endpoints.Count; i++)
        {
            var endpoint = environment.Endpoints[i];
            var owner = $"endpoints[{i}].name '{endpoint.Name}'";
            yield return (endpoint.ConstructId, owner);
            foreach (var output in EndpointOutputs.Append(TimeToFirstTokenAlarm))
            {
                yield return (endpoint.ConstructId + output, owner);
            }
        }

        var components = environment.ComponentEndpoint?.Components ?? [];
        for (var i = 0; i < components.Count; i++)
        {
            // Components are children of the component endpoint.
            yield return ($"{ComponentEndpoint}/{components[i].ConstructId}", $"{ComponentEndpointConfig.Path}.components[{i}].name '{components[i].Name}'");
            foreach (var output in ComponentOutputs.Append(TimeToFirstTokenAlarm))
            {
                yield return (ComponentOutputPrefix(components[i].ConstructId) + output, $"{ComponentEndpointConfig.Path}.components[{i}].name '{components[i].Name}'");
            }
        }

        var adapters = environment.ComponentEndpoint?.Adapters ?? [];
        for (var i = 0; i < adapters.Count; i++)
        {
            // Adapters are children of their base component; their outputs sit beside the components'.
            var owner = $"{AdapterComponentConfig.Path}[{i}].name '{adapters[i].Name}'";
            yield return ($"{ComponentEndpoint}/{ConfigNames.ConstructId(adapters[i].Base)}/{adapters[i].ConstructId}", owner);
            foreach (var output in ComponentOutputs)
            {
                yield return (ComponentOutputPrefix(adapters[i].ConstructId) + output, owner);
            }
        }

        for (var i = 0; i < environment.ModelImports.Count; i++)
        {
            var import = environment.ModelImports[i];
            var owner = $"modelImports[{i}].name '{import.Name}'";
            yield return (ModelImport(import.ConstructId), owner);
            yield return (ImportedModelArn(import.ConstructId), owner);
        }

        for (var i = 0; i < environment.BedrockModels.Count; i++)
        {
            yield return (environment.BedrockModels[i].ConstructId, $"{BedrockModelConfig.Path}[{i}].name '{environment.BedrockModels[i].Name}'");
        }
    }
}
