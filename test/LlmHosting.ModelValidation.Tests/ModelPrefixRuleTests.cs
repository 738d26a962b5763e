namespace LlmHosting.ModelValidation.Tests;

public sealed class ModelPrefixRuleTests
{
    [Theory]
    [InlineData("models/gpt-oss-20b/", "models/gpt-oss-20b/")]
    [InlineData("models/gpt-oss-20b", "models/gpt-oss-20b/")]
    [InlineData("qwen", "qwen/")]
    public void Normalize_ValidPrefix_EndsWithSlash(string prefix, string expected)
    {
        Assert.Equal(expected, ModelPrefixRule.Normalize(prefix));
    }

    [Theory]
    [InlineData("", "it is empty")]
    [InlineData("/", "it is empty")]
    [InlineData("/models/x/", "starts with '/'")]
    [InlineData("models/*/", "wildcard")]
    [InlineData("models/../x/", "'..' segment")]
    [InlineData("models//x/", "empty, '.' or '..' segment")]
    public void Normalize_InvalidPrefix_ThrowsNamingThePrefixAndProblem(string prefix, string fragment)
    {
        var e = Assert.Throws<ArgumentException>(() => ModelPrefixRule.Normalize(prefix));

        Assert.StartsWith($"Invalid model prefix '{prefix}': ", e.Message);
        Assert.Contains(fragment, e.Message);
    }
}
