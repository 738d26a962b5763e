using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;

namespace LlmHosting.Client.Tests;

/// <summary>
/// Runs the installed python3 botocore (Reference/*.py) as the reference implementation. A missing python3 or
/// botocore is a failure, not a skip: the reference is part of the acceptance check.
/// </summary>
internal static class Botocore
{
    public static string Token(BearerTokenService service, string region, DateTimeOffset signedAt, int expiresSeconds, string accessKey, string secretKey, string? sessionToken = null)
    {
        var arguments = new List<string>
        {
            service.Host, service.SigningName, service.TokenPrefix, region,
            signedAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
            expiresSeconds.ToString(CultureInfo.InvariantCulture), accessKey, secretKey,
        };
        if (sessionToken is not null)
        {
            arguments.Add(sessionToken);
        }

        return Run("botocore_token.py", arguments, stdin: null).Trim();
    }

    /// <summary>Runs Reference/botocore_bedrock.py (see its usage) and parses its JSON answer.</summary>
    public static JsonNode Bedrock(IEnumerable<string> arguments, byte[]? stdin = null) =>
        JsonNode.Parse(Run("botocore_bedrock.py", arguments, stdin))!;

    private static string Run(string script, IEnumerable<string> arguments, byte[]? stdin)
    {
        var start = new ProcessStartInfo("python3")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Reference", script));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("python3 could not be started");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (stdin is not null)
        {
            process.StandardInput.BaseStream.Write(stdin);
        }

        process.StandardInput.Close();
        if (!process.WaitForExit(30_000))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"botocore reference {script} did not finish within 30 s");
        }

        Assert.True(process.ExitCode == 0, $"botocore reference {script} failed (is python3 with botocore installed?): {stderr.Result}");
        return stdout.Result;
    }
}
