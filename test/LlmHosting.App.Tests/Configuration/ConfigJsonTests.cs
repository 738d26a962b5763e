using LlmHosting.App.Configuration;

namespace LlmHosting.App.Tests.Configuration;

/// <summary>Whatever an environment file holds, loading it ends in the configuration or in lines that name each mistake.</summary>
public sealed class ConfigJsonTests
{
    private const string Valid = """
        {
          "account": "123456789012",
          "region": "us-east-1",
          "namePrefix": "llm-test",
          "tags": { "owner": "ml-platform", "costCentre": "cc-42" },
          "endpoints": [
            { "name": "gpt-oss-20b", "model": "gpt-oss-20b", "bucketPrefix": "models/gpt-oss-20b/", "instanceType": "ml.g6e.xlarge",
              "minInstances": 1, "maxInstances": 2, "vllm": { "maxModelLength": 32768, "extraFlags": { "enable-prefix-caching": null } } }
          ]
        }
        """;

    [Theory]
    [InlineData("\"tags\": {", "\"x\": null, \"tags\": null, \"y\": {", "tags must be an object, not null")]
    [InlineData("\"account\": \"123456789012\"", "\"account\": null", "account must be a string, not null")]
    [InlineData("\"endpoints\": [", "\"endpoints\": [ null, ", "endpoints[0] must be an object, not null")]
    [InlineData("\"vllm\": {", "\"vllm\": null, \"x\": {", "endpoints[0].vllm must be an object, not null")]
    [InlineData("\"minInstances\": 1", "\"minInstances\": null", "endpoints[0].minInstances must be a whole number, not null")]
    public void Parse_NullWhereNoneIsAllowed_IsNamed(string find, string replace, string expected)
        => Assert.Contains($"{ConfigErrors.Source}: {expected}", ConfigErrors.OfParse(Edit(find, replace)));

    [Fact]
    public void Parse_NullWhereTheSettingIsOptional_MeansTheDefault()
    {
        var config = EnvironmentCatalog.Parse("test", Edit("\"maxInstances\": 2", "\"maxInstances\": null, \"inferenceAmiVersion\": null").Replace("\"tags\"", "\"componentEndpoint\": null, \"tags\""), "test.json");
        Assert.Null(config.ComponentEndpoint);
        Assert.Null(config.Endpoints[0].MaxInstances);
    }

    [Theory]
    [InlineData("null", "the file must be an object, not null")]
    [InlineData("[]", "the file must be an object, not a list")]
    [InlineData("\"prod\"", "the file must be an object, not the string \"prod\"")]
    [InlineData("  \n ", "the file is empty: it must hold one JSON object")]
    public void Parse_FileThatIsNoObject_SaysWhatItHolds(string json, string expected)
        => Assert.Equal($"{ConfigErrors.Source}: {expected}", Assert.Single(ConfigErrors.OfParse(json)));

    [Theory]
    [InlineData("\"minInstances\": 1", "\"minInstances\": \"two\"", "endpoints[0].minInstances must be a whole number, not the string \"two\"")]
    [InlineData("\"minInstances\": 1", "\"minInstances\": 1.5", "endpoints[0].minInstances must be a whole number, not the number 1.5")]
    [InlineData("\"maxInstances\": 2", "\"maxInstances\": 99999999999", "endpoints[0].maxInstances 99999999999 is out of range: it must be a whole number from -2147483648 to 2147483647")]
    [InlineData("\"maxModelLength\": 32768", "\"gpuMemoryUtilization\": 1e999", "endpoints[0].vllm.gpuMemoryUtilization must be a finite number, not the number 1e999")]
    [InlineData("\"maxModelLength\": 32768", "\"enableToolCalling\": \"yes\"", "endpoints[0].vllm.enableToolCalling must be true or false, not the string \"yes\"")]
    [InlineData("\"account\": \"123456789012\"", "\"account\": 123456789012", "account must be a string, not the number 123456789012")]
    [InlineData("\"endpoints\": [", "\"endpoints\": { \"a\": 1 }, \"x\": [", "endpoints must be a list, not an object")]
    [InlineData("\"extraFlags\": { \"enable-prefix-caching\": null }", "\"extraFlags\": { \"enable-prefix-caching\": 1 }", "endpoints[0].vllm.extraFlags.enable-prefix-caching must be a string, not the number 1")]
    public void Parse_WrongType_SaysWhatIsAllowedInWords(string find, string replace, string expected)
        => Assert.Contains($"{ConfigErrors.Source}: {expected}", ConfigErrors.OfParse(Edit(find, replace)));

    [Theory]
    [InlineData("\"region\": \"us-east-1\",", "\"region\": \"us-east-1\",\n  \"region\": \"eu-west-1\",", "region is given 2 times; keep one")]
    [InlineData("\"minInstances\": 1,", "\"minInstances\": 1, \"minInstances\": 2,", "endpoints[0].minInstances is given 2 times; keep one")]
    [InlineData("\"enable-prefix-caching\": null", "\"enable-prefix-caching\": null, \"enable-prefix-caching\": \"\"", "endpoints[0].vllm.extraFlags.enable-prefix-caching is given 2 times; keep one")]
    public void Parse_KeyGivenTwice_IsAnErrorNotAnOverwrite(string find, string replace, string expected)
        => Assert.Equal($"{ConfigErrors.Source}: {expected}", Assert.Single(ConfigErrors.OfParse(Edit(find, replace))));

    [Theory]
    [InlineData("\"maxModelLength\"", "\"maxModelLen\"", "endpoints[0].vllm.maxModelLen is not a known key; did you mean maxModelLength?")]
    [InlineData("\"minInstances\"", "\"MinInstances\"", "endpoints[0].MinInstances is not a known key; did you mean minInstances?")]
    [InlineData("\"costCentre\"", "\"costCenter\"", "tags.costCenter is not a known key; did you mean costCentre?")]
    [InlineData("\"namePrefix\": \"llm-test\",", "\"namePrefix\": \"llm-test\", \"modelBucket\": { \"destroy\": true },", "modelBucket.destroy is not a known key (known keys: accessLogs, existingBucketName, existingKmsKeyArn, removalPolicy)")]
    public void Parse_UnknownKey_SuggestsTheClosestKnownKey(string find, string replace, string expected)
        => Assert.Equal($"{ConfigErrors.Source}: {expected}", Assert.Single(ConfigErrors.OfParse(Edit(find, replace))));

    [Theory]
    [InlineData("{\n  \"account\": \"1\"\n  \"region\": \"x\"\n}", "line 3, column 3: '\"' is invalid after a value. Expected either ',', '}', or ']'")]
    [InlineData("{\n  \"owner\": \"équipe\", x\n}", "line 2, column 22: 'x' is an invalid start of a property name. Expected a '\"'")]
    [InlineData("{ \"account\": ", "line 1, column 14: Expected depth to be zero at the end of the JSON payload. There is an open JSON object or array that should be closed")]
    public void Parse_SyntaxError_GivesLineAndColumn(string json, string expected)
        => Assert.Equal($"{ConfigErrors.Source}: the file is not valid JSON at {expected}", Assert.Single(ConfigErrors.OfParse(json)));

    [Fact]
    public void Parse_NameWithSpaces_IsRefusedNotTrimmed()
        => Assert.Contains(
            $"{ConfigErrors.Source}: endpoints[0].name ' gpt-oss-20b' must be lower-case letters and digits, words joined by single hyphens",
            ConfigErrors.OfParse(Edit("\"name\": \"gpt-oss-20b\"", "\"name\": \" gpt-oss-20b\"")));

    private static string Edit(string find, string replace)
    {
        Assert.Contains(find, Valid, StringComparison.Ordinal);
        return Valid.Replace(find, replace);
    }
}
