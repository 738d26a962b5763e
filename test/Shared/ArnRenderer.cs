using System.Text.Json.Nodes;

namespace LlmHosting.Tests.Shared;

/// <summary>
/// Turns a template value (a literal, <c>Fn::Join</c>, <c>Ref</c>, <c>Fn::GetAtt</c>, <c>Fn::FindInMap</c>) into
/// the string it stands for at deploy time, with sample values for what only a deployment knows: a name for a
/// resource's <c>Ref</c>, an ARN of the right shape for its ARN attribute. Each sample follows the resource's
/// documented <c>Ref</c>/<c>GetAtt</c> return value; a reference the table does not know fails loudly, so that a
/// new resource type is added here with its shape instead of passing unchecked.
/// </summary>
internal sealed class ArnRenderer(JsonObject template)
{
    private const string Account = "123456789012";

    private readonly JsonObject _resources = template["Resources"]?.AsObject() ?? [];
    private readonly JsonObject _parameters = template["Parameters"]?.AsObject() ?? [];

    public string Render(JsonNode? value)
    {
        switch (value)
        {
            case JsonValue literal:
                return (string)literal!;
            case JsonObject { Count: 1 } function:
                var (name, argument) = function.First();
                return name switch
                {
                    "Ref" => Ref((string)argument!),
                    "Fn::GetAtt" => GetAtt((string)argument![0]!, (string)argument[1]!),
                    "Fn::Join" => string.Join((string)argument![0]!, argument[1]!.AsArray().Select(Render)),
                    "Fn::FindInMap" => Account,
                    _ => throw new InvalidOperationException($"ArnRenderer: {name} is not rendered; add it"),
                };
            default:
                throw new InvalidOperationException($"ArnRenderer: cannot render {value?.ToJsonString()}");
        }
    }

    private string Ref(string id) => id switch
    {
        "AWS::Partition" => "aws",
        "AWS::Region" => "us-east-1",
        "AWS::AccountId" => Account,
        "AWS::URLSuffix" => "amazonaws.com",
        "AWS::StackId" => $"arn:aws:cloudformation:us-east-1:{Account}:stack/serving/0c0a3e40-0000-11f0-0000-0a0b0c0d0e0f",
        _ when _parameters.ContainsKey(id) => id.ToLowerInvariant(),
        _ => Type(id) switch
        {
            "AWS::SageMaker::Endpoint" => $"arn:aws:sagemaker:us-east-1:{Account}:endpoint/{id.ToLowerInvariant()}",
            "AWS::SNS::Topic" => $"arn:aws:sns:us-east-1:{Account}:{id}",
            "AWS::StepFunctions::StateMachine" => $"arn:aws:states:us-east-1:{Account}:stateMachine:{id}",
            "AWS::SQS::Queue" => $"https://sqs.us-east-1.amazonaws.com/{Account}/{id}",
            // Ref of a parameter is its name (CloudFormation template reference, AWS::SSM::Parameter).
            "AWS::SSM::Parameter" => (string?)_resources[id]!["Properties"]?["Name"] ?? id,
            "AWS::S3::Bucket" or "AWS::IAM::Role" or "AWS::Lambda::Function" or "AWS::Logs::LogGroup" or "AWS::KMS::Key"
                or "AWS::SageMaker::Model" or "AWS::SageMaker::InferenceComponent" => id.ToLowerInvariant(),
            var type => throw new InvalidOperationException($"ArnRenderer: no sample for Ref of {type} ({id}); add one"),
        },
    };

    private string GetAtt(string id, string attribute) => (Type(id), attribute) switch
    {
        ("AWS::S3::Bucket", "Arn") => $"arn:aws:s3:::{id.ToLowerInvariant()}",
        ("AWS::IAM::Role", "Arn") => $"arn:aws:iam::{Account}:role/{id}",
        ("AWS::KMS::Key", "Arn") => $"arn:aws:kms:us-east-1:{Account}:key/1234abcd-12ab-34cd-56ef-1234567890ab",
        ("AWS::SQS::Queue", "Arn") => $"arn:aws:sqs:us-east-1:{Account}:{id}",
        ("AWS::Lambda::Function", "Arn") => $"arn:aws:lambda:us-east-1:{Account}:function:{id}",
        ("AWS::Events::EventBus", "Arn") => $"arn:aws:events:us-east-1:{Account}:event-bus/{id}",
        ("AWS::ECR::Repository", "Arn") => $"arn:aws:ecr:us-east-1:{Account}:repository/{id.ToLowerInvariant()}",
        ("AWS::Logs::LogGroup", "Arn") => $"arn:aws:logs:us-east-1:{Account}:log-group:{id}:*",
        ("AWS::SageMaker::InferenceComponent", "InferenceComponentArn") => $"arn:aws:sagemaker:us-east-1:{Account}:inference-component/{id.ToLowerInvariant()}",
        ("AWS::SageMaker::Endpoint", "EndpointName") or ("AWS::SageMaker::Model", "ModelName") => id.ToLowerInvariant(),
        // The alarm's Arn attribute: arn:aws:cloudwatch:<region>:<account>:alarm:<name> (CloudFormation, AWS::CloudWatch::Alarm).
        ("AWS::CloudWatch::Alarm", "Arn") => $"arn:aws:cloudwatch:us-east-1:{Account}:alarm:{(string?)(_resources[id]!["Properties"]?["AlarmName"] as System.Text.Json.Nodes.JsonValue) ?? id}",
        ("Custom::BedrockModelImport", "ModelArn") => $"arn:aws:bedrock:us-east-1:{Account}:imported-model/abcdef123456",
        var (type, _) => throw new InvalidOperationException($"ArnRenderer: no sample for Fn::GetAtt {id}.{attribute} of {type}; add one"),
    };

    private string Type(string id)
        => (string?)_resources[id]?["Type"] ?? throw new InvalidOperationException($"ArnRenderer: {id} is not a resource of the template");
}
