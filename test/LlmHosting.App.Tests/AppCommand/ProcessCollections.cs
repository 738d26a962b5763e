namespace LlmHosting.App.Tests.AppCommand;

/// <summary>
/// The test collections that run beside the tests of constructs: their tests start the app command, the launcher or
/// MSBuild as processes and never call a construct in this process (one jsii runtime serves one caller at a time).
/// </summary>
public static class ProcessCollections
{
    /// <summary>The launcher's freshness check, with a stand-in for dotnet (<see cref="LauncherTests"/>).</summary>
    public const string Launcher = "Launcher";

    /// <summary>What the launcher lists against what the build read (<see cref="LauncherInputsTests"/>).</summary>
    public const string LauncherInputs = "Launcher inputs";

    /// <summary>Every collection that may run in parallel with the construct tests.</summary>
    public static readonly IReadOnlySet<string> Names = new HashSet<string>(StringComparer.Ordinal)
    {
        AppCommandFixture.Collection, Launcher, LauncherInputs,
    };
}
