using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace LlmHosting.Tests.Shared;

/// <summary>
/// Puts the folder of the Python interpreter that <c>python3</c> stands for first on this test host's PATH, once, before
/// any test runs, so that every <c>python3</c>, <c>cfn-lint</c>, <c>aws</c> and <c>moto_server</c> a test starts (itself
/// or through a script) is the same program without the version manager's shim in front of it.
/// </summary>
/// <remarks>
/// On a machine with pyenv, each of those names is a bash script that asks pyenv which version to run and then runs it:
/// about 0.3 s of CPU per process, and the suite starts a few hundred (measured: 20 s of the Constructs tests' 80 s of
/// CPU were the shims and the interpreters behind them). The folder is the one the shim resolves to from the test's
/// working folder (<c>sys.executable</c>), so the programs are the ones the shim would have run. Where <c>python3</c> is
/// missing nothing changes, and the tests that need it say so.
/// </remarks>
internal static class PythonOnPath
{
    [ModuleInitializer]
    internal static void Resolve()
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo("python3", ["-c", "import os, sys; print(os.path.dirname(sys.executable))"])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            })!;
            var folder = process.StandardOutput.ReadToEnd().Trim();
            process.StandardError.ReadToEnd();
            if (!process.WaitForExit(TimeSpan.FromSeconds(30)) || process.ExitCode != 0 || !File.Exists(Path.Combine(folder, "python3")))
            {
                return;
            }

            var path = Environment.GetEnvironmentVariable("PATH") ?? "";
            if (path.Split(Path.PathSeparator).FirstOrDefault() != folder)
            {
                Environment.SetEnvironmentVariable("PATH", folder + Path.PathSeparator + path);
            }
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // No python3 on PATH: the prerequisite check names it.
        }
    }
}
