using System.Text.Json.Nodes;
using LlmHosting.Constructs.Sagemaker;
using LlmHosting.Constructs.Sagemaker.Components;
using LlmHosting.Constructs.Sagemaker.Scaling;
using static LlmHosting.Constructs.Tests.Sagemaker.Capacity.CapacityStacks;

namespace LlmHosting.Constructs.Tests.Sagemaker.Capacity;

public sealed class WarmWindowTests
{
    private static WarmWindow Weekdays(int copies = 1, string start = "0 8 ? * MON-FRI *", string end = "cron(0 18 ? * MON-FRI *)", string? zone = "Europe/Paris")
        => new() { Start = start, End = end, TimeZone = zone, MinCopies = copies };

    private static (JsonObject Template, InferenceComponent Component) Synth(WarmWindow[] windows, int min = 0, int max = 1)
    {
        var (stack, _, component) = Component(options: bucket => new InferenceComponentOptions
        {
            InferenceComponentName = "llm-dev-shared-gpt-oss-20b",
            Model = KnownModel.GptOss20b,
            Source = ModelSource.FromBucket(bucket, "models/gpt-oss-20b/"),
            MinCopyCount = min,
            MaxCopyCount = max,
            WarmWindows = windows,
        });
        return (TestStacks.Json(stack), component);
    }

    [Fact]
    public void Window_RaisesTheMinimumAtItsStartAndRestoresItAtItsEnd_InItsTimeZone()
    {
        var (template, component) = Synth([Weekdays()]);
        var actions = Single(template, "AWS::ApplicationAutoScaling::ScalableTarget")["ScheduledActions"]!.AsArray()
            .Select(a => ((string)a!["ScheduledActionName"]!, (string)a["Schedule"]!, (string)a["Timezone"]!, (double)a["ScalableTargetAction"]!["MinCapacity"]!));
        Assert.Equal(
            [("WarmWindow0Start", "cron(0 8 ? * MON-FRI *)", "Europe/Paris", 1d), ("WarmWindow0End", "cron(0 18 ? * MON-FRI *)", "Europe/Paris", 0d)],
            actions);
        Assert.Single(component.WarmWindows);
        // Outside the window the component still scales to zero and wakes up on a request.
        Assert.NotNull(component.ScaleOutFromZeroAlarm);
    }

    [Theory]
    [InlineData("0 8 * * MON-FRI *", "WarmWindows[0].Start: day-of-month ('*') and day-of-week ('MON-FRI') cannot both be given: make one of them '?'")]
    [InlineData("0 25 ? * MON-FRI *", "WarmWindows[0].Start: hours '25' is not valid: use 0-23")]
    [InlineData("0 8 ? * MON-FRI", "WarmWindows[0].Start: '0 8 ? * MON-FRI' is not a cron expression of six fields")]
    public void BadStart_IsNamed(string start, string expected)
        => Assert.Contains(expected, Error(() => Synth([Weekdays(start: start)])));

    [Theory]
    [InlineData("Europe/Pariss")]
    [InlineData("Pacific Standard Time")]
    [InlineData("CET ")]
    public void BadTimeZone_IsNamed(string zone)
        => Assert.Contains($"WarmWindows[0].TimeZone '{zone}' is not an IANA time zone name", Error(() => Synth([Weekdays(zone: zone)])));

    [Theory]
    [InlineData(0, 0, 1)]
    [InlineData(3, 0, 2)]
    [InlineData(1, 1, 2)]
    public void MinCopiesOutsideMinAndMax_IsNamed(int copies, int min, int max)
        => Assert.Contains(
            $"WarmWindows[0].MinCopies {copies} must be above the minimum copy count {min} (or the window changes nothing) and at most the maximum copy count {max}",
            Error(() => Synth([Weekdays(copies)], min, max)));

    [Fact]
    public void WarmCopies_CountInThePackingCheck()
    {
        // Two copies of gpt-oss-20b fit one ml.g6e.xlarge? No: one GPU each; the window's 2 copies need 2 instances.
        var message = Error(() => Component(
            new InferenceComponentEndpointProps { EndpointName = "llm-dev-shared", InstanceType = GpuInstanceType.G6E_XLARGE, MaxInstanceCount = 1 },
            bucket => new InferenceComponentOptions
            {
                InferenceComponentName = "llm-dev-shared-gpt-oss-20b",
                Model = KnownModel.GptOss20b,
                Source = ModelSource.FromBucket(bucket, "models/gpt-oss-20b/"),
                MaxCopyCount = 2,
                WarmWindows = [Weekdays(2)],
            }));
        Assert.Contains("minimum copies need 2 GPUs", message);
    }

    [Theory]
    [InlineData("UTC")]
    [InlineData("America/New_York")]
    [InlineData("Etc/GMT+9")]
    [InlineData("Pacific/Tahiti")]
    public void IanaZones_OfTheApplicationAutoScalingGuide_AreAccepted(string zone) => Assert.True(WarmWindow.IsIanaZone(zone));
}
