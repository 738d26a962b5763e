using Amazon.Runtime;

namespace LlmHosting.Cli.Commands;

/// <summary>
/// What the client commands take from the machine: credentials, clock, standard input, environment variables, the
/// working directory and the cold-start back-off. Tests replace them; the defaults are the real ones.
/// </summary>
internal sealed class ClientDependencies
{
    /// <summary>Default: the AWSSDK.Core default credential chain.</summary>
    public AWSCredentials? Credentials { get; init; }

    public TimeProvider Clock { get; init; } = TimeProvider.System;

    /// <summary>Default: the console's standard input when it is redirected (a pipe or file), else nothing.</summary>
    public Func<TextReader?> Stdin { get; init; } = () => Console.IsInputRedirected ? Console.In : null;

    public Func<string, string?> Environment { get; init; } = System.Environment.GetEnvironmentVariable;

    public string WorkingDirectory { get; init; } = Directory.GetCurrentDirectory();

    /// <summary>The first wait before retrying a model that is starting; it doubles up to 30 s. Tests shorten it.</summary>
    public TimeSpan ColdStartDelay { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The start contracts folders are checked against. Default: the library's (<see cref="LlmHosting.ModelValidation.StartContract.All"/>);
    /// tests give files whose hash they control.
    /// </summary>
    public IReadOnlyList<LlmHosting.ModelValidation.StartContract> StartContracts { get; init; } = LlmHosting.ModelValidation.StartContract.All;

    /// <summary>
    /// Where <c>prepare-model --fix</c> downloads start files from, in place of the folder of their published address (the
    /// file name is kept). Default: the published address. For tests only (a loopback server): no option or variable sets it.
    /// </summary>
    public Uri? StartFileBaseUrl { get; init; }

    /// <summary>The region: the given one, else the URL's, else AWS_REGION, else AWS_DEFAULT_REGION.</summary>
    public string ResolveRegion(string? region, Uri? baseUrl)
    {
        var resolved = region
            ?? (baseUrl is null ? null : LlmHosting.Client.SageMakerOpenAi.RegionOf(baseUrl))
            ?? NonEmpty(Environment("AWS_REGION"))
            ?? NonEmpty(Environment("AWS_DEFAULT_REGION"));
        return resolved ?? throw new CliException(
            "No AWS region: pass --region, use a https://runtime.sagemaker.<region>.amazonaws.com/... URL, or set AWS_REGION.");
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
