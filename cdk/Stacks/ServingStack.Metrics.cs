using Amazon.CDK;
using Amazon.CDK.AWS.CloudWatch;
using LlmHosting.App.Configuration;
using LlmHosting.Constructs.Sagemaker;

namespace LlmHosting.App.Stacks;

/// <summary>The LLM serving rows of the Serving stack's dashboard, when the environment says where vLLM's metrics are.</summary>
public sealed partial class ServingStack
{
    // The alarm on a model's time to first token that rolls its updates back, created before the model (it takes it in its
    // props) and routed to the operations topic like the model's own alarms; null when the environment sets no threshold.
    private IAlarm[]? TimeToFirstTokenRollback(EnvironmentConfig config, string idPrefix, string name, bool component)
    {
        if (config.Operations.LlmMetrics is not { TimeToFirstTokenRollbackSeconds: { } seconds } section)
        {
            return null;
        }

        var metrics = section.ToMetrics();
        var alarm = metrics.TimeToFirstTokenAlarm(
            this, idPrefix + ServingIds.TimeToFirstTokenAlarm, component ? metrics.ComponentDimension : metrics.EndpointDimension, name,
            $"{name}-time-to-first-token", Duration.Millis(Math.Round(seconds * 1000)));
        Operations.AddAlarms([alarm]);
        return [alarm];
    }

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
