using System.Diagnostics;
using System.Text.Json.Nodes;

namespace LlmHosting.Constructs.Tests.Events;

/// <summary>
/// Feeds AWS's documented sample events (<see cref="SampleEvents"/>), adapted to this environment's names and to
/// each case, and the import handler's own events through the synthesized patterns with an independent matcher
/// (moto's EventBridge pattern matcher, run by python3), and shows which rule, if any, notifies for each.
/// </summary>
public sealed class EventPatternMatchingTests(EventsFixture fixture) : IClassFixture<EventsFixture>
{
    private const string Endpoint = "llm-dev-gpt-oss-20b";
    private const string Config = Endpoint + "-config-1";
    private const string NewConfig = Endpoint + "-config-2";

    // UNCONFIRMED wording: AWS documents that FailureReason is set when an endpoint is InService after a failed
    // update, not what it says.
    private const string RollbackReason = "Deployment rolled back: alarm llm-dev-gpt-oss-20b-5xx-errors went to ALARM during baking";

    [Fact]
    public void SampleEvents_NotifyExactlyAsTheTableSays()
    {
        var patterns = new JsonObject();
        foreach (var (id, rule) in TestStacks.Resources(fixture.Template, "AWS::Events::Rule"))
        {
            patterns[RuleName(id)] = ResolveAlarmArns(rule["EventPattern"]!.DeepClone());
        }

        var alarmIds = TestStacks.Resources(fixture.Template, "AWS::CloudWatch::Alarm").Select(a => a.Id).ToList();
        var latency = AlarmArn(Assert.Single(alarmIds, a => a.StartsWith("LatencyAlarm", StringComparison.Ordinal)));
        var errors = AlarmArn(Assert.Single(alarmIds, a => a.StartsWith("ErrorAlarm", StringComparison.Ordinal)));
        const string Failed = "EndpointFailedRule", RolledBack = "EndpointRolledBackRule", Alarm = "AlarmStateChangeRule";

        // Sample event -> the rule that notifies, or null: nobody is told.
        var table = new (string Name, JsonObject Event, string? Rule)[]
        {
            ("endpoint InService after scaling out", SampleEvents.Endpoint(Endpoint, "IN_SERVICE", Config, instances: 2), null),
            ("endpoint InService after scaling, API spelling", SampleEvents.Endpoint(Endpoint, "InService", Config, instances: 2), null),
            ("endpoint InService after a deployment", SampleEvents.Endpoint(Endpoint, "IN_SERVICE", NewConfig), null),
            ("endpoint InService after the update was rolled back", SampleEvents.Endpoint(Endpoint, "IN_SERVICE", Config, failureReason: RollbackReason), RolledBack),
            ("endpoint rolled back, API spelling", SampleEvents.Endpoint(Endpoint, "InService", Config, failureReason: RollbackReason), RolledBack),
            ("endpoint Failed", SampleEvents.Endpoint(Endpoint, "FAILED", NewConfig, failureReason: "CUDA out of memory while loading the model"), Failed),
            ("endpoint Failed, API spelling", SampleEvents.Endpoint(Endpoint, "Failed", NewConfig, failureReason: "CUDA out of memory"), Failed),
            ("endpoint rolling back a failed capacity change", SampleEvents.Endpoint(Endpoint, "ROLLING_BACK", Config, instances: 2), Failed),
            ("endpoint rollback failed", SampleEvents.Endpoint(Endpoint, "UPDATE_ROLLBACK_FAILED", NewConfig, failureReason: "rollback failed"), Failed),
            ("endpoint rollback failed, API spelling", SampleEvents.Endpoint(Endpoint, "UpdateRollbackFailed", NewConfig, failureReason: "rollback failed"), Failed),
            ("endpoint Updating", SampleEvents.Endpoint(Endpoint, "UPDATING", Config), null),
            ("endpoint Creating", SampleEvents.Endpoint(Endpoint, "CREATING", Config), null),
            ("endpoint added by name Failed", SampleEvents.Endpoint("shared-endpoint", "FAILED", "shared-config", failureReason: "capacity"), Failed),
            ("endpoint of prod Failed", SampleEvents.Endpoint("llm-prod-gpt-oss-20b", "FAILED", "c", failureReason: "x"), null),
            ("endpoint of prod rolled back", SampleEvents.Endpoint("llm-prod-gpt-oss-20b", "IN_SERVICE", "c", failureReason: RollbackReason), null),
            ("endpoint with a similar prefix Failed", SampleEvents.Endpoint("llm-dev2-gpt-oss-20b", "FAILED", "c", failureReason: "x"), null),
            ("documented endpoint sample as published", SampleEvents.Parse(SampleEvents.EndpointStateChange), null),
            ("deployment baking a canary", SampleEvents.Deployment(SampleEvents.DeploymentStateChangeCanary, Endpoint), null),
            ("deployment scaling out", SampleEvents.Deployment(SampleEvents.DeploymentStateChangeCapacity, Endpoint), null),
            ("import Completed", ImportEvent("llm-dev-gpt-oss-20b", "Completed"), "ModelImportCompletedRule"),
            ("import Failed", ImportEvent("llm-dev-gpt-oss-20b", "Failed"), "ModelImportFailedRule"),
            ("import of prod Completed", ImportEvent("llm-prod-gpt-oss-20b", "Completed"), null),
            ("import of prod Failed", ImportEvent("llm-prod-gpt-oss-20b", "Failed"), null),
            ("import Failed from another source", ImportEvent("llm-dev-gpt-oss-20b", "Failed", source: "aws.bedrock"), null),
            ("alarm OK -> ALARM", SampleEvents.Alarm(latency, "OK", "ALARM"), Alarm),
            ("alarm INSUFFICIENT_DATA -> ALARM", SampleEvents.Alarm(latency, "INSUFFICIENT_DATA", "ALARM"), Alarm),
            ("alarm ALARM -> OK", SampleEvents.Alarm(latency, "ALARM", "OK"), Alarm),
            ("alarm INSUFFICIENT_DATA -> OK", SampleEvents.Alarm(latency, "INSUFFICIENT_DATA", "OK"), null),
            ("alarm OK -> INSUFFICIENT_DATA", SampleEvents.Alarm(latency, "OK", "INSUFFICIENT_DATA"), null),
            ("alarm ALARM -> INSUFFICIENT_DATA", SampleEvents.Alarm(latency, "ALARM", "INSUFFICIENT_DATA"), null),
            ("alarm added later OK -> ALARM", SampleEvents.Alarm(errors, "OK", "ALARM"), Alarm),
            ("alarm of prod OK -> ALARM", SampleEvents.Alarm($"arn:aws:cloudwatch:us-east-1:{SampleEvents.Account}:alarm:llm-prod-latency", "OK", "ALARM"), null),
            ("documented alarm sample as published", SampleEvents.Parse(SampleEvents.AlarmStateChange), null),
        };

        var events = new JsonObject();
        foreach (var (name, sample, _) in table)
        {
            events.Add(name, sample);
        }

        var matches = Match(patterns, events);
        Assert.Equal(["AlarmStateChangeRule", "EndpointFailedRule", "EndpointRolledBackRule", "ModelImportCompletedRule", "ModelImportFailedRule"], matches.Keys.Order());
        string Rules(IEnumerable<string> rules) => rules.Any() ? string.Join(", ", rules) : "nobody";
        var wrong = table
            .Select(row => (row.Name, Expected: Rules(row.Rule is null ? [] : [row.Rule]), Actual: Rules(matches.Where(m => m.Value.Contains(row.Name)).Select(m => m.Key).Order())))
            .Where(row => row.Expected != row.Actual)
            .Select(row => $"{row.Name}: expected {row.Expected}, notified {row.Actual}")
            .ToList();
        Assert.True(wrong.Count == 0, "Sample events that notify otherwise than the table says:\n" + string.Join("\n", wrong));
    }

    [Fact]
    public void Matcher_RejectsWrongPatterns_SoTheTableAboveCanFail()
    {
        var patterns = new JsonObject
        {
            // Statuses are case-sensitive.
            ["api-spelling-only"] = JsonNode.Parse("""{"source":["aws.sagemaker"],"detail":{"EndpointStatus":["Failed"]}}"""),
            // Without the FailureReason condition, every scaling event would notify.
            ["in-service-without-reason"] = JsonNode.Parse("""{"detail":{"EndpointStatus":["IN_SERVICE"]}}"""),
            // The alarm rule before this change: the first OK of every alarm notified.
            ["alarm-or-ok"] = JsonNode.Parse("""{"detail":{"state":{"value":["ALARM","OK"]}}}"""),
            // "$or" branches are evaluated: OK after ALARM only.
            ["ok-after-alarm"] = JsonNode.Parse("""{"detail":{"$or":[{"state":{"value":["OK"]},"previousState":{"value":["ALARM"]}}]}}"""),
        };
        var alarm = $"arn:aws:cloudwatch:us-east-1:{SampleEvents.Account}:alarm:x";
        var events = new JsonObject
        {
            ["failed"] = SampleEvents.Endpoint("llm-dev-a", "FAILED", "c", failureReason: "x"),
            ["scaled"] = SampleEvents.Endpoint("llm-dev-a", "IN_SERVICE", "c", instances: 2),
            ["first-ok"] = SampleEvents.Alarm(alarm, "INSUFFICIENT_DATA", "OK"),
            ["raised"] = SampleEvents.Alarm(alarm, "OK", "ALARM"),
        };

        var matches = Match(patterns, events);

        Assert.Empty(matches["api-spelling-only"]);
        Assert.Equal(["scaled"], matches["in-service-without-reason"]);
        Assert.Equal(["first-ok", "raised"], matches["alarm-or-ok"]);
        Assert.Empty(matches["ok-after-alarm"]);
    }

    // The events the model import handler emits (see ModelImportEvents).
    private static JsonObject ImportEvent(string importedModelName, string status, string source = "llmhosting.bedrock-model-import")
    {
        var jobArn = $"arn:aws:bedrock:us-east-1:{SampleEvents.Account}:model-import-job/abcd1234efgh";
        var detail = new JsonObject
        {
            ["status"] = status,
            ["jobArn"] = jobArn,
            ["jobName"] = importedModelName + "-import",
            ["importedModelName"] = importedModelName,
            ["stackId"] = $"arn:aws:cloudformation:us-east-1:{SampleEvents.Account}:stack/devModelHosting/1",
            ["logicalResourceId"] = "GptOss20bImport",
        };
        if (status == "Completed")
        {
            detail["importedModelArn"] = $"arn:aws:bedrock:us-east-1:{SampleEvents.Account}:imported-model/abcdefgh1234";
        }
        else
        {
            detail["failureMessage"] = "model.safetensors.index.json has no metadata";
        }

        return new JsonObject
        {
            ["version"] = "0",
            ["id"] = Guid.NewGuid().ToString(),
            ["detail-type"] = "Bedrock Model Import Job State Change",
            ["source"] = source,
            ["account"] = SampleEvents.Account,
            ["time"] = "2026-11-22T04:00:00Z",
            ["region"] = "us-east-1",
            ["resources"] = new JsonArray(jobArn),
            ["detail"] = detail,
        };
    }

    private static string AlarmArn(string logicalId) => $"arn:aws:cloudwatch:us-east-1:{SampleEvents.Account}:alarm:{logicalId}";

    // Alarm ARNs are the only tokens in the patterns ({"Fn::GetAtt": [<alarm>, "Arn"]}); each becomes the
    // sample ARN of that alarm. Any other token fails the test rather than being matched as an object.
    private static JsonNode ResolveAlarmArns(JsonNode node)
    {
        switch (node)
        {
            case JsonObject obj when obj["Fn::GetAtt"] is JsonArray getAtt:
                Assert.Equal("Arn", (string)getAtt[1]!);
                return JsonValue.Create(AlarmArn((string)getAtt[0]!));
            case JsonObject obj:
                Assert.DoesNotContain(obj, p => p.Key.StartsWith("Fn::", StringComparison.Ordinal) || p.Key == "Ref");
                foreach (var key in obj.Select(p => p.Key).ToList())
                {
                    obj[key] = ResolveAlarmArns(obj[key]!.DeepClone());
                }

                return obj;
            case JsonArray array:
                return new JsonArray(array.Select(item => (JsonNode?)ResolveAlarmArns(item!.DeepClone())).ToArray());
            default:
                return node;
        }
    }

    private static string RuleName(string logicalId)
        => new[] { "EndpointFailedRule", "EndpointRolledBackRule", "ModelImportCompletedRule", "ModelImportFailedRule", "AlarmStateChangeRule" }
            .Single(name => logicalId.StartsWith("Operations" + name, StringComparison.Ordinal));

    private static Dictionary<string, List<string>> Match(JsonObject patterns, JsonObject events)
    {
        var script = Path.Combine(AppContext.BaseDirectory, "Events", "match_events.py");
        Assert.True(File.Exists(script), $"missing {script}");
        var start = new ProcessStartInfo("python3", [script])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start) ?? throw new InvalidOperationException("python3 could not be started");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.StandardInput.Write(new JsonObject { ["patterns"] = patterns, ["events"] = events }.ToJsonString());
        process.StandardInput.Close();
        if (!process.WaitForExit(TimeSpan.FromSeconds(60)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail("the moto matcher did not finish within 60 s");
        }

        // Missing python3 or moto fails here with the interpreter's message: the machine image provides both.
        Assert.True(process.ExitCode == 0, $"python3 {script} failed ({process.ExitCode}): {stderr.Result}");
        return JsonNode.Parse(stdout.Result)!.AsObject()
            .ToDictionary(p => p.Key, p => p.Value!.AsArray().Select(e => (string)e!).ToList());
    }
}
