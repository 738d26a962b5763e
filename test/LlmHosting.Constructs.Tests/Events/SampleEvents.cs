using System.Text.Json.Nodes;

namespace LlmHosting.Constructs.Tests.Events;

/// <summary>
/// AWS's documented sample events, copied as published and made into valid JSON where the page is not (noted at
/// each), and the adaptations the tests make to them: this environment's names and the states of each case.
/// Nothing is added that AWS does not document, except where a comment says UNCONFIRMED.
/// </summary>
internal static class SampleEvents
{
    public const string Account = "123456789012";
    public const string Region = "us-east-1";

    // "Endpoint state change", Amazon SageMaker developer guide, "Events that Amazon SageMaker sends to Amazon
    // EventBridge" (docs.aws.amazon.com/sagemaker/latest/dg/automating-sagemaker-with-eventbridge.html;
    // awsdocs/amazon-sagemaker-developer-guide doc_source/automating-sagemaker-with-eventbridge.md). The only
    // documented example is IN_SERVICE.
    public const string EndpointStateChange = """
        {
          "version": "0",
          "id": "d2921b5a-b0ad-cace-a8e3-0f159d018e06",
          "detail-type": "SageMaker Endpoint State Change",
          "source": "aws.sagemaker",
          "account": "123456789012",
          "time": "1583831889050",
          "region": "us-west-2",
          "resources": [
              "arn:aws:sagemaker:us-west-2:123456789012:endpoint/myendpoint"
          ],
          "detail": {
              "EndpointName": "MyEndpoint",
              "EndpointArn": "arn:aws:sagemaker:us-west-2:123456789012:endpoint/myendpoint",
              "EndpointConfigName": "MyEndpointConfig",
              "ProductionVariants": [
                  {
                      "DesiredWeight": 1.0,
                      "DesiredInstanceCount": 1.0
                  }
              ],
              "EndpointStatus": "IN_SERVICE",
              "CreationTime": 1592411992203.0,
              "LastModifiedTime": 1592411994287.0,
              "Tags": {

              }
          }
        }
        """;

    // "Endpoint deployment state change", same page: a blue/green canary deployment while it bakes. Made valid
    // JSON: the page has `"StartTime": Timestamp` (here 1635195148181, the event's LastModifiedTime) and a
    // trailing comma after the variant status's StartTime.
    public const string DeploymentStateChangeCanary = """
        {
            "version": "0",
            "id": "0bd4a141-0a02-9d8a-f977-3924c3fb259c",
            "detail-type": "SageMaker Endpoint Deployment State Change",
            "source": "aws.sagemaker",
            "account": "123456789012",
            "time": "2021-10-25T01:52:12Z",
            "region": "us-west-2",
            "resources": [
                "arn:aws:sagemaker:us-west-2:651393343886:endpoint/sample-endpoint"
            ],
            "detail": {
                "EndpointName": "sample-endpoint",
                "EndpointArn": "arn:aws:sagemaker:us-west-2:651393343886:endpoint/sample-endpoint",
                "EndpointConfigName": "sample-endpoint-config-1",
                "ProductionVariants": [
                    {
                        "VariantName": "AllTraffic",
                        "CurrentWeight": 1,
                        "DesiredWeight": 1,
                        "CurrentInstanceCount": 3,
                        "DesiredInstanceCount": 3
                    }
                ],
                "EndpointStatus": "UPDATING",
                "CreationTime": 1635195148181,
                "LastModifiedTime": 1635195148181,
                "Tags": {},
                "PendingDeploymentSummary": {
                    "EndpointConfigName": "sample-endpoint-config-2",
                    "StartTime": 1635195148181,
                    "ProductionVariants": [
                        {
                            "VariantName": "AllTraffic",
                            "CurrentWeight": 1,
                            "DesiredWeight": 1,
                            "CurrentInstanceCount": 1,
                            "DesiredInstanceCount": 3,
                            "VariantStatus": [
                                {
                                    "Status": "Baking",
                                    "StatusMessage": "Baking for 600 seconds (TerminationWaitInSeconds) with traffic enabled on canary capacity of 1 instance(s).",
                                    "StartTime": 1635195269181
                                }
                            ]
                        }
                    ]
                }
            }
        }
        """;

    // Same page: "being updated with new capacity on an existing endpoint configuration", the event of an
    // autoscaling change. Made valid JSON: the page has trailing commas after the variant status's StartTime and
    // after "Tags", and lacks the closing brace.
    public const string DeploymentStateChangeCapacity = """
        {
            "version": "0",
            "id": "0bd4a141-0a02-9d8a-f977-3924c3fb259c",
            "detail-type": "SageMaker Endpoint Deployment State Change",
            "source": "aws.sagemaker",
            "account": "123456789012",
            "time": "2021-10-25T01:52:12Z",
            "region": "us-west-2",
            "resources": [
                "arn:aws:sagemaker:us-west-2:651393343886:endpoint/sample-endpoint"
            ],
            "detail": {
                "EndpointName": "sample-endpoint",
                "EndpointArn": "arn:aws:sagemaker:us-west-2:651393343886:endpoint/sample-endpoint",
                "EndpointConfigName": "sample-endpoint-config-1",
                "ProductionVariants": [
                    {
                        "VariantName": "AllTraffic",
                        "CurrentWeight": 1,
                        "DesiredWeight": 1,
                        "CurrentInstanceCount": 3,
                        "DesiredInstanceCount": 6,
                        "VariantStatus": [
                            {
                                "Status": "Updating",
                                "StatusMessage": "Scaling out desired instance count to 6.",
                                "StartTime": 1635195269181
                            }
                        ]
                    }
                ],
                "EndpointStatus": "UPDATING",
                "CreationTime": 1635195148181,
                "LastModifiedTime": 1635195148181,
                "Tags": {}
            }
        }
        """;

    // "State change for a single-metric alarm" (OK -> ALARM), Amazon CloudWatch user guide, "Alarm events and
    // EventBridge" (docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch-and-eventbridge.html;
    // awsdocs/amazon-cloudwatch-user-guide doc_source/cloudwatch-and-eventbridge.md).
    public const string AlarmStateChange = """
        {
            "version": "0",
            "id": "c4c1c1c9-6542-e61b-6ef0-8c4d36933a92",
            "detail-type": "CloudWatch Alarm State Change",
            "source": "aws.cloudwatch",
            "account": "123456789012",
            "time": "2019-10-02T17:04:40Z",
            "region": "us-east-1",
            "resources": [
                "arn:aws:cloudwatch:us-east-1:123456789012:alarm:ServerCpuTooHigh"
            ],
            "detail": {
                "alarmName": "ServerCpuTooHigh",
                "configuration": {
                    "description": "Goes into alarm when server CPU utilization is too high!",
                    "metrics": [
                        {
                            "id": "30b6c6b2-a864-43a2-4877-c09a1afc3b87",
                            "metricStat": {
                                "metric": {
                                    "dimensions": {
                                        "InstanceId": "i-12345678901234567"
                                    },
                                    "name": "CPUUtilization",
                                    "namespace": "AWS/EC2"
                                },
                                "period": 300,
                                "stat": "Average"
                            },
                            "returnData": true
                        }
                    ]
                },
                "previousState": {
                    "reason": "Threshold Crossed: 1 out of the last 1 datapoints [0.0666851903306472 (01/10/19 13:46:00)] was not greater than the threshold (50.0) (minimum 1 datapoint for ALARM -> OK transition).",
                    "reasonData": "{\"version\":\"1.0\",\"queryDate\":\"2019-10-01T13:56:40.985+0000\",\"startDate\":\"2019-10-01T13:46:00.000+0000\",\"statistic\":\"Average\",\"period\":300,\"recentDatapoints\":[0.0666851903306472],\"threshold\":50.0}",
                    "timestamp": "2019-10-01T13:56:40.987+0000",
                    "value": "OK"
                },
                "state": {
                    "reason": "Threshold Crossed: 1 out of the last 1 datapoints [99.50160229693434 (02/10/19 16:59:00)] was greater than the threshold (50.0) (minimum 1 datapoint for OK -> ALARM transition).",
                    "reasonData": "{\"version\":\"1.0\",\"queryDate\":\"2019-10-02T17:04:40.985+0000\",\"startDate\":\"2019-10-02T16:59:00.000+0000\",\"statistic\":\"Average\",\"period\":300,\"recentDatapoints\":[99.50160229693434],\"threshold\":50.0}",
                    "timestamp": "2019-10-02T17:04:40.989+0000",
                    "value": "ALARM"
                }
            }
        }
        """;

    // The INSUFFICIENT_DATA state of a new alarm, as the same page's "State change for a metric math alarm"
    // shows it in previousState.
    private const string InitialAlarmReason = "Unchecked: Initial alarm creation";

    /// <summary>The documented endpoint sample with this app's names, a status and optionally a failure reason.</summary>
    public static JsonObject Endpoint(string name, string status, string configName, int instances = 1, string? failureReason = null)
    {
        var sample = Parse(EndpointStateChange);
        var arn = $"arn:aws:sagemaker:{Region}:{Account}:endpoint/{name.ToLowerInvariant()}";
        Place(sample, arn);
        var detail = sample["detail"]!.AsObject();
        detail["EndpointName"] = name;
        detail["EndpointArn"] = arn;
        detail["EndpointConfigName"] = configName;
        detail["ProductionVariants"]![0]!["DesiredInstanceCount"] = (double)instances;
        detail["EndpointStatus"] = status;
        if (failureReason is not null)
        {
            detail["FailureReason"] = failureReason;
        }

        return sample;
    }

    /// <summary>A documented deployment state change sample with this app's endpoint name.</summary>
    public static JsonObject Deployment(string sampleJson, string name)
    {
        var sample = Parse(sampleJson);
        var arn = $"arn:aws:sagemaker:{Region}:{Account}:endpoint/{name.ToLowerInvariant()}";
        Place(sample, arn);
        sample["detail"]!["EndpointName"] = name;
        sample["detail"]!["EndpointArn"] = arn;
        return sample;
    }

    /// <summary>The documented single-metric alarm sample for another alarm and another transition.</summary>
    public static JsonObject Alarm(string alarmArn, string previous, string state)
    {
        var sample = Parse(AlarmStateChange);
        Place(sample, alarmArn);
        var detail = sample["detail"]!.AsObject();
        detail["alarmName"] = alarmArn[(alarmArn.LastIndexOf(':') + 1)..];
        SetState(detail["previousState"]!.AsObject(), previous);
        SetState(detail["state"]!.AsObject(), state);
        return sample;
    }

    public static JsonObject Parse(string json) => JsonNode.Parse(json)!.AsObject();

    // The sample's own reason for OK and ALARM (the page shows both), and the initial one for INSUFFICIENT_DATA.
    private static void SetState(JsonObject state, string value)
    {
        var sample = Parse(AlarmStateChange)["detail"]!;
        var source = value switch
        {
            "OK" => sample["previousState"]!.AsObject(),
            "ALARM" => sample["state"]!.AsObject(),
            _ => null,
        };
        state.Clear();
        state["reason"] = source is null ? InitialAlarmReason : (string)source["reason"]!;
        if (source is not null)
        {
            state["reasonData"] = (string)source["reasonData"]!;
        }

        state["timestamp"] = "2026-11-22T04:00:00.000+0000";
        state["value"] = value;
    }

    private static void Place(JsonObject sample, string resourceArn)
    {
        sample["account"] = Account;
        sample["region"] = Region;
        sample["time"] = "2026-11-22T04:00:00Z";
        sample["resources"] = new JsonArray(resourceArn);
    }
}
