namespace LlmHosting.App.Configuration;

/// <summary>
/// A mistake in the environment configuration. Its message is one line that names the environment, the
/// setting and the value, and is printed as it is, without a stack trace.
/// </summary>
public sealed class ConfigurationException(string message) : Exception(message);
