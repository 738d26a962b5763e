namespace LlmHosting.Cli.Commands;

/// <summary>A mistake or failure the command explains in one line, with the exit code it ends with.</summary>
internal sealed class CliException(string message, int exitCode = ExitCodes.Usage) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}

/// <summary>Exit codes of the commands (documented in the README).</summary>
internal static class ExitCodes
{
    /// <summary>The model answered.</summary>
    public const int Success = 0;

    /// <summary>The endpoint answered with an error, or could not be reached in time (System.CommandLine's parse errors use 1 too).</summary>
    public const int RequestFailed = 1;

    /// <summary>A missing prompt, unusable outputs file or base URL, no region, missing or expired credentials: nothing was sent.</summary>
    public const int Usage = 2;
}
