using System.CommandLine;
using Amazon.Runtime;
using Amazon.S3.Model;
using LlmHosting.Cli.Commands;
using LlmHosting.TestSupport;

namespace LlmHosting.Cli.Tests.Commands;

/// <summary><c>llmhost validate-model</c> on s3:// folders in moto_server, with the endpoint from the option or the SDK's variables, and --for.</summary>
[Collection(MotoCollection.Name)]
public sealed class ValidateModelS3Tests(MotoServer moto)
{
    [Theory]
    [InlineData("AWS_ENDPOINT_URL")]
    [InlineData("AWS_ENDPOINT_URL_S3")]
    [InlineData(null)]
    public async Task ValidateModel_S3Folder_UsesTheEndpointFromTheOptionOrTheEnvironment(string? variable)
    {
        var uri = await UploadAsync(ModelFolderBuilder.Valid());
        string[] args = variable is null ? ["validate-model", uri, "--endpoint-url", moto.Endpoint] : ["validate-model", uri];

        var (code, output, error) = await Run(variable is null ? [] : new() { [variable] = moto.Endpoint }, args);

        Assert.True(code == 0, error);
        Assert.Contains("OK: the folder meets Bedrock Custom Model Import's requirements.", output);
    }

    [Fact]
    public async Task ValidateModel_ForSageMaker_AcceptsWhatOnlyBedrockRejects()
    {
        var variant = ModelFolderBuilder.InvalidVariants().Single(v => v.Name == "index-with-total-parameters");
        var uri = await UploadAsync(variant.Files);
        var environment = new Dictionary<string, string> { ["AWS_ENDPOINT_URL"] = moto.Endpoint };

        var bedrock = await Run(environment, ["validate-model", uri]);
        var sagemaker = await Run(environment, ["validate-model", uri, "--for", "sagemaker"]);

        Assert.Equal(ValidateModelCommand.ExitProblems, bedrock.ExitCode);
        Assert.Equal(0, sagemaker.ExitCode);
        Assert.Contains("OK: the folder meets the requirements of vLLM on SageMaker.", sagemaker.Output);
    }

    [Fact]
    public async Task ValidateModel_UnknownRules_IsAUsageError()
    {
        var (code, _, error) = await Run([], ["validate-model", "x", "--for", "ollama"]);

        Assert.NotEqual(0, code);
        Assert.Contains("ollama", error);
    }

    private async Task<string> UploadAsync(IReadOnlyDictionary<string, string> files)
    {
        using var s3 = moto.S3();
        var bucket = "validate-" + Guid.NewGuid().ToString("N")[..12];
        await s3.PutBucketAsync(bucket);
        foreach (var (key, content) in files)
        {
            await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "models/m/" + key, ContentBody = content });
        }

        return $"s3://{bucket}/models/m/";
    }

    private static async Task<(int ExitCode, string Output, string Error)> Run(Dictionary<string, string> environment, string[] args)
    {
        var dependencies = new ClientDependencies
        {
            Credentials = new BasicAWSCredentials("testing", "testing"),
            Environment = name => environment.GetValueOrDefault(name),
        };
        var output = new StringWriter();
        var error = new StringWriter();
        var exitCode = await new RootCommand { ValidateModelCommand.Create(dependencies) }.Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        return (exitCode, output.ToString(), error.ToString());
    }
}
