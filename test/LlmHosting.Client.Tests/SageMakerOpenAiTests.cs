namespace LlmHosting.Client.Tests;

public sealed class SageMakerOpenAiTests
{
    [Fact]
    public void BaseUrl_Endpoint_IsTheOpenAiPathOfTheRuntimeHost()
    {
        Assert.Equal("https://runtime.sagemaker.us-east-1.amazonaws.com/endpoints/llm-dev-gpt/openai/v1",
            SageMakerOpenAi.BaseUrl("us-east-1", "llm-dev-gpt").ToString());
    }

    [Fact]
    public void BaseUrl_InferenceComponent_AddsTheComponentPath()
    {
        Assert.Equal("https://runtime.sagemaker.cn-north-1.amazonaws.com.cn/endpoints/ep/inference-components/qwen3-4b/openai/v1",
            SageMakerOpenAi.BaseUrl("cn-north-1", "ep", "qwen3-4b", "amazonaws.com.cn").ToString());
    }

    [Theory]
    [InlineData("https://runtime.sagemaker.eu-west-3.amazonaws.com/endpoints/x/openai/v1", "eu-west-3")]
    [InlineData("https://runtime.sagemaker.cn-northwest-1.amazonaws.com.cn/endpoints/x/openai/v1", "cn-northwest-1")]
    [InlineData("https://runtime.sagemaker.us-gov-west-1.amazonaws.com/endpoints/x/openai/v1", "us-gov-west-1")]
    [InlineData("http://127.0.0.1:8080/endpoints/x/openai/v1", null)]
    [InlineData("https://sagemaker.us-east-1.amazonaws.com/endpoints/x/openai/v1", null)]
    public void RegionOf_ReadsTheRegionOfRuntimeHostsOnly(string url, string? region)
    {
        Assert.Equal(region, SageMakerOpenAi.RegionOf(new Uri(url)));
    }
}
