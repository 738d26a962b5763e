using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Amazon.Runtime;
using Amazon.S3;

namespace LlmHosting.TestSupport;

/// <summary>
/// moto_server (AWS's API emulator, installed with the machine image) on 127.0.0.1 and a free port, started
/// once for the test class and stopped at the end. Its absence fails the tests: CI must not skip them.
/// </summary>
public sealed class MotoServer : IDisposable
{
    private readonly Process _process;

    public MotoServer()
    {
        var port = FreePort();
        Endpoint = $"http://127.0.0.1:{port}";
        try
        {
            _process = Process.Start(new ProcessStartInfo("moto_server", ["-H", "127.0.0.1", "-p", port.ToString()])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            })!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException("moto_server is not installed (it comes with the machine image: pip install 'moto[server]').", e);
        }

        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        WaitUntilListening(port, TimeSpan.FromSeconds(30));
    }

    public string Endpoint { get; }

    public AmazonS3Client S3() => new(
        new BasicAWSCredentials("testing", "testing"),
        new AmazonS3Config { ServiceURL = Endpoint, ForcePathStyle = true, AuthenticationRegion = "us-east-1" });

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }

        _process.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private void WaitUntilListening(int port, TimeSpan timeout)
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < timeout)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"moto_server exited with code {_process.ExitCode} before listening on port {port}.");
            }

            try
            {
                using var client = new TcpClient();
                client.Connect(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException)
            {
                Thread.Sleep(100);
            }
        }

        Dispose();
        throw new TimeoutException($"moto_server did not listen on 127.0.0.1:{port} within {timeout.TotalSeconds} s.");
    }
}

/// <summary>
/// One moto_server for every test class of an assembly that joins this collection, rather than one per class: each
/// start costs about 2.5 s of CPU that the other test assemblies running at the same time need.
/// </summary>
[CollectionDefinition(Name)]
public sealed class MotoCollection : ICollectionFixture<MotoServer>
{
    public const string Name = "moto_server";
}
