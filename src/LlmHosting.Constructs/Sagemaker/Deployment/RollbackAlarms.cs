using Amazon.CDK.AWS.CloudWatch;

namespace LlmHosting.Constructs.Sagemaker.Deployment;

/// <summary>The alarms SageMaker watches during a deployment, shared by endpoints and inference components.</summary>
internal static class RollbackAlarms
{
    /// <summary>Most alarms an <c>AutoRollbackConfig</c> takes (botocore's SageMaker model: <c>AlarmList</c>, max 10).</summary>
    internal const int Maximum = 10;

    internal static Dictionary<string, object> Render(IReadOnlyList<IAlarm> alarms) => new()
    {
        ["Alarms"] = alarms.Select(a => (object)new Dictionary<string, object> { ["AlarmName"] = a.AlarmName }).ToArray(),
    };
}
