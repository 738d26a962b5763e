using LlmHosting.Constructs.Sagemaker;
using LlmHosting.Constructs.Sagemaker.Capacity;
using static LlmHosting.Constructs.Tests.Sagemaker.Capacity.CapacityStacks;

namespace LlmHosting.Constructs.Tests.Sagemaker.Capacity;

public sealed class CapacityReservationTests
{
    private const string Plan = "arn:aws:sagemaker:us-east-1:123456789012:training-plan/p5-evaluation";

    [Fact]
    public void Ctor_Reservation_WritesArnAndTheOnlyPreference()
    {
        var (stack, _) = Endpoint(reservation: new CapacityReservation { MlReservationArn = Plan, InstanceType = GpuInstanceType.P5_48XLARGE, InstanceCount = 4 });
        var variant = Single(TestStacks.Json(stack), "AWS::SageMaker::EndpointConfig")["ProductionVariants"]![0]!;
        Assert.Equal(
            """{"CapacityReservationPreference":"capacity-reservations-only","MlReservationArn":"arn:aws:sagemaker:us-east-1:123456789012:training-plan/p5-evaluation"}""",
            variant["CapacityReservationConfig"]!.ToJsonString());
        Assert.Equal("ml.p5.48xlarge", (string)variant["InstanceType"]!);
    }

    [Theory]
    [InlineData("arn:aws:sagemaker:us-east-1:123456789012:ml-reservation/r-1")]
    [InlineData(Plan)]
    public void Ctor_ReservationOrTrainingPlanArn_IsAccepted(string arn)
        => Endpoint(reservation: new CapacityReservation { MlReservationArn = arn });

    [Theory]
    [InlineData("arn:aws:sagemaker:us-east-1:12345:training-plan/p", "CapacityReservation.MlReservationArn 'arn:aws:sagemaker:us-east-1:12345:training-plan/p' is not a reservation ARN")]
    [InlineData("training-plan/p5", "is not a reservation ARN (arn:<partition>:sagemaker:<region>:<account>:ml-reservation|training-plan/<name>)")]
    [InlineData("arn:aws:sagemaker:us-east-1:123456789012:endpoint/x", "names a resource of type endpoint, not an ML capacity reservation (ml-reservation) or a training plan (training-plan)")]
    [InlineData("arn:aws:sagemaker:eu-west-1:123456789012:training-plan/p", "is in region 'eu-west-1', but the endpoint is in us-east-1")]
    [InlineData("arn:aws:sagemaker:us-east-1:999999999999:training-plan/p", "belongs to account 999999999999, but the endpoint is in account 123456789012")]
    [InlineData("arn:aws-cn:sagemaker:us-east-1:123456789012:training-plan/p", "is in partition aws-cn, but region us-east-1 is in aws")]
    public void Ctor_BadArn_NamesIt(string arn, string expected)
        => Assert.Contains(expected, Error(() => Endpoint(reservation: new CapacityReservation { MlReservationArn = arn })));

    [Fact]
    public void Ctor_ReservedTypeIsNotTheEndpoints_NamesBoth()
        => Assert.Contains(
            "CapacityReservation.InstanceType ml.p5e.48xlarge is the reserved type, but the endpoint runs ml.p5.48xlarge",
            Error(() => Endpoint(reservation: new CapacityReservation { MlReservationArn = Plan, InstanceType = GpuInstanceType.P5E_48XLARGE })));

    [Fact]
    public void Ctor_ReservationSmallerThanTheMaximum_NamesBoth()
        => Assert.Contains(
            "CapacityReservation.InstanceCount 1: the endpoint may scale to 2",
            Error(() => Endpoint(reservation: new CapacityReservation { MlReservationArn = Plan, InstanceCount = 1 })));

    [Fact]
    public void Ctor_ReservationWithoutRoomForABlueGreenUpdate_SaysWhatTheUpdateNeeds()
    {
        // One instance: the default policy is blue/green all at once, a second fleet of 2 x 1.
        Assert.Contains(
            "CapacityReservation.InstanceCount 1: an update of the endpoint needs 2 at once",
            Error(() => Endpoint(min: 1, max: 1, reservation: new CapacityReservation { MlReservationArn = Plan, InstanceCount = 1 })));
        Endpoint(min: 1, max: 1, reservation: new CapacityReservation { MlReservationArn = Plan, InstanceCount = 2 });
    }

    [Fact]
    public void Ctor_ReservationAndFallbacks_AreRefusedTogether()
        => Assert.Contains(
            "CapacityReservation and fallback instance types are both set",
            Error(() => Endpoint(reservation: new CapacityReservation { MlReservationArn = Plan }, fallbacks: [FallbackInstanceType.Of(GpuInstanceType.P5E_48XLARGE)])));

    [Fact]
    public void UpdateInstances_RollingAddsOneBatch_BlueGreenAWholeFleet()
    {
        Assert.Equal(8, VariantCapacity.UpdateInstances(LlmHosting.Constructs.Sagemaker.Deployment.EndpointDeploymentPolicy.AllAtOnce(), 4));
        Assert.Equal(6, VariantCapacity.UpdateInstances(LlmHosting.Constructs.Sagemaker.Deployment.EndpointDeploymentPolicy.Rolling(LlmHosting.Constructs.Sagemaker.Deployment.CapacitySize.Percent(50)), 4));
        Assert.Equal(5, VariantCapacity.UpdateInstances(LlmHosting.Constructs.Sagemaker.Deployment.EndpointDeploymentPolicy.Rolling(LlmHosting.Constructs.Sagemaker.Deployment.CapacitySize.Count(1)), 4));
    }
}
