using System.Text.RegularExpressions;
using Amazon.CDK;
using Constructs;
using LlmHosting.Constructs.Validation;

namespace LlmHosting.Constructs.Sagemaker.Capacity;

/// <summary>
/// Reserved capacity for a production variant (<c>ProductionVariant.CapacityReservationConfig</c>): an ML capacity
/// reservation or a training plan that reserves instances for inference, and SageMaker's only preference,
/// <c>capacity-reservations-only</c> ("SageMaker AI launches instances only into an ML capacity reservation. If no capacity
/// is available, the instances fail to launch", botocore <c>CapacityReservationPreference</c>). The reservation's instance
/// type and count cannot be read offline: give them in <see cref="InstanceType"/> and <see cref="InstanceCount"/> so that
/// synthesis checks the endpoint against them.
/// </summary>
public sealed partial class CapacityReservation
{
    /// <summary>The value of <c>CapacityReservationPreference</c>, the only one botocore and the API reference list.</summary>
    public const string ReservationsOnly = "capacity-reservations-only";

    /// <summary>The resource types of reservations an endpoint can use: ML capacity reservations and training plans.</summary>
    public static readonly IReadOnlyList<string> ResourceTypes = ["ml-reservation", "training-plan"];

    /// <summary>
    /// ARN of the reservation (<c>MlReservationArn</c>), for example
    /// <c>arn:aws:sagemaker:us-east-1:111111111111:training-plan/p5-evaluation</c>. It must be of the stack's partition,
    /// region and account.
    /// </summary>
    public required string MlReservationArn { get; init; }

    /// <summary>The reserved instance type, checked against the endpoint's. Default: not checked.</summary>
    public GpuInstanceType? InstanceType { get; init; }

    /// <summary>
    /// Instances the reservation holds, checked against the most instances the endpoint runs, during updates included.
    /// Default: not checked.
    /// </summary>
    public int? InstanceCount { get; init; }

    /// <summary>The <c>CapacityReservationConfig</c> property.</summary>
    internal Dictionary<string, object> Render() => new()
    {
        ["CapacityReservationPreference"] = ReservationsOnly,
        ["MlReservationArn"] = MlReservationArn,
    };

    /// <summary>
    /// The problems of this reservation for a variant of <paramref name="instanceType"/> in <paramref name="scope"/>'s
    /// stack that runs up to <paramref name="maxInstances"/> instances, and <paramref name="updateInstances"/> during an
    /// update; <paramref name="hasFallbacks"/> when the variant has fallback instance types.
    /// </summary>
    internal void AddProblems(PropsProblems problems, string property, Construct scope, GpuInstanceType instanceType, bool hasFallbacks, int maxInstances, int updateInstances)
    {
        var arnProperty = property + "." + nameof(MlReservationArn);
        var p = Property.Ref(arnProperty);
        var arn = MlReservationArn ?? "";
        if (!Tokens.IsUnresolved(arn))
        {
            var match = ArnPattern().Match(arn);
            if (!match.Success)
            {
                problems.Add(arnProperty, $"{p} '{arn}' is not a reservation ARN (arn:<partition>:sagemaker:<region>:<account>:{string.Join("|", ResourceTypes)}/<name>)");
            }
            else
            {
                var stack = Stack.Of(scope);
                var type = match.Groups["type"].Value;
                if (!ResourceTypes.Contains(type))
                {
                    problems.Add(arnProperty, $"{p} '{arn}' names a resource of type {type}, not an ML capacity reservation (ml-reservation) or a training plan (training-plan)");
                }

                var region = match.Groups["region"].Value;
                if (!Tokens.IsUnresolved(stack.Region) && region != stack.Region)
                {
                    problems.Add(arnProperty, $"{p} '{arn}' is in region '{region}', but the endpoint is in {stack.Region}; a reservation serves its own region only");
                }

                var account = match.Groups["account"].Value;
                if (!Tokens.IsUnresolved(stack.Account) && account != stack.Account)
                {
                    problems.Add(arnProperty, $"{p} '{arn}' belongs to account {account}, but the endpoint is in account {stack.Account}");
                }

                var partition = match.Groups["partition"].Value;
                if (!Tokens.IsUnresolved(stack.Region) && partition != Partitions.Partition(scope))
                {
                    problems.Add(arnProperty, $"{p} '{arn}' is in partition {partition}, but region {stack.Region} is in {Partitions.Partition(scope)}");
                }
            }
        }

        var typeProperty = property + "." + nameof(InstanceType);
        if (InstanceType is { } reserved && reserved.Name != instanceType.Name)
        {
            problems.Add(typeProperty, $"{Property.Ref(typeProperty)} {reserved.Name} is the reserved type, but the endpoint runs {instanceType.Name}; with {ReservationsOnly} its instances could not launch");
        }

        if (hasFallbacks)
        {
            problems.Add(property, $"{Property.Ref(property)} and fallback instance types are both set; with {ReservationsOnly} SageMaker launches only into the reservation, so a fallback type could never launch: keep one of the two");
        }

        var countProperty = property + "." + nameof(InstanceCount);
        var c = Property.Ref(countProperty);
        if (InstanceCount is { } count)
        {
            if (count < 1)
            {
                problems.Add(countProperty, $"{c} {count} must be at least 1");
            }
            else if (maxInstances > count)
            {
                problems.Add(countProperty, $"{c} {count}: the endpoint may scale to {maxInstances}; instances above the reservation fail to launch: lower the maximum instance count or reserve more");
            }
            else if (updateInstances > count)
            {
                problems.Add(countProperty, $"{c} {count}: an update of the endpoint needs {updateInstances} at once (its deployment policy adds instances while the old ones still run); reserve more or choose a rolling deployment policy with a smaller batch");
            }
        }
    }

    // botocore ProductionVariantCapacityReservationConfig.MlReservationArn:
    // arn:aws[a-z\-]*:sagemaker:[a-z0-9\-]*:[0-9]{12}:[a-z0-9\-]{1,14}/.*
    [GeneratedRegex(@"^arn:(?<partition>aws[a-z\-]*):sagemaker:(?<region>[a-z0-9\-]*):(?<account>[0-9]{12}):(?<type>[a-z0-9\-]{1,14})/.+$", RegexOptions.CultureInvariant)]
    private static partial Regex ArnPattern();
}
