using System.Diagnostics;
using System.Globalization;

namespace LlmHosting.Client.Tests;

/// <summary>Runs the installed python3 botocore (Reference/botocore_token.py) as the reference implementation.</summary>
internal static class Botocore
{
    public static string Token(BearerTokenService service, string region, DateTimeOffset signedAt, int expiresSeconds, string accessKey, string secretKey, string? sessionToken = null)
    {
        var script = Path.Combine(AppContext.BaseDirectory, "Reference", "botocore_token.py");
        var start = new ProcessStartInfo("python3")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
        {
            script, service.Host, service.SigningName, service.TokenPrefix, region,
            signedAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
            expiresSeconds.ToString(CultureInfo.InvariantCulture), accessKey, secretKey,
        })
        {
            start.ArgumentList.Add(argument);
        }

        if (sessionToken is not null)
        {
            start.ArgumentList.Add(sessionToken);
        }

        // A missing python3 or botocore is a failure, not a skip: the reference is part of the acceptance check.
        using var process = Process.Start(start) ?? throw new InvalidOperationException("python3 could not be started");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(30_000))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("botocore reference did not finish within 30 s");
        }

        Assert.True(process.ExitCode == 0, $"botocore reference failed (is python3 with botocore installed?): {stderr.Result}");
        return stdout.Result.Trim();
    }
}
