using System.CommandLine;
using Amazon.Runtime;
using LlmHosting.Cli.Commands;

namespace LlmHosting.Cli.Tests;

/// <summary>Runs the client commands in-process with static test credentials and no machine environment.</summary>
internal static class Cli
{
    public const string AccessKey = "AKIDTESTEXAMPLE";
    public const string SecretKey = "testsecret/EXAMPLEKEY+abc";

    public static ClientDependencies Dependencies(
        AWSCredentials? credentials = null, string? stdin = null, string? workingDirectory = null, string? awsRegion = null, string? ssmEndpoint = null) => new()
    {
        Credentials = credentials ?? new BasicAWSCredentials(AccessKey, SecretKey),
        Stdin = () => stdin is null ? null : new StringReader(stdin),
        Environment = name => name switch
        {
            "AWS_REGION" => awsRegion,
            "AWS_ENDPOINT_URL_SSM" => ssmEndpoint,
            _ => null,
        },
        WorkingDirectory = workingDirectory ?? Path.GetTempPath(),
        ColdStartDelay = TimeSpan.FromMilliseconds(10),
    };

    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(ClientDependencies dependencies, params string[] args)
    {
        var root = new RootCommand { ChatCommand.Create(dependencies), ModelsCommand.Create(dependencies), TokenCommand.Create(dependencies) };
        var output = new StringWriter();
        var error = new StringWriter();
        var exitCode = await CliApp.InvokeAsync(root, args, new InvocationConfiguration { Output = output, Error = error });
        return (exitCode, output.ToString(), error.ToString());
    }
}

/// <summary>Credentials with an expiration, like those of an assumed role or SSO session.</summary>
internal sealed class ExpiringCredentials : AWSCredentials
{
    public ExpiringCredentials(DateTimeOffset expiration) => Expiration = expiration.UtcDateTime;

    public override ImmutableCredentials GetCredentials() => new(Cli.AccessKey, Cli.SecretKey, "session-token");
}
