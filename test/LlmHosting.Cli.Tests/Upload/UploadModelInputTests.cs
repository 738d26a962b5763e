using System.Net;
using LlmHosting.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LlmHosting.Cli.Tests.Upload;

/// <summary>Destinations, endpoints and every bad input of upload-model: one line on standard error and a non-zero exit.</summary>
[Collection(MotoCollection.Name)]
public sealed class UploadModelInputTests(MotoServer moto)
{
    [Fact]
    public async Task Upload_MissingFolder_OneLineExit2()
    {
        using var run = new UploadHarness(moto);

        var (code, _, error) = await run.RunAsync(["no-such-folder", "s3://bucket/models/m/"]);

        Assert.Equal(2, code);
        Assert.Equal("error: Model folder 'no-such-folder' does not exist.\n", error.Replace("\r\n", "\n"));
    }

    [Fact]
    public async Task Upload_AFileGivenAsTheFolder_SaysItIsAFile()
    {
        using var run = new UploadHarness(moto);
        run.WriteModel(100);
        var file = Path.Combine(run.Folder, "config.json");

        var (code, _, error) = await run.RunAsync([file, "s3://bucket/models/m/"]);

        Assert.Equal(2, code);
        Assert.Equal($"error: '{file}' is a file, not a model folder: give the folder that holds config.json and the weights.\n", error.Replace("\r\n", "\n"));
    }

    [Fact]
    public async Task Upload_BucketThatDoesNotExist_OneLineExit2()
    {
        using var run = new UploadHarness(moto);
        run.WriteModel(100);

        var (code, _, error) = await run.RunAsync([run.Folder, "s3://no-such-bucket-llmhost/models/m/"]);

        Assert.Equal(2, code);
        Assert.StartsWith("error: Bucket 'no-such-bucket-llmhost' does not exist (S3 NoSuchBucket)", error);
        Assert.Single(error.TrimEnd().Split('\n'));
    }

    [Theory]
    [InlineData("s3://bucket/", "Invalid model prefix '': it is empty")]
    [InlineData("s3://bucket/models/../other/", "Invalid model prefix 'models/../other/': it has an empty, '.' or '..' segment.")]
    [InlineData("s3://bucket//models/m/", "Invalid model prefix '/models/m/': it starts with '/'")]
    [InlineData("s3:///models/m/", "is not an s3://bucket/prefix/ URI")]
    [InlineData("https://bucket/models/m/", "is not an s3://bucket/prefix/ URI")]
    public async Task Upload_InvalidDestination_OneLineExit2(string destination, string fragment)
    {
        using var run = new UploadHarness(moto);
        run.WriteModel(100);

        var (code, _, error) = await run.RunAsync([run.Folder, destination]);

        Assert.Equal(2, code);
        Assert.StartsWith("error: ", error);
        Assert.Contains(fragment, error);
        Assert.Empty(run.Counter.Calls);
    }

    [Fact]
    public async Task Upload_NoDestination_SaysWhatToGive()
    {
        using var run = new UploadHarness(moto);
        run.WriteModel(100);

        var (code, _, error) = await run.RunAsync([run.Folder, "--prefix", "models/m/"]);

        Assert.Equal(2, code);
        Assert.Contains("Give a destination: s3://bucket/prefix/, or --env <environment> --prefix <prefix>", error);
    }

    [Theory]
    [InlineData("llm-test-storage")]
    [InlineData("llm-test-model-hosting")]
    public async Task Upload_EnvAndPrefix_TakesTheBucketFromTheStackOutputs(string stack)
    {
        using var run = new UploadHarness(moto);
        await run.CreateBucketAsync();
        run.WriteModel(100);
        WriteEnvironment(run, "test", "llm-test", $$"""{ "{{stack}}": { "ModelBucketName": "{{run.Bucket}}" }, "llm-other-storage": { "ModelBucketName": "wrong" } }""");

        var (code, output, error) = await run.RunAsync([run.Folder, "--env", "test", "--prefix", "models/m"]);

        Assert.True(code == 0, error);
        Assert.Contains($"-> s3://{run.Bucket}/models/m/", output);
    }

    [Fact]
    public async Task Upload_EnvWithAnotherBucket_IsRefused()
    {
        using var run = new UploadHarness(moto);
        run.WriteModel(100);
        WriteEnvironment(run, "test", "llm-test", """{ "llm-test-storage": { "ModelBucketName": "env-bucket" } }""");

        var (code, _, error) = await run.RunAsync([run.Folder, "s3://other-bucket/models/m/", "--env", "test"]);

        Assert.Equal(2, code);
        Assert.Contains("Destination bucket 'other-bucket' is not the model bucket of environment 'test' ('env-bucket'", error);
    }

    [Fact]
    public async Task Upload_EnvWithoutBucketOutput_NamesTheStacksItLookedFor()
    {
        using var run = new UploadHarness(moto);
        run.WriteModel(100);
        WriteEnvironment(run, "test", "llm-test", """{ "llm-test-model-hosting": { "InvokerRoleArn": "arn" } }""");

        var (code, _, error) = await run.RunAsync([run.Folder, "--env", "test", "--prefix", "models/m/"]);

        Assert.Equal(2, code);
        Assert.Contains("No ModelBucketName output of stack llm-test-storage or llm-test-model-hosting in ", error);
    }

    [Fact]
    public async Task Upload_EndpointVariables_S3SpecificOneWins()
    {
        using var run = new UploadHarness(moto, endpointVariable: "AWS_ENDPOINT_URL_S3");
        run.Variables["AWS_ENDPOINT_URL"] = "http://127.0.0.1:9";
        await run.CreateBucketAsync();
        run.WriteModel(100);

        var (code, _, error) = await run.RunAsync([run.Folder, $"s3://{run.Bucket}/models/m/"]);

        Assert.True(code == 0, error);
        Assert.All(run.Counter.Calls, c => Assert.StartsWith($"/{run.Bucket}/", c.Path + "/"));
    }

    [Fact]
    public async Task Upload_AccessDenied_OneLineNamingThePermissions()
    {
        // S3's documented answer to a request the identity may not make (S3 API Reference, "Error responses": AccessDenied, 403).
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        await using var app = builder.Build();
        app.Run(async context =>
        {
            context.Response.StatusCode = 403;
            context.Response.ContentType = "application/xml";
            await context.Response.WriteAsync("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>AccessDenied</Code><Message>Access Denied</Message><RequestId>1</RequestId></Error>");
        });
        await app.StartAsync();
        using var run = new UploadHarness(moto, endpointVariable: null);
        run.Variables["AWS_ENDPOINT_URL_S3"] = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        run.WriteModel(100);

        var (code, _, error) = await run.RunAsync([run.Folder, "s3://denied-bucket/models/m/"]);

        Assert.Equal(2, code);
        Assert.StartsWith("error: Access denied (HTTP 403) to s3://denied-bucket/models/m/: the identity needs s3:ListBucket", error);
        Assert.Single(error.TrimEnd().Split('\n'));
    }

    private static void WriteEnvironment(UploadHarness run, string environment, string namePrefix, string outputs)
    {
        Directory.CreateDirectory(Path.Combine(run.Root, "cdk", "config"));
        File.WriteAllText(Path.Combine(run.Root, "cdk", "config", environment + ".json"), $$"""{ "namePrefix": "{{namePrefix}}" }""");
        File.WriteAllText(Path.Combine(run.Root, "cdk-outputs.json"), outputs);
    }
}
