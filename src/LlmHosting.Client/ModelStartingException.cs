using System.ClientModel;
using System.ClientModel.Primitives;

namespace LlmHosting.Client;

/// <summary>
/// A model that may be cold still answered "not ready" when the cold-start retries ran out
/// (<see cref="ColdStartRetryOptions"/>). Its <see cref="ClientResultException.Status"/> is the last answer's.
/// </summary>
public sealed class ModelStartingException : ClientResultException
{
    internal ModelStartingException(ModelEntry model, int retries, TimeSpan elapsed, PipelineResponse response)
        : base($"model {model.Name} is starting ({Reason(model)}); retried {retries} times over {elapsed.TotalSeconds:0} s", response)
    {
        ModelName = model.Name;
        Retries = retries;
        Elapsed = elapsed;
    }

    /// <summary>The name of the model in the directory.</summary>
    public string ModelName { get; }

    /// <summary>How many times the call was retried.</summary>
    public int Retries { get; }

    /// <summary>The time from the first attempt to the last answer.</summary>
    public TimeSpan Elapsed { get; }

    private static string Reason(ModelEntry model) =>
        model.Kind == ModelKind.BedrockImported ? "Bedrock reloads an imported model after idle" : "scale to zero";
}

/// <summary>
/// Bedrock ended an <c>InvokeModelWithResponseStream</c> answer with an error event (e.g. <c>modelStreamErrorException</c>,
/// <c>throttlingException</c>), or the event stream was damaged.
/// </summary>
public sealed class ModelStreamException : IOException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="errorType">The exception type or error code of the event, e.g. <c>modelStreamErrorException</c>.</param>
    /// <param name="message">What Bedrock said, or what was wrong with the stream.</param>
    /// <param name="innerException">The decoding failure, if any.</param>
    public ModelStreamException(string errorType, string message, Exception? innerException = null)
        : base($"The response stream failed with {errorType}: {message}", innerException)
    {
        ErrorType = errorType;
    }

    /// <summary>The exception type or error code of the event.</summary>
    public string ErrorType { get; }
}
