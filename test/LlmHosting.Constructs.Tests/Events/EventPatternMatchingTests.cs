using System.Diagnostics;
using System.Text.Json.Nodes;

namespace LlmHosting.Constructs.Tests.Events;

/// <summary>
/// Feeds sample events through the synthesized patterns with an independent matcher (moto's EventBridge
/// pattern matcher, run by python3): the documented SageMaker endpoint sample adapted to this environment's
/// names, the model import handler's own events per <see cref="Bedrock.ModelImportEvents"/>, CloudWatch
/// alarm state changes, and the same events of another environment that must not match.
/// </summary>
public sealed class EventPatternMatchingTests(EventsFixture fixture) : IClassFixture<EventsFixture>
{
    private const string Account = "123456789012";

    [Fact]
    public void SampleEvents_MatchExactlyTheRulesOfThisEnvironment()
    {
        var patterns = new JsonObject();
        foreach (var (id, rule) in TestStacks.Resources(fixture.Template, "AWS::Events::Rule"))
        {
            patterns[RuleName(id)] = ResolveAlarmArns(rule["EventPattern"]!.DeepClone());
        }

        var alarmIds = TestStacks.Resources(fixture.Template, "AWS::CloudWatch::Alarm").Select(a => a.Id).ToList();
        var latencyAlarm = AlarmArn(Assert.Single(alarmIds, a => a.StartsWith("LatencyAlarm", StringComparison.Ordinal)));
        var errorAlarm = AlarmArn(Assert.Single(alarmIds, a => a.StartsWith("ErrorAlarm", StringComparison.Ordinal)));

        var events = new JsonObject
        {
            ["endpoint-failed"] = EndpointEvent("llm-dev-gpt-oss-20b", "FAILED", "CUDA out of memory while loading the model"),
            ["endpoint-rolling-back"] = EndpointEvent("llm-dev-gpt-oss-20b", "ROLLING_BACK", null),
            ["endpoint-update-rollback-failed"] = EndpointEvent("llm-dev-gpt-oss-20b", "UPDATE_ROLLBACK_FAILED", "rollback failed"),
            ["endpoint-in-service"] = EndpointEvent("llm-dev-gpt-oss-20b", "IN_SERVICE", null),
            ["endpoint-creating"] = EndpointEvent("llm-dev-gpt-oss-20b", "CREATING", null),
            ["endpoint-added-by-name-failed"] = EndpointEvent("shared-endpoint", "FAILED", "capacity"),
            ["endpoint-of-prod-failed"] = EndpointEvent("llm-prod-gpt-oss-20b", "FAILED", "CUDA out of memory"),
            ["endpoint-of-prod-in-service"] = EndpointEvent("llm-prod-gpt-oss-20b", "IN_SERVICE", null),
            ["endpoint-similar-prefix-failed"] = EndpointEvent("llm-dev2-gpt-oss-20b", "FAILED", "x"),
            ["import-completed"] = ImportEvent("llm-dev-gpt-oss-20b", "Completed"),
            ["import-failed"] = ImportEvent("llm-dev-gpt-oss-20b", "Failed"),
            ["import-of-prod-completed"] = ImportEvent("llm-prod-gpt-oss-20b", "Completed"),
            ["import-of-prod-failed"] = ImportEvent("llm-prod-gpt-oss-20b", "Failed"),
            ["import-other-source"] = ImportEvent("llm-dev-gpt-oss-20b", "Failed", source: "aws.bedrock"),
            ["alarm-latency-alarm"] = AlarmEvent(latencyAlarm, "ALARM"),
            ["alarm-latency-ok"] = AlarmEvent(latencyAlarm, "OK"),
            ["alarm-latency-insufficient-data"] = AlarmEvent(latencyAlarm, "INSUFFICIENT_DATA"),
            ["alarm-added-later-alarm"] = AlarmEvent(errorAlarm, "ALARM"),
            ["alarm-of-prod-alarm"] = AlarmEvent($"arn:aws:cloudwatch:us-east-1:{Account}:alarm:llm-prod-latency", "ALARM"),
        };

        var matches = Match(patterns, events);

        Assert.Equal(
            ["endpoint-failed", "endpoint-rolling-back", "endpoint-update-rollback-failed", "endpoint-added-by-name-failed"],
            matches["EndpointFailedRule"]);
        Assert.Equal(["endpoint-in-service"], matches["EndpointInServiceRule"]);
        Assert.Equal(["import-completed"], matches["ModelImportCompletedRule"]);
        Assert.Equal(["import-failed"], matches["ModelImportFailedRule"]);
        Assert.Equal(["alarm-latency-alarm", "alarm-latency-ok", "alarm-added-later-alarm"], matches["AlarmStateChangeRule"]);
        Assert.Equal(5, matches.Count);
    }

    [Fact]
    public void Matcher_RejectsAWrongPattern_SoTheTestAboveCanFail()
    {
        var patterns = new JsonObject { ["wrong"] = JsonNode.Parse("""{"source":["aws.sagemaker"],"detail":{"EndpointStatus":["Failed"]}}""") };
        var events = new JsonObject { ["endpoint-failed"] = EndpointEvent("llm-dev-a", "FAILED", "x") };
        Assert.Empty(Match(patterns, events)["wrong"]);
    }

    // The documented "SageMaker Endpoint State Change" sample (IN_SERVICE, upper-case statuses), with this
    // app's names and the status and failure reason of each case.
    private static JsonObject EndpointEvent(string name, string status, string? failureReason)
    {
        var arn = $"arn:aws:sagemaker:us-east-1:{Account}:endpoint/{name.ToLowerInvariant()}";
        var detail = new JsonObject
        {
            ["EndpointName"] = name,
            ["EndpointArn"] = arn,
            ["EndpointConfigName"] = name + "-config",
            ["ProductionVariants"] = new JsonArray(new JsonObject { ["DesiredWeight"] = 1.0, ["DesiredInstanceCount"] = 1.0 }),
            ["EndpointStatus"] = status,
            ["CreationTime"] = 1592411992203.0,
            ["LastModifiedTime"] = 1592411994287.0,
            ["Tags"] = new JsonObject(),
        };
        if (failureReason is not null)
        {
            detail["FailureReason"] = failureReason;
        }

        return Envelope("aws.sagemaker", "SageMaker Endpoint State Change", arn, detail);
    }

    // The events the model import handler emits (see ModelImportEvents).
    private static JsonObject ImportEvent(string importedModelName, string status, string source = "llmhosting.bedrock-model-import")
    {
        var jobArn = $"arn:aws:bedrock:us-east-1:{Account}:model-import-job/abcd1234efgh";
        var detail = new JsonObject
        {
            ["status"] = status,
            ["jobArn"] = jobArn,
            ["jobName"] = importedModelName + "-import",
            ["importedModelName"] = importedModelName,
            ["stackId"] = $"arn:aws:cloudformation:us-east-1:{Account}:stack/devModelHosting/1",
            ["logicalResourceId"] = "GptOss20bImport",
        };
        if (status == "Completed")
        {
            detail["importedModelArn"] = $"arn:aws:bedrock:us-east-1:{Account}:imported-model/abcdefgh1234";
        }
        else
        {
            detail["failureMessage"] = "model.safetensors.index.json has no metadata";
        }

        return Envelope(source, "Bedrock Model Import Job State Change", jobArn, detail);
    }

    private static JsonObject AlarmEvent(string alarmArn, string state)
    {
        var detail = new JsonObject
        {
            ["alarmName"] = alarmArn[(alarmArn.LastIndexOf(':') + 1)..],
            ["state"] = new JsonObject { ["value"] = state, ["reason"] = "Threshold Crossed", ["timestamp"] = "2026-11-22T04:00:00.000+0000" },
            ["previousState"] = new JsonObject { ["value"] = state == "OK" ? "ALARM" : "OK", ["reason"] = "", ["timestamp"] = "2026-11-22T03:00:00.000+0000" },
            ["configuration"] = new JsonObject { ["description"] = "" },
        };
        return Envelope("aws.cloudwatch", "CloudWatch Alarm State Change", alarmArn, detail);
    }

    private static JsonObject Envelope(string source, string detailType, string resource, JsonObject detail) => new()
    {
        ["version"] = "0",
        ["id"] = Guid.NewGuid().ToString(),
        ["detail-type"] = detailType,
        ["source"] = source,
        ["account"] = Account,
        ["time"] = "2026-11-22T04:00:00Z",
        ["region"] = "us-east-1",
        ["resources"] = new JsonArray(resource),
        ["detail"] = detail,
    };

    private static string AlarmArn(string logicalId) => $"arn:aws:cloudwatch:us-east-1:{Account}:alarm:{logicalId}";

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
        => new[] { "EndpointFailedRule", "EndpointInServiceRule", "ModelImportCompletedRule", "ModelImportFailedRule", "AlarmStateChangeRule" }
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
