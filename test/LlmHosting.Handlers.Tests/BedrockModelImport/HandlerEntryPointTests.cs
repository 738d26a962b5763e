using System.Text;
using System.Text.Json.Nodes;

namespace LlmHosting.Lambda.BedrockModelImport.Tests;

/// <summary>
/// The public parameterless entry point, as Lambda creates it: region, credentials and endpoint overrides come
/// from the environment only. The only test class that sets environment variables.
/// </summary>
public sealed class HandlerEntryPointTests
{
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
            var call = Assert.Single(api.Requests);
            Assert.Equal("DELETE", call.Method);
            Assert.Contains("Credential=AKIDEXAMPLE/", call.Authorization);
            Assert.Equal("session-token", call.Headers["x-amz-security-token"]);
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
