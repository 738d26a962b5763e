using Amazon.CDK.AWS.CloudWatch;
using Amazon.CDK.AWS.IAM;

namespace LlmHosting.Constructs.Sagemaker.Deployment;

/// <summary>
/// Alarms that an execution role must be able to read because SageMaker watches them during deployments (the rollback
/// alarms of an endpoint update and of each component's update), and the ones that roll back the endpoint's own updates.
/// One statement on the role names them all (<see cref="RollbackAlarms.DescribeStatement"/>).
/// </summary>
internal sealed class RollbackAlarmSet(IRole role)
{
    private readonly List<IAlarm> _endpointAlarms = [];
    private PolicyStatement? _read;

    /// <summary>The alarms that roll back an update of the endpoint, up to SageMaker's maximum.</summary>
    internal IReadOnlyList<IAlarm> EndpointAlarms => _endpointAlarms.Take(RollbackAlarms.Maximum).ToList();

    /// <summary>Adds alarms that roll back updates of the endpoint, and lets the role read them.</summary>
    internal void AddEndpointAlarms(IEnumerable<IAlarm> alarms)
    {
        var list = alarms.ToList();
        _endpointAlarms.AddRange(list);
        Allow(list);
    }

    /// <summary>Lets the role read <paramref name="alarms"/>.</summary>
    internal void Allow(IEnumerable<IAlarm> alarms)
    {
        var list = alarms.ToList();
        if (_read is null)
        {
            _read = RollbackAlarms.DescribeStatement(list);
            if (_read is not null)
            {
                role.AddToPrincipalPolicy(_read);
            }

            return;
        }

        var known = _read.Resources.ToHashSet();
        _read.AddResources([.. list.Select(a => a.AlarmArn).Distinct().Where(known.Add)]);
    }
}
