using LlmHosting.App.Configuration;
using LlmHosting.Constructs.Sagemaker;

namespace LlmHosting.App.Stacks;

/// <summary>The LLM serving rows of the Serving stack's dashboard, when the environment says where vLLM's metrics are.</summary>
public sealed partial class ServingStack
{
    // One row per model clients call: endpoints, components and adapters, in configuration order.
    private void AddLlmServingRows(EnvironmentConfig config)
    {
        if (config.Operations.LlmMetrics is not { } section)
        {
            return;
        }

        var metrics = section.ToMetrics();
        foreach (var model in Endpoints.Cast<IServedModel>().Concat(InferenceComponents).Concat(Adapters))
        {
            OperationsDashboard.AddLlmServing(model, metrics);
        }
    }
}
