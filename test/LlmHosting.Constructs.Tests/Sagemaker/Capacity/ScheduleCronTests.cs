using LlmHosting.Constructs.Sagemaker.Scaling;
using Quartz;

namespace LlmHosting.Constructs.Tests.Sagemaker.Capacity;

/// <summary>
/// The Application Auto Scaling cron check against Quartz.NET's parser, whose syntax EventBridge's cron (which Application
/// Auto Scaling uses) derives from: Quartz has a seconds field in front and an optional year, so each six-field expression
/// is given to it as <c>0 &lt;expression&gt;</c>. Quartz features EventBridge does not document (offsets such as <c>L-3</c>,
/// wrap-around ranges, years past 2099, empty list items) stay out of the corpus, and so does a day-of-month
/// given together with a day-of-week, which this Quartz.NET accepts and EventBridge's reference forbids (tested below).
/// </summary>
public sealed class ScheduleCronTests
{
    public static TheoryData<string> Corpus =>
    [
        "0 8 ? * MON-FRI *", "0 18 ? * MON-FRI *", "30 6 ? * MON *", "*/15 * * * ? *", "0 0 1 * ? *", "0 12 L * ? *",
        "0 9 15W * ? *", "0 9 LW * ? *", "0 10 ? * 6#3 *", "0 10 ? * 6L *", "0 10 ? * L *", "0,30 8-17 ? JAN-MAR MON,WED,FRI 2026",
        "5/10 * ? * * *", "0 0 ? * SUN 2030-2035", "0 8 ? * mon-fri *", "59 23 31 12 ? 2099",
        "60 8 ? * MON-FRI *", "0 24 ? * * *", "0 8 ? * ? *", "0 8 32 * ? *", "0 8 ? 13 * *", "0 8 ? * 8 *",
        "0 8 ? * MON#6 *", "0 8 W * ? *", "0 8 ? * FOO *", "*/0 * ? * * *", "0 8 ? * 5W *", "a b c d e f", "0 8 0 * ? *",
        "0 8 ? 0 * *", "0 8 ? * 0 *", "0-60 8 ? * * *", "0 8 ? * MON-FRI 1969", "*/60 * ? * * *",
    ];

    [Theory]
    [MemberData(nameof(Corpus))]
    public void Problems_AgreeWithQuartz(string expression)
    {
        var quartz = CronExpression.TryParse("0 " + expression, out _);
        var problems = ScheduleCron.Problems(expression);
        Assert.True(quartz == (problems.Count == 0), $"'{expression}': Quartz says {(quartz ? "valid" : "invalid")}, the check says [{string.Join("; ", problems)}]");
    }

    [Fact]
    public void Problems_DayOfMonthAndDayOfWeekBothGiven_AreRefusedAsEventBridgeSays()
        => Assert.Equal(
            "day-of-month ('*') and day-of-week ('MON') cannot both be given: make one of them '?'",
            Assert.Single(ScheduleCron.Problems("0 8 * * MON *")));

    [Fact]
    public void Problems_FiveFields_AreRefused_AsApplicationAutoScalingWantsTheYear()
        => Assert.Equal(
            "'0 8 ? * MON-FRI' is not a cron expression of six fields (minutes hours day-of-month month day-of-week year, for example 0 8 ? * MON-FRI *)",
            Assert.Single(ScheduleCron.Problems("0 8 ? * MON-FRI")));

    [Theory]
    [InlineData("0 8 ? * MON-FRI *", "cron(0 8 ? * MON-FRI *)")]
    [InlineData("cron(0 8 ? * MON-FRI *)", "cron(0 8 ? * MON-FRI *)")]
    [InlineData("  0   8 ? * MON-FRI *  ", "cron(0 8 ? * MON-FRI *)")]
    [InlineData("rate(5 minutes)", null)]
    public void Normalize_WrapsSixFields(string expression, string? expected) => Assert.Equal(expected, ScheduleCron.Normalize(expression));
}
