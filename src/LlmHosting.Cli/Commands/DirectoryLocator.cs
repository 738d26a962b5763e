using System.Text.Json;
using Amazon;
using Amazon.Runtime;
using Amazon.SimpleSystemsManagement;
using LlmHosting.Client;

namespace LlmHosting.Cli.Commands;

/// <summary>
/// Finds an environment's model directory: a file (<c>--directory</c>); the <c>cdk deploy --outputs-file</c> JSON
/// (<c>--outputs-file</c> with <c>--env</c>: that file only); or, with <c>--env</c> alone, <c>cdk-outputs.json</c> when
/// present and then the SSM parameter <c>/&lt;namePrefix&gt;/model-directory</c> in the environment's region. The
/// environment's name prefix and region come from <c>cdk/config/&lt;env&gt;.json</c>. When nothing works, the one
/// error line names every place it looked.
/// </summary>
internal static class DirectoryLocator
{
    public static async Task<ModelDirectory> LoadAsync(string? directoryFile, string? outputsFile, string? environment, ClientDependencies dependencies, CancellationToken cancellationToken)
    {
        if (directoryFile is not null)
        {
            return await Translate(() => ModelDirectory.FromFileAsync(Path.Combine(dependencies.WorkingDirectory, directoryFile), cancellationToken));
        }

        if (environment is null)
        {
            throw new CliException("Which model directory? Pass --env <environment> (cdk-outputs.json, else the SSM parameter), --outputs-file <file> --env <environment>, or --directory <file>.");
        }

        var (namePrefix, region) = ReadEnvironment(environment, dependencies);
        // The app's serving stack; the stack of the app before stateful and stateless parts were split is still accepted.
        string[] stacks = [$"{namePrefix}-serving", $"{namePrefix}-model-hosting"];
        using var ssm = CreateSsmClient(region, dependencies);
        if (outputsFile is not null)
        {
            return await Translate(() => ModelDirectory.FromStackOutputsAsync(Path.Combine(dependencies.WorkingDirectory, outputsFile), stacks, ssm, cancellationToken));
        }

        var looked = new List<string>();
        var defaultOutputs = Path.Combine(dependencies.WorkingDirectory, ChatCommand.DefaultOutputsFile);
        if (File.Exists(defaultOutputs))
        {
            try
            {
                return await ModelDirectory.FromStackOutputsAsync(defaultOutputs, stacks, ssm, cancellationToken);
            }
            catch (ModelDirectoryException e)
            {
                looked.Add(e.Message.TrimEnd('.'));
            }
        }
        else
        {
            looked.Add($"{defaultOutputs} does not exist");
        }

        try
        {
            return await ModelDirectory.FromSsmAsync(ssm, ModelDirectory.ParameterName(namePrefix), cancellationToken);
        }
        catch (ModelDirectoryException e) when (e.InnerException is AmazonClientException credentials && IsMissingCredentials(credentials))
        {
            // Without credentials nothing was learnt about the environment: say what to fix, not that it is undeployed.
            throw new CliException(
                $"Cannot read the model directory of environment '{environment}' without AWS credentials ({string.Join("; ", looked)}; "
                + $"the SSM parameter {ModelDirectory.ParameterName(namePrefix)} in {region} needs them). {ChatErrors.MissingCredentials(credentials).TrimEnd('.')}, or pass --directory <file>.");
        }
        catch (ModelDirectoryException e)
        {
            looked.Add(e.Message.TrimEnd('.'));
        }

        throw new CliException(
            $"No model directory for environment '{environment}'. Looked in: {string.Join("; ", looked)}. Deploy the environment (cdk deploy --outputs-file {ChatCommand.DefaultOutputsFile}), or pass --directory <file>.");
    }

    /// <summary>The SSM client for the environment's region; AWS_ENDPOINT_URL_SSM, else AWS_ENDPOINT_URL, points it elsewhere (e.g. an emulator).</summary>
    private static AmazonSimpleSystemsManagementClient CreateSsmClient(string region, ClientDependencies dependencies)
    {
        var config = new AmazonSimpleSystemsManagementConfig { RegionEndpoint = RegionEndpoint.GetBySystemName(region) };
        var endpoint = NonEmpty(dependencies.Environment("AWS_ENDPOINT_URL_SSM")) ?? NonEmpty(dependencies.Environment("AWS_ENDPOINT_URL"));
        if (endpoint is not null)
        {
            config.ServiceURL = endpoint;
            config.AuthenticationRegion = region;
        }

        return dependencies.Credentials is null ? new AmazonSimpleSystemsManagementClient(config) : new AmazonSimpleSystemsManagementClient(dependencies.Credentials, config);
    }

    private static (string NamePrefix, string Region) ReadEnvironment(string environment, ClientDependencies dependencies)
    {
        var configDirectory = EnvironmentFiles.ConfigDirectory(dependencies);
        var file = EnvironmentFiles.PathOf(environment, configDirectory);
        if (!File.Exists(file))
        {
            throw EnvironmentFiles.Unknown(environment, configDirectory, "or pass --directory <file>");
        }

        try
        {
            using var config = JsonDocument.Parse(File.ReadAllText(file));
            var root = config.RootElement;
            var prefix = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("namePrefix", out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null;
            var region = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("region", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString() : null;
            if (string.IsNullOrWhiteSpace(prefix) || string.IsNullOrWhiteSpace(region))
            {
                throw new CliException($"{file} has no namePrefix or no region: the environment's model directory cannot be found without them.");
            }

            return (prefix, region);
        }
        catch (JsonException e)
        {
            throw new CliException($"{file} is not JSON ({e.Message}).");
        }
    }

    private static async Task<ModelDirectory> Translate(Func<Task<ModelDirectory>> load)
    {
        try
        {
            return await load();
        }
        catch (ModelDirectoryException e)
        {
            throw new CliException(e.Message.TrimEnd('.') + ".");
        }
    }

    private static bool IsMissingCredentials(AmazonClientException e) =>
        e.Message.StartsWith("Failed to resolve AWS credentials", StringComparison.Ordinal);

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
