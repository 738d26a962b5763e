namespace LlmHosting.Cli.Commands;

/// <summary>What <c>llmhost chat</c> was asked to do.</summary>
internal sealed class ChatRequest
{
    public string? Prompt { get; init; }
    public string? BaseUrl { get; init; }
    public string? OutputsFile { get; init; }
    public string? Environment { get; init; }
    public string? Directory { get; init; }
    public string Api { get; init; } = "chat";
    public string? Target { get; init; }
    public string? Region { get; init; }
    public string? Model { get; init; }
    public string? ReasoningEffort { get; init; }
    public int? MaxTokens { get; init; }
    public int TimeoutSeconds { get; init; }

    public TimeSpan Timeout => TimeSpan.FromSeconds(TimeoutSeconds);

    /// <summary>
    /// Whether the model is picked by name from a model directory: with <c>--directory</c>, or with <c>--env</c> and
    /// <c>--model</c> when neither <c>--base-url</c> nor <c>--target</c> picks a stack output instead.
    /// </summary>
    public bool UsesDirectory => Directory is not null || (Environment is not null && Model is not null && Target is null && BaseUrl is null);
}
