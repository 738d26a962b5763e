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
        => Assert.Empty(EnvironmentCatalog.Parse("test", Valid.Replace("\"modelImports\": [ IMPORTS ]", "\"x\": 1").Replace(",\n  \"x\": 1", ""), "test.json").ModelImports);

    [Fact]
    public void Parse_BadModelImports_NamesEachByPath()
    {
        var imports = """
            { "name": "gpt.oss", "bucketPrefix": "/models/*" },
            { "name": "", "bucketPrefix": "" },
            { "name": "qwen", "bucketPrefix": "models/qwen/" },
            { "name": "qwen", "bucketPrefix": "models/qwen-2/" }
            """;
        var error = Assert.Throws<ConfigurationException>(() => EnvironmentCatalog.Parse("test", Valid.Replace("IMPORTS", imports), "cdk/config/test.json"));

        Assert.Contains("modelImports[0].name 'gpt.oss' must be letters and digits", error.Message);
        Assert.Contains("modelImports[0].bucketPrefix '/models/*' must be a folder like models/gpt.oss/", error.Message);
        Assert.Contains("modelImports[1].name is missing", error.Message);
        Assert.Contains("modelImports[1].bucketPrefix is missing", error.Message);
        Assert.Contains("modelImports[3].name 'qwen' is used by an earlier entry", error.Message);
        Assert.DoesNotContain("modelImports[2]", error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void Parse_NameTooLongWithPrefix_NamesTheFullName()
    {
        var name = new string('a', 50);
        var error = Assert.Throws<ConfigurationException>(() => EnvironmentCatalog.Parse("test", Valid.Replace("IMPORTS", $$"""{ "name": "{{name}}", "bucketPrefix": "models/a/" }"""), "test.json"));
        Assert.Contains($"'llm-test-{name}' at most 54 characters", error.Message);
    }

    [Fact]
    public void Load_Dev_ImportsGptOss20bFromItsModelBucketFolder()
    {
        var dev = EnvironmentCatalog.Load(Path.Combine(AppContext.BaseDirectory, "config")).Select("dev").Single();
        var import = Assert.Single(dev.ModelImports);
        Assert.Equal("gpt-oss-20b", import.Name);
        Assert.Equal("models/gpt-oss-20b/", import.BucketPrefix);
    }
}
