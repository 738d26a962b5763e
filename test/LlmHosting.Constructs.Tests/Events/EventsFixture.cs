using Amazon.CDK;
using Amazon.CDK.AWS.CloudWatch;
using Amazon.CDK.AWS.Events;
using Amazon.CDK.AWS.Lambda;
using LlmHosting.Constructs.Events;
using LlmHosting.Constructs.Sagemaker;
using LlmHosting.Constructs.Sagemaker.Components;
using System.Text.Json.Nodes;

namespace LlmHosting.Constructs.Tests.Events;

/// <summary>
/// One stack with every input of <see cref="ModelOperationsEvents"/> used, given partly through props and
/// partly added after construction, synthesized once for the tests that only read it.
/// </summary>
public sealed class EventsFixture
{
    public EventsFixture()
    {
        var stack = TestStacks.New();
        var latency = NewAlarm(stack, "LatencyAlarm");
        var errors = NewAlarm(stack, "ErrorAlarm");
        var bus = new EventBus(stack, "CentralBus");
        var notifier = new Function(stack, "Notifier", new FunctionProps
        {
            Runtime = new Runtime("nodejs22.x", RuntimeFamily.NODEJS, new LambdaRuntimeProps { SupportsInlineCode = true }),
            Handler = "index.handler",
            Code = Code.FromInline("exports.handler = async () => {};"),
        });

        Events = new ModelOperationsEvents(stack, "Operations", new ModelOperationsEventsProps
        {
            EndpointNamePrefix = "llm-dev-",
            ImportedModelNamePrefix = "llm-dev-",
            Alarms = [latency],
            AlarmEmails = ["ml-oncall@example.com", "lead@example.com"],
            ForwardToEventBus = bus,
            ForwardToFunction = notifier,
        });
        Events.AddEndpoint("shared-endpoint");
        Events.AddAlarms(errors);

        var dashboard = new ModelOperationsDashboard(stack, "Dashboard", new ModelOperationsDashboardProps { DashboardName = "llm-dev-model-operations" });
        dashboard.AddEndpoint(VllmEndpoint.FromEndpointName(stack, "Endpoint", "llm-dev-gpt-oss-20b"));
        dashboard.AddInferenceComponent(InferenceComponent.FromComponentName(stack, "Component", "llm-dev-shared", "llm-dev-qwen3-4b"));
        dashboard.AddModelImportOutcomes(Events.ModelImportCompletedRule!, Events.ModelImportFailedRule!);
        dashboard.AddUndeliveredEvents(Events);

        Template = TestStacks.Json(stack);
    }

    public ModelOperationsEvents Events { get; }

    public JsonObject Template { get; }

    /// <summary>The rule whose logical id starts with the construct path of <paramref name="ruleId"/>.</summary>
    public JsonObject Rule(string ruleId)
        => Assert.Single(TestStacks.Resources(Template, "AWS::Events::Rule"), r => r.Id.StartsWith("Operations" + ruleId, StringComparison.Ordinal)).Properties;

    public static Alarm NewAlarm(Stack stack, string id) => new(stack, id, new AlarmProps
    {
        Metric = new Metric(new MetricProps { Namespace = "AWS/SageMaker", MetricName = "ModelLatency" }),
        Threshold = 1,
        EvaluationPeriods = 1,
    });
}
