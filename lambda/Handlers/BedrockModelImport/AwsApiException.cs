using System.Net;

namespace LlmHosting.Lambda.BedrockModelImport;

/// <summary>An error answer of an AWS API, with its HTTP status, error type and message.</summary>
internal sealed class AwsApiException(string operation, HttpStatusCode statusCode, string? errorType, string? errorMessage)
    : Exception($"{operation} failed: {(int)statusCode} {errorType ?? statusCode.ToString()}{(string.IsNullOrEmpty(errorMessage) ? "" : ": " + errorMessage)}")
{
    public HttpStatusCode StatusCode { get; } = statusCode;

    public string? ErrorType { get; } = errorType;

    public string? ErrorMessage { get; } = errorMessage;
}
