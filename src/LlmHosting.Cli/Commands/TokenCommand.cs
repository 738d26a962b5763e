using System.CommandLine;
using LlmHosting.Client;

namespace LlmHosting.Cli.Commands;

/// <summary>
/// <c>llmhost token</c>: prints a SageMaker bearer token (or Bedrock short-term API key) for other OpenAI clients.
/// </summary>
internal static class TokenCommand
{
    public static Command Create() => Create(new ClientDependencies());

    internal static Command Create(ClientDependencies dependencies)
    {
        var region = new Option<string?>("--region")
        {
            Description = "The region of the endpoints the token is for. Default: AWS_REGION.",
        };
        var service = new Option<string>("--service")
        {
            Description = "sagemaker (endpoints' /openai/v1 path) or bedrock (short-term Bedrock API key).",
            DefaultValueFactory = _ => "sagemaker",
        };
        service.AcceptOnlyFromAmong("sagemaker", "bedrock");
        var expiresIn = new Option<int>("--expires-in")
        {
            Description = "Seconds the token stays valid, 1 to 43200 (12 hours); never longer than the credentials last.",
            DefaultValueFactory = _ => (int)BearerTokenGenerator.MaximumExpiry.TotalSeconds,
        };

        var command = new Command("token", "Print a bearer token for calling deployed models from other OpenAI clients (Python openai, curl).")
        {
            region, service, expiresIn,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            try
            {
                var seconds = parse.GetValue(expiresIn);
                if (seconds is < 1 or > 43200)
                {
                    throw new CliException($"--expires-in {seconds} must be from 1 to 43200 seconds.");
                }

                var generator = ChatCommand.CreateGenerator(
                    dependencies.ResolveRegion(parse.GetValue(region), null), dependencies,
                    TimeSpan.FromSeconds(seconds), BearerTokenService.Of(parse.GetValue(service)!));
                var token = await ChatCommand.GenerateTokenAsync(generator, cancellationToken);
                await parse.InvocationConfiguration.Output.WriteLineAsync(token.Value);
                await parse.InvocationConfiguration.Error.WriteLineAsync($"valid until {token.ExpiresAt:u} for {token.Region}");
                return ExitCodes.Success;
            }
            catch (CliException e)
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync("error: " + e.Message);
                return e.ExitCode;
            }
        });
        return command;
    }
}
