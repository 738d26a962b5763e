using Amazon.CDK;
using Amazon.CDK.Assertions;
using System.Text.Json.Nodes;
using LlmHosting.Tests.Shared;

namespace LlmHosting.Constructs.Tests;

/// <summary>Stacks and templates for construct tests; nothing here bundles assets or needs Docker.</summary>
internal static class TestStacks
{
    /// <summary>A stack in its own app, in a fixed account and region unless <paramref name="agnostic"/>.</summary>
    public static Stack New(string region = "us-east-1", bool agnostic = false)
    {
        var app = new App(new AppProps
        {
            Context = new Dictionary<string, object>
            {
                ["aws:cdk:bundling-stacks"] = Array.Empty<string>(),
                ["@aws-cdk/aws-iam:minimizePolicies"] = true,
                ["@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy"] = true,
            },
        });
        return new Stack(app, "Test", new StackProps
        {
            Env = agnostic ? null : new Amazon.CDK.Environment { Account = "123456789012", Region = region },
        });
    }

    /// <summary>
    /// The synthesized template as JSON, for assertions that read more easily as plain navigation. Every template a
    /// construct test reads passes the IAM resource-type check first (<see cref="IamResourceTypes"/>), so that no
    /// construct grants an action on resources IAM would not match.
    /// </summary>
    public static JsonObject Json(Stack stack)
    {
        var json = JsonNode.Parse(Newtonsoft.Json.JsonConvert.SerializeObject(Template.FromStack(stack).ToJSON()))!.AsObject();
        var violations = IamResourceTypes.Violations(json, stack.Node.Path);
        Assert.True(violations.Count == 0, "IAM resource types (Service Authorization Reference):\n" + string.Join("\n", violations));
        return json;
    }

    /// <summary>Every resource of a type, as (logical id, properties).</summary>
    public static IReadOnlyList<(string Id, JsonObject Properties)> Resources(JsonObject template, string type)
        => template["Resources"]!.AsObject()
            .Where(r => (string?)r.Value!["Type"] == type)
            .Select(r => (r.Key, r.Value!["Properties"]?.AsObject() ?? new JsonObject()))
            .ToList();

    /// <summary>The statements of every IAM policy (inline or managed) in the template, in order.</summary>
    public static IReadOnlyList<JsonObject> PolicyStatements(JsonObject template)
        => Resources(template, "AWS::IAM::Policy").Concat(Resources(template, "AWS::IAM::ManagedPolicy"))
            .SelectMany(p => p.Properties["PolicyDocument"]!["Statement"]!.AsArray())
            .Select(s => s!.AsObject())
            .ToList();

    /// <summary>A statement's actions as a list, whether written as a string or an array.</summary>
    public static IReadOnlyList<string> Actions(JsonObject statement)
        => statement["Action"] is JsonArray array ? array.Select(a => (string)a!).ToList() : [(string)statement["Action"]!];
}
