using LlmHosting.Constructs.Bedrock;
using LlmHosting.Constructs.Handlers;

namespace LlmHosting.Constructs.Tests.Handlers;

public sealed class HandlerCodeTests
{
    [Fact]
    public void Locate_FromAnotherWorkingDirectory_FindsTheLambdaProjectAboveTheAssembly()
    {
        var previous = Directory.GetCurrentDirectory();
        Directory.SetCurrentDirectory(Path.GetTempPath());
        try
        {
            var location = HandlerCode.Locate(Path.GetDirectoryName(typeof(BedrockModelImport).Assembly.Location)!);

            Assert.Null(location.PrebuiltDirectory);
            Assert.True(File.Exists(Path.Combine(location.RepositoryRoot!, "lambda", "Handlers", "LlmHosting.Handlers.csproj")));
        }
        finally
        {
            Directory.SetCurrentDirectory(previous);
        }
    }

    [Fact]
    public void Locate_PrebuiltHandlerNextToTheAssembly_IsPreferred()
    {
        var root = NewTempDirectory();
        try
        {
            var prebuilt = Path.Combine(root, "bin", HandlerCode.PrebuiltFolder);
            Directory.CreateDirectory(prebuilt);
            File.WriteAllText(Path.Combine(prebuilt, "LlmHosting.Handlers.dll"), "");
            Directory.CreateDirectory(Path.Combine(root, HandlerCode.ProjectFolder));
            File.WriteAllText(Path.Combine(root, HandlerCode.ProjectFolder, HandlerCode.ProjectFile), "<Project />");

            var location = HandlerCode.Locate(Path.Combine(root, "bin"));

            Assert.Equal(prebuilt, location.PrebuiltDirectory);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void Locate_NoHandlerAnywhere_ThrowsNamingBothPlaces()
    {
        var root = NewTempDirectory();
        try
        {
            var error = Assert.Throws<InvalidOperationException>(() => HandlerCode.Locate(root));
            Assert.Contains(HandlerCode.PrebuiltFolder, error.Message);
            Assert.Contains("lambda/Handlers/LlmHosting.Handlers.csproj", error.Message);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void SourceHash_ChangesWithSources_IgnoresBuildOutput()
    {
        var root = NewTempDirectory();
        try
        {
            Write(root, "lambda/Handlers/Handler.cs", "class A {}");
            Write(root, "src/LlmHosting.ModelValidation/Validator.cs", "class B {}");
            Write(root, "Directory.Packages.props", "<Project />");
            var original = HandlerCode.SourceHash(root);

            Write(root, "lambda/Handlers/bin/Release/x.dll", "binary");
            Write(root, "src/LlmHosting.ModelValidation/obj/project.assets.json", "{}");
            Write(root, "src/Unrelated/Other.cs", "class C {}");
            Assert.Equal(original, HandlerCode.SourceHash(root));

            Write(root, "src/LlmHosting.ModelValidation/Validator.cs", "class B { int x; }");
            var changed = HandlerCode.SourceHash(root);
            Assert.NotEqual(original, changed);

            Write(root, "Directory.Packages.props", "<Project><!-- new version --></Project>");
            Assert.NotEqual(changed, HandlerCode.SourceHash(root));
            Assert.Matches("^[0-9a-f]{64}$", changed);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static string NewTempDirectory()
    {
        var path = Path.Combine(Path.GetTempPath(), "llmhost-handler-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        return path;
    }

    private static void Write(string root, string relative, string content)
    {
        var path = Path.Combine(root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
    }
}
