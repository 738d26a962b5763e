using System.Text;
using System.Text.Json.Nodes;
using Amazon.S3.Model;
using LlmHosting.Lambda.BedrockModelImport;
using LlmHosting.Lambda.BedrockModelImport.Tests;
using LlmHosting.Lambda.EndpointScaling.Tests;
using LlmHosting.Lambda.WeightsGate.Tests;
using LlmHosting.TestSupport;

namespace LlmHosting.Lambda.Tests;

/// <summary>
/// The public parameterless entry points, as Lambda creates them: region, credentials and endpoint overrides come
/// from the environment only. The only test class that sets environment variables.
/// </summary>
public sealed class HandlerEntryPointTests(GateMoto moto) : IClassFixture<GateMoto>
{
    [Fact]
    public async Task WeightsGateHandler_FromEnvironment_ChecksTheFolderOnTheConfiguredEndpoint()
    {
        using var s3 = moto.Server.S3();
        var bucket = "entry-" + Guid.NewGuid().ToString("N")[..12];
        await s3.PutBucketAsync(bucket);
        foreach (var (key, content) in ModelFolderBuilder.Valid())
        {
            await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "models/m/" + key, ContentBody = content });
        }

        var result = await WithEnvironment(
            new Dictionary<string, string?>
            {
                ["AWS_REGION"] = "us-east-1",
                ["AWS_ACCESS_KEY_ID"] = "testing",
                ["AWS_SECRET_ACCESS_KEY"] = "testing",
                ["AWS_SESSION_TOKEN"] = null,
                [WeightsGate.Handler.S3EndpointVariable] = moto.Server.Endpoint,
            },
            async () =>
            {
                var handler = new WeightsGate.Handler();
                var request = WeightsGateCheckTests.Request($"s3://{bucket}/models/m/", "Bedrock");
                await using var output = await handler.OnEvent(new MemoryStream(Encoding.UTF8.GetBytes(request.ToJsonString())));
                return (await JsonNode.ParseAsync(output))!;
            });

        Assert.Equal($"s3://{bucket}/models/m/", (string)result["PhysicalResourceId"]!);
        Assert.Matches("^[0-9a-f]{64}$", (string)result["Data"]!["Fingerprint"]!);
    }

    [Fact]
    public async Task EndpointScalingHandler_FromEnvironment_SignsEachServiceOnItsConfiguredEndpoint()
    {
        await using var api = await FakeScalingApi.StartAsync();
        api.CreateEndpoint("llm-staging-gpt-oss-20b", "AllTraffic", "ml.g6e.xlarge");
        var properties = new JsonObject
        {
            ["Role"] = "Scaling",
            ["EndpointName"] = "llm-staging-gpt-oss-20b",
            ["VariantName"] = "AllTraffic",
            ["InstanceType"] = "ml.g6e.xlarge",
            ["MinCapacity"] = "1",
            ["MaxCapacity"] = "2",
            ["Policies"] = new JsonArray(ScalingRequests.Policy("invocations", "70")),
        };
        var request = new JsonObject { ["RequestType"] = "Create", ["ResourceProperties"] = properties };
        // A rollback's update on another type: the handler asks CloudFormation for the stack's status.
        var rollback = properties.DeepClone().AsObject();
        rollback["InstanceType"] = "ml.g6e.2xlarge";
        var update = new JsonObject
        {
            ["RequestType"] = "Update",
            ["StackId"] = "arn:aws:cloudformation:us-east-1:123456789012:stack/serving/1",
            ["PhysicalResourceId"] = "Scaling:endpoint/llm-staging-gpt-oss-20b/variant/AllTraffic",
            ["ResourceProperties"] = rollback,
            ["OldResourceProperties"] = properties.DeepClone(),
        };
        api.StackStatus = "UPDATE_ROLLBACK_IN_PROGRESS";

        var (result, registered) = await WithEnvironment(
            new Dictionary<string, string?>
            {
                ["AWS_REGION"] = "us-east-1",
                ["AWS_ACCESS_KEY_ID"] = "AKIDEXAMPLE",
                ["AWS_SECRET_ACCESS_KEY"] = "secret",
                ["AWS_SESSION_TOKEN"] = "session-token",
                [EndpointScaling.Handler.SageMakerEndpointVariable] = api.BaseUri.ToString().TrimEnd('/'),
                [EndpointScaling.Handler.AutoScalingEndpointVariable] = api.BaseUri.ToString(),
                [EndpointScaling.Handler.CloudFormationEndpointVariable] = api.BaseUri.ToString(),
            },
            async () =>
            {
                var handler = new EndpointScaling.Handler();
                await using var output = await handler.OnEvent(new MemoryStream(Encoding.UTF8.GetBytes(request.ToJsonString())));
                var created = (await JsonNode.ParseAsync(output))!;
                var target = api.TargetOf("endpoint/llm-staging-gpt-oss-20b/variant/AllTraffic");
                await using var _ = await handler.OnEvent(new MemoryStream(Encoding.UTF8.GetBytes(update.ToJsonString())));
                return (created, target);
            });

        Assert.Equal("Scaling:endpoint/llm-staging-gpt-oss-20b/variant/AllTraffic", (string)result["PhysicalResourceId"]!);
        Assert.Equal((1, 2), (registered!.Min, registered.Max));
        Assert.Null(api.TargetOf("endpoint/llm-staging-gpt-oss-20b/variant/AllTraffic"));
        Assert.All(api.Calls, c => Assert.Equal(200, c.Status));
        Assert.All(api.Calls, c => Assert.Equal("session-token", c.Headers["x-amz-security-token"]));
        Assert.Equal(["sagemaker", "application-autoscaling", "cloudformation"], api.Calls.Select(c => c.Service).Distinct());
    }

    private static async Task<T> WithEnvironment<T>(Dictionary<string, string?> variables, Func<Task<T>> action)
    {
        var previous = variables.Keys.ToDictionary(k => k, Environment.GetEnvironmentVariable);
        try
        {
            foreach (var (name, value) in variables)
            {
                Environment.SetEnvironmentVariable(name, value);
            }

            return await action();
        }
        finally
        {
            foreach (var (name, value) in previous)
            {
                Environment.SetEnvironmentVariable(name, value);
            }
        }
    }

    [Fact]
    public async Task Handler_FromEnvironment_CallsTheConfiguredEndpointSigned()
    {
        await using var api = await FakeAwsApi.StartAsync();
        api.Models["llm-dev-gpt-oss-20b-0badcafe"] = "arn:aws:bedrock:us-east-1:123456789012:imported-model/abcdefabcdef";
        var variables = new Dictionary<string, string?>
        {
            ["AWS_REGION"] = "us-east-1",
            ["AWS_ACCESS_KEY_ID"] = "AKIDEXAMPLE",
            ["AWS_SECRET_ACCESS_KEY"] = "secret",
            ["AWS_SESSION_TOKEN"] = "session-token",
            [Handler.BedrockEndpointVariable] = api.BaseUri.ToString().TrimEnd('/'),
            [Handler.EventsEndpointVariable] = api.BaseUri.ToString(),
        };
        var previous = variables.Keys.ToDictionary(k => k, Environment.GetEnvironmentVariable);
        try
        {
            foreach (var (name, value) in variables)
            {
                Environment.SetEnvironmentVariable(name, value);
            }

            var handler = new Handler();
            var request = new JsonObject
            {
                ["RequestType"] = "Delete",
                ["StackId"] = "arn:aws:cloudformation:us-east-1:123456789012:stack/s/1",
                ["RequestId"] = "req-1",
                ["LogicalResourceId"] = "ModelImport",
                ["PhysicalResourceId"] = "llm-dev-gpt-oss-20b-0badcafe",
                ["ResourceProperties"] = new JsonObject { ["RetainOnDelete"] = "false" },
            };
            await using var output = await handler.OnEvent(new MemoryStream(Encoding.UTF8.GetBytes(request.ToJsonString())));
            var result = (await JsonNode.ParseAsync(output))!;

            Assert.Equal("llm-dev-gpt-oss-20b-0badcafe", (string)result["PhysicalResourceId"]!);
            Assert.Empty(api.Models);
            // The delete first looks for a job still creating the model, then deletes it.
            Assert.Equal(["GET", "DELETE"], api.Requests.Select(r => r.Method));
            Assert.All(api.Requests, call =>
            {
                Assert.Contains("Credential=AKIDEXAMPLE/", call.Authorization);
                Assert.Equal("session-token", call.Headers["x-amz-security-token"]);
            });
        }
        finally
        {
            foreach (var (name, value) in previous)
            {
                Environment.SetEnvironmentVariable(name, value);
            }
        }
    }
}
