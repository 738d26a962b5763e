namespace LlmHosting.Client;

/// <summary>
/// A model directory could not be read or is not valid. The message names where the directory came from and, for
/// an invalid document, the JSON path of every problem.
/// </summary>
public sealed class ModelDirectoryException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What went wrong, naming the source.</param>
    /// <param name="innerException">The underlying failure, if any.</param>
    public ModelDirectoryException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}

/// <summary>A model name that the directory does not have; the message lists the names it has.</summary>
public sealed class UnknownModelException : KeyNotFoundException
{
    /// <summary>Creates the exception for <paramref name="name"/>, listing <paramref name="knownNames"/>.</summary>
    /// <param name="name">The name asked for.</param>
    /// <param name="knownNames">The names the directory has.</param>
    /// <param name="source">Where the directory came from.</param>
    public UnknownModelException(string name, IReadOnlyList<string> knownNames, string source)
        : base($"No model named '{name}' in the model directory ({source}). Its models: {(knownNames.Count == 0 ? "none" : string.Join(", ", knownNames))}.")
    {
        Name = name;
        KnownNames = knownNames;
    }

    /// <summary>The name asked for.</summary>
    public string Name { get; }

    /// <summary>The names the directory has, in its order.</summary>
    public IReadOnlyList<string> KnownNames { get; }
}
