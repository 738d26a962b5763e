using LlmHosting.App.Configuration;

namespace LlmHosting.App.Stacks;

using Components = LlmHosting.Constructs.Sagemaker.Components;

/// <summary>The LoRA adapters of the Serving stack: one adapter inference component per <c>componentEndpoint.adapters</c> entry.</summary>
public sealed partial class ServingStack
{
    /// <summary>The adapter components of <see cref="ComponentEndpoint"/>, in configuration order.</summary>
    public IReadOnlyList<Components.AdapterComponent> Adapters { get; private set; } = [];

    // Each adapter on its base component (created above; a base whose problems were reported has no adapter either), with
    // the outputs a client needs, as a component has.
    private void AddAdapters(EnvironmentConfig config, ConstructProblems problems)
    {
        if (config.ComponentEndpoint is not { } endpointConfig || ComponentEndpoint is not { } endpoint)
        {
            return;
        }

        var components = InferenceComponents.ToDictionary(c => c.Node.Id);
        var adapters = new List<Components.AdapterComponent>();
        for (var i = 0; i < endpointConfig.Adapters.Count; i++)
        {
            var adapter = endpointConfig.Adapters[i];
            var baseIndex = endpointConfig.Components.FindIndex(c => c.Name == adapter.Base);
            if (baseIndex < 0 || components.GetValueOrDefault(endpointConfig.Components[baseIndex].ConstructId) is not { } baseComponent)
            {
                continue;
            }

            var keys = adapter.KeysAt($"{AdapterComponentConfig.Path}[{i}]", $"{ComponentEndpointConfig.Path}.components[{baseIndex}]");
            if (problems.Create(keys, () => baseComponent.AddAdapter(adapter.ConstructId, adapter.ToOptions(endpoint.EndpointName, ModelBucket))) is not { } created)
            {
                continue;
            }

            adapters.Add(created);
            OperationsDashboard.AddInferenceComponent(created);
            AddOutputs(ServingIds.ComponentOutputPrefix(adapter.ConstructId), ServingIds.ComponentOutputs, [
                ($"SageMaker endpoint hosting the LoRA adapter {adapter.Name}.", created.EndpointName),
                ($"Adapter inference component serving {adapter.Name} on {baseComponent.InferenceComponentName}.", created.InferenceComponentName),
                ($"OpenAI-compatible base URL of the adapter {adapter.Name} (bearer token from sagemaker:CallWithBearerToken)."
                    + (baseComponent.MinCopyCount == 0 ? " Its base scales to zero: the first request after idle fails until a copy has started; retry." : ""),
                    created.OpenAiBaseUrl),
                ("Model name to send in OpenAI requests to the adapter (its component's name; UNCONFIRMED, see the components README).", created.ServedModelName),
            ]);
        }

        Adapters = adapters;
    }
}
