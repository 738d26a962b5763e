using System.Text.Json.Nodes;

namespace LlmHosting.Cli.Tests;

/// <summary>
/// A model directory document (schema version 1) whose doors are those of a <see cref="FakeOpenAiServer"/>: one model
/// of each kind and authentication, plus cold and broken ones. The Bedrock on-demand models offer the Responses API
/// (<c>{root}/v1</c>, as Mantle's <c>https://bedrock-mantle.&lt;region&gt;.api.aws/v1</c>) under their Mantle names.
/// </summary>
internal static class FakeDirectory
{
    public const string Account = "111111111111";

    public static string ImportedArn(string region, string id) => $"arn:aws:bedrock:{region}:{Account}:imported-model/{id}";

    public static string Json(FakeOpenAiServer server, string region)
    {
        var root = server.Root.ToString().TrimEnd('/');
        JsonObject Model(string name, string kind, string modelId, string auth, bool mayBeCold, string? chat = null, string? responses = null, string? runtime = null, string? responsesModelId = null)
        {
            var model = new JsonObject
            {
                ["name"] = name,
                ["kind"] = kind,
                ["region"] = region,
                ["modelId"] = modelId,
                ["chatCompletionsBaseUrl"] = chat,
                ["responsesBaseUrl"] = responses,
            };
            // Written only when it differs from modelId, as the construct does.
            if (responsesModelId is not null)
            {
                model["responsesModelId"] = responsesModelId;
            }

            model["runtimeEndpoint"] = runtime;
            model["auth"] = auth;
            model["mayBeCold"] = mayBeCold;
            return model;
        }

        var models = new JsonArray
        {
            Model("gpt-oss-20b-endpoint", "sagemaker-endpoint", "gpt-oss-20b", "sagemaker-bearer-token", false, chat: server.BaseUrl("ok").ToString()),
            Model("qwen3-4b", "sagemaker-inference-component", "qwen3-4b", "sagemaker-bearer-token", true, chat: server.BaseUrl("ok", "llm-dev-shared-qwen3-4b").ToString()),
            Model("gpt-oss-20b-cold", "sagemaker-inference-component", "gpt-oss-20b", "sagemaker-bearer-token", true, chat: server.BaseUrl("cold", "llm-dev-shared-gpt-oss-20b").ToString()),
            Model("gpt-oss-20b-starting", "sagemaker-inference-component", "gpt-oss-20b", "sagemaker-bearer-token", true, chat: server.BaseUrl("starting", "llm-dev-shared-gpt-oss-20b").ToString()),
            Model("gpt-oss-120b", "bedrock-on-demand", "openai.gpt-oss-120b-1:0", "bedrock-api-key", false, chat: $"{root}/openai/v1", responses: $"{root}/v1", responsesModelId: "openai.gpt-oss-120b"),
            Model("gpt-oss-20b-signed", "bedrock-on-demand", "openai.gpt-oss-20b-1:0", "sigv4", false, chat: $"{root}/openai/v1", responses: $"{root}/v1", responsesModelId: "openai.gpt-oss-20b"),
            Model("gpt-oss-20b-imported", "bedrock-imported", ImportedArn(region, "abc123def456"), "sigv4", true, runtime: root),
            Model("imported-cold", "bedrock-imported", ImportedArn(region, "cold12345678"), "sigv4", true, runtime: root),
            Model("imported-broken", "bedrock-imported", ImportedArn(region, "broken123456"), "bedrock-api-key", false, runtime: root),
        };
        return new JsonObject { ["schemaVersion"] = 1, ["environment"] = "dev", ["models"] = models }.ToJsonString();
    }
}
