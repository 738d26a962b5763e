using LlmHosting.App.Configuration;

namespace LlmHosting.App.Tests.Configuration;

public sealed class ModelImportConfigTests
{
    private const string Valid = """
        {
          "account": "123456789012",
          "region": "us-east-1",
          "namePrefix": "llm-test",
          "tags": { "owner": "ml-platform", "costCentre": "cc-42" },
          "modelImports": [ IMPORTS ]
        }
        """;

    [Fact]
    public void Parse_ModelImport_ReadsEverySetting()
    {
        var config = EnvironmentCatalog.Parse("test", Valid.Replace("IMPORTS", """{ "name": "gpt-oss-20b", "bucketPrefix": "models/gpt-oss-20b/", "retainOnDelete": true }"""), "test.json");

        var import = Assert.Single(config.ModelImports);
        Assert.Equal("gpt-oss-20b", import.Name);
        Assert.Equal("models/gpt-oss-20b/", import.BucketPrefix);
        Assert.True(import.RetainOnDelete);
    }

    [Fact]
    public void Parse_NoModelImports_DefaultsToNone()
        => Assert.Empty(EnvironmentCatalog.Parse("test", Valid.Replace(",\n  \"modelImports\": [ IMPORTS ]", ""), "test.json").ModelImports);

    [Fact]
    public void Parse_BadModelImports_NamesEachByPathWithTheLibraryRules()
    {
        var imports = """
            { "name": "gpt.oss", "bucketPrefix": "/models/*" },
            { "name": "", "bucketPrefix": "" },
            { "name": "qwen", "bucketPrefix": "models/qwen/" }
            """;
        var lines = ConfigErrors.OfParse(Valid.Replace("IMPORTS", imports));

        ConfigErrors.Line(lines, "modelImports[0].name 'gpt.oss' makes the imported model name 'llm-test-gpt.oss', which must be 1-54 letters and digits, each optionally followed by one '-' or '_'");
        ConfigErrors.Line(lines, "modelImports[0].bucketPrefix: Invalid model prefix '/models/*': it starts with '/'; S3 keys are relative to the bucket; it contains a wildcard");
        ConfigErrors.Line(lines, "modelImports[1].name is missing");
        ConfigErrors.Line(lines, "modelImports[1].bucketPrefix is missing");
        Assert.DoesNotContain(lines, l => l.Contains("modelImports[2]", StringComparison.Ordinal));
        Assert.Equal(4, lines.Count);
    }

    [Fact]
    public void Parse_TwoImportsOfOneName_NamesBoth()
    {
        var imports = """
            { "name": "qwen", "bucketPrefix": "models/qwen/" },
            { "name": "qwen", "bucketPrefix": "models/qwen-2/" }
            """;
        Assert.Equal(
            $"{ConfigErrors.Source}: modelImports[1].name makes the Bedrock imported model name 'llm-test-qwen', which modelImports[0].name makes too; choose another name",
            Assert.Single(ConfigErrors.OfParse(Valid.Replace("IMPORTS", imports))));
    }

    [Fact]
    public void Parse_NameTooLongWithPrefix_NamesTheFullName()
    {
        var name = new string('a', 50);
        var line = Assert.Single(ConfigErrors.OfParse(Valid.Replace("IMPORTS", $$"""{ "name": "{{name}}", "bucketPrefix": "models/a/" }""")));
        Assert.Contains($"modelImports[0].name '{name}' makes the imported model name 'llm-test-{name}', which must be 1-54 letters and digits", line);
    }

    [Fact]
    public void Load_Dev_ImportsGptOss20bFromItsModelBucketFolder_UnderADirectoryNameOfItsOwn()
    {
        var dev = EnvironmentCatalog.Load(Repository.ConfigDirectory).Select("dev").Single();
        var import = Assert.Single(dev.ModelImports);
        Assert.Equal("gpt-oss-20b-imported", import.Name);
        Assert.Equal("models/gpt-oss-20b/", import.BucketPrefix);
    }
}
