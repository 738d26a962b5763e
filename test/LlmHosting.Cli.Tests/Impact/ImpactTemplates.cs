using System.Text.Json.Nodes;
using LlmHosting.Cli.Commands.Impact;

namespace LlmHosting.Cli.Tests.Impact;

/// <summary>
/// Small templates shaped like the app's (a retained model bucket, a vLLM model reading it, an endpoint config, an
/// endpoint with a canary guardrail whose rollback alarm is in the same template), built fresh for each test.
/// </summary>
internal static class ImpactTemplates
{
    public const string Bucket = "ModelBucketEBB1ADF4";
    public const string Model = "GptOss20bModelBACFAA32";
    public const string Config = "GptOss20bConfig014112F4";
    public const string Endpoint = "GptOss20bEndpointB6C5BD06";
    public const string Alarm = "GptOss20bInvocation5XXErrorsAlarmD2A45A40";
    public const string ScalableTarget = "GptOss20bScalableTarget64943BD8";

    public static JsonObject Serving() => Parse($$"""
        {
          "Resources": {
            "{{Bucket}}": {
              "Type": "AWS::S3::Bucket",
              "Properties": { "VersioningConfiguration": { "Status": "Enabled" } },
              "UpdateReplacePolicy": "Retain",
              "DeletionPolicy": "Retain"
            },
            "{{Model}}": {
              "Type": "AWS::SageMaker::Model",
              "Properties": {
                "ExecutionRoleArn": "arn:aws:iam::222222222222:role/model",
                "PrimaryContainer": {
                  "Environment": { "SM_VLLM_MAX_MODEL_LEN": "65536", "SM_VLLM_MODEL": "/opt/ml/model" },
                  "Image": "763104351884.dkr.ecr.us-east-1.amazonaws.com/vllm:0.20.2-gpu-py312-cu130-ubuntu22.04-sagemaker",
                  "ModelDataSource": { "S3DataSource": { "CompressionType": "None", "S3DataType": "S3Prefix",
                    "S3Uri": { "Fn::Join": ["", ["s3://", { "Ref": "{{Bucket}}" }, "/models/gpt-oss-20b/"]] } } }
                }
              }
            },
            "{{Config}}": {
              "Type": "AWS::SageMaker::EndpointConfig",
              "Properties": {
                "ProductionVariants": [ {
                  "InitialInstanceCount": 1, "InstanceType": "ml.g6e.xlarge", "VariantName": "AllTraffic",
                  "ModelName": { "Fn::GetAtt": ["{{Model}}", "ModelName"] }
                } ]
              }
            },
            "{{Endpoint}}": {
              "Type": "AWS::SageMaker::Endpoint",
              "Properties": {
                "EndpointConfigName": { "Fn::GetAtt": ["{{Config}}", "EndpointConfigName"] },
                "EndpointName": "llm-staging-gpt-oss-20b",
                "RetainAllVariantProperties": true,
                "DeploymentConfig": {
                  "BlueGreenUpdatePolicy": {
                    "TrafficRoutingConfiguration": { "Type": "CANARY", "CanarySize": { "Type": "CAPACITY_PERCENT", "Value": 50 }, "WaitIntervalInSeconds": 600 },
                    "TerminationWaitInSeconds": 300
                  },
                  "AutoRollbackConfiguration": { "Alarms": [ { "AlarmName": { "Ref": "{{Alarm}}" } } ] }
                }
              }
            },
            "{{Alarm}}": {
              "Type": "AWS::CloudWatch::Alarm",
              "Properties": { "ComparisonOperator": "GreaterThanOrEqualToThreshold", "EvaluationPeriods": 1, "Threshold": 1,
                "MetricName": "Invocation5XXErrors", "Namespace": "AWS/SageMaker", "Period": 60, "Statistic": "Sum" }
            }
          }
        }
        """);

    /// <summary><see cref="Serving"/> with the endpoint's variant registered for autoscaling, as the app does.</summary>
    public static JsonObject Autoscaled()
    {
        var template = Serving();
        Resources(template)[ScalableTarget] = Parse($$"""
            {
              "Type": "AWS::ApplicationAutoScaling::ScalableTarget",
              "Properties": { "MaxCapacity": 2, "MinCapacity": 1, "ResourceId": "endpoint/llm-staging-gpt-oss-20b/variant/AllTraffic",
                "ScalableDimension": "sagemaker:variant:DesiredInstanceCount", "ServiceNamespace": "sagemaker" },
              "DependsOn": ["{{Endpoint}}"]
            }
            """);
        return template;
    }

    public static JsonObject Parse(string json) => JsonNode.Parse(json)!.AsObject();

    public static JsonObject Resources(JsonObject template) => template["Resources"]!.AsObject();

    public static JsonObject Properties(JsonObject template, string logicalId) => template["Resources"]![logicalId]!["Properties"]!.AsObject();

    /// <summary>One stack per template, in the environment "staging".</summary>
    public static TemplateSet Set(string label, params (string Stack, JsonObject Template)[] stacks)
        => new(label, stacks.Select(s => new StackTemplate("staging", s.Stack, s.Template, $"{label}/{s.Stack}")).ToList());

    /// <summary>Compares a before and after version of one stack "staging/Serving".</summary>
    public static StackImpact CompareServing(JsonObject before, JsonObject after)
        => Compare(Set("before", ("Serving", before)), Set("after", ("Serving", after))).Stacks.Single();

    public static ImpactReport Compare(TemplateSet before, TemplateSet after)
        => new ImpactAnalyzer(ResourceSchemas.Default).Compare(before, after);

    public static ResourceImpact Row(this StackImpact stack, string logicalId) => stack.Resources.Single(r => r.LogicalId == logicalId);
}
