using System.CommandLine;
using LlmHosting.Cli.Commands;
using LlmHosting.TestSupport;

namespace LlmHosting.Cli.Tests.Commands;

/// <summary><c>llmhost validate-model</c> through the real command line, on local folders.</summary>
public sealed class ValidateModelCommandTests
{
    [Fact]
    public async Task ValidateModel_ValidFolder_SaysOkAndExitsZero()
    {
        var (exitCode, output, _) = await RunOn(ModelFolderBuilder.Valid());

        Assert.Equal(0, exitCode);
        Assert.Contains("6 files", output);
        Assert.Contains("OK: the folder meets Bedrock Custom Model Import's requirements.", output);
    }

    [Fact]
    public async Task ValidateModel_EachInvalidVariant_NamesTheKeyAndExitsOne()
    {
        foreach (var variant in ModelFolderBuilder.InvalidVariants())
        {
            var (exitCode, output, _) = await RunOn(variant.Files);

            Assert.True(exitCode == ValidateModelCommand.ExitProblems, $"{variant.Name}: exit code {exitCode}\n{output}");
            Assert.Contains("1 problem(s):", output);
            var line = Assert.Single(output.Split('\n'), l => l.StartsWith("  " + variant.Key + ": ", StringComparison.Ordinal));
            Assert.Contains(variant.Fragment, line);
        }
    }

    [Fact]
    public async Task ValidateModel_MissingFolder_ExitsTwoWithAnError()
    {
        var (exitCode, output, error) = await Run(["validate-model", "/nonexistent/llmhost-model"]);

        Assert.Equal(ValidateModelCommand.ExitUnreadable, exitCode);
        Assert.Contains("error: Model folder '/nonexistent/llmhost-model' does not exist.", error);
        Assert.DoesNotContain("OK", output);
    }

    [Fact]
    public async Task ValidateModel_WithoutFolder_IsAUsageError()
    {
        var (exitCode, _, error) = await Run(["validate-model"]);

        Assert.NotEqual(0, exitCode);
        Assert.Contains("folder", error, StringComparison.OrdinalIgnoreCase);
    }

    private static async Task<(int ExitCode, string Output, string Error)> RunOn(IReadOnlyDictionary<string, string> files)
    {
        var directory = ModelFolderBuilder.NewTempFolder(files);
        try
        {
            return await Run(["validate-model", directory]);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static async Task<(int ExitCode, string Output, string Error)> Run(string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exitCode = await CliApp.Build().Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        return (exitCode, output.ToString(), error.ToString());
    }
}
