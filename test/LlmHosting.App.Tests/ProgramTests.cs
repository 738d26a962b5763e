using System.Diagnostics;

namespace LlmHosting.App.Tests;

/// <summary>The app as the CDK CLI runs it: a process that gets its context in CDK_CONTEXT_JSON.</summary>
public sealed class ProgramTests
{
    [Fact]
    public void Main_UnknownEnvironment_FailsWithOneLineListingKnownOnes()
    {
        var (exitCode, stderr) = Run(AppContext.BaseDirectory, """{"env":"prodd"}""");
        Assert.Equal(1, exitCode);
        Assert.Equal("error: Unknown environment 'prodd'. Known environments: dev, prod, staging.", Assert.Single(Lines(stderr)));
    }

    [Fact]
    public void Main_MalformedAccount_FailsWithOneLineNamingIt()
    {
        var copy = CopyAppWithConfig("staging.json", c => c.Replace("\"222222222222\"", "\"22222\""));
        try
        {
            var (exitCode, stderr) = Run(copy, "{}");
            Assert.Equal(1, exitCode);
            Assert.Equal(
                ["error: cdk/config/staging.json: account '22222' is not a 12-digit AWS account id"],
                Lines(stderr));
        }
        finally
        {
            Directory.Delete(copy, recursive: true);
        }
    }

    [Fact]
    public void Main_MalformedRegion_FailsWithOneLineNamingIt()
    {
        var copy = CopyAppWithConfig("dev.json", c => c.Replace("\"us-east-1\"", "\"us-esat-1\""));
        try
        {
            var (exitCode, stderr) = Run(copy, "{}");
            Assert.Equal(1, exitCode);
            Assert.Equal("error: cdk/config/dev.json: region 'us-esat-1' is not an AWS region name (for example us-east-1)", Assert.Single(Lines(stderr)));
        }
        finally
        {
            Directory.Delete(copy, recursive: true);
        }
    }

    [Fact]
    public void Main_ModelTooLargeForInstance_FailsWithOneLineNamingModelInstanceAndMemory()
    {
        var copy = CopyAppWithConfig("prod.json", c => c.Replace("ml.p5.48xlarge", "ml.g6.2xlarge"));
        try
        {
            var (exitCode, stderr) = Run(copy, """{"env":"prod"}""");
            Assert.Equal(1, exitCode);
            var line = Assert.Single(Lines(stderr));
            Assert.StartsWith("error: cdk/config/prod.json: endpoints[0].instanceType: model gpt-oss-120b needs 65 GiB", line);
            Assert.Contains("ml.g6.2xlarge offers 21.6 GiB", line);
            Assert.EndsWith("choose an instanceType with more GPU memory", line);
        }
        finally
        {
            Directory.Delete(copy, recursive: true);
        }
    }

    [Fact]
    public void Main_NullSection_FailsWithOneLineNamingItAndNoStackTrace()
    {
        var copy = CopyAppWithConfig("staging.json", c => c.Replace("\"tags\": {", "\"tags\": null, \"x\": {"));
        try
        {
            var (exitCode, stderr) = Run(copy, """{"env":"staging"}""");
            Assert.Equal(1, exitCode);
            Assert.Equal(
                ["error: cdk/config/staging.json: tags must be an object, not null", "error: cdk/config/staging.json: x is not a known key (known keys: account, bedrockModels, componentEndpoint, endpoints, invoker, logs, modelBucket, modelImports, namePrefix, operations, productionLike, region, tags)"],
                Lines(stderr));
        }
        finally
        {
            Directory.Delete(copy, recursive: true);
        }
    }

    [Fact]
    public void Main_KeyGivenTwice_FailsInsteadOfKeepingTheLast()
    {
        var copy = CopyAppWithConfig("prod.json", c => c.Replace("\"minInstances\": 1,\n      \"maxInstances\": 2,", "\"minInstances\": 1,\n      \"maxInstances\": 2,\n      \"minInstances\": 2,"));
        try
        {
            var (exitCode, stderr) = Run(copy, """{"env":"dev"}""");
            Assert.Equal(1, exitCode);
            Assert.Equal("error: cdk/config/prod.json: endpoints[0].minInstances is given 2 times; keep one", Assert.Single(Lines(stderr)));
        }
        finally
        {
            Directory.Delete(copy, recursive: true);
        }
    }

    // The jsii runtime may print a boxed warning about the Node.js version; it is not the app's output.
    internal static IEnumerable<string> Lines(string stderr)
        => stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Where(l => !l.StartsWith("!!", StringComparison.Ordinal));

    internal static (int ExitCode, string Stderr) Run(string directory, string context)
    {
        var start = new ProcessStartInfo("dotnet", [Path.Combine(directory, "LlmHosting.App.dll")])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            WorkingDirectory = Path.GetTempPath(),
        };
        // As in the snapshot tests, assets are not bundled (no `dotnet publish` of the handlers).
        var withoutBundling = System.Text.Json.Nodes.JsonNode.Parse(context)!.AsObject();
        withoutBundling["aws:cdk:bundling-stacks"] = new System.Text.Json.Nodes.JsonArray();
        start.Environment["CDK_CONTEXT_JSON"] = withoutBundling.ToJsonString();
        start.Environment["CDK_OUTDIR"] = Path.Combine(Path.GetTempPath(), "llmhosting-program-" + Guid.NewGuid().ToString("N"));
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        _ = process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(TimeSpan.FromSeconds(60)), "the app did not exit within 60 s");
        return (process.ExitCode, stderr.Result);
    }

    internal static string CopyAppWithConfig(string file, Func<string, string> edit)
    {
        // Inside the repository, as the app is when the CDK CLI runs it: the constructs find their handler code above it.
        var copy = Path.Combine(AppContext.BaseDirectory, "program-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.Combine(copy, "config"));
        // The app's own files are copied, so that its base directory (where it reads config/) is the copy; the ~100 MB of
        // libraries beside it are linked, not copied.
        foreach (var path in Directory.GetFiles(AppContext.BaseDirectory))
        {
            var target = Path.Combine(copy, Path.GetFileName(path));
            if (Path.GetFileName(path).StartsWith("LlmHosting.App.", StringComparison.Ordinal))
            {
                File.Copy(path, target);
            }
            else
            {
                File.CreateSymbolicLink(target, path);
            }
        }

        foreach (var path in Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "config")))
        {
            var text = File.ReadAllText(path);
            File.WriteAllText(Path.Combine(copy, "config", Path.GetFileName(path)), Path.GetFileName(path) == file ? edit(text) : text);
        }

        return copy;
    }
}
