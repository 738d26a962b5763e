using System.Collections.Concurrent;
using System.CommandLine;
using Amazon.Runtime;
using LlmHosting.Cli.Commands;
using LlmHosting.TestSupport;

namespace LlmHosting.Cli.Tests.Upload;

/// <summary>One HTTP exchange the S3 client had, as the counting handler saw it.</summary>
internal sealed record S3Call(string Method, string Path, string Query, int Status, string? ChecksumSha256, string? ContentSha256 = null, string? ContentEncoding = null);

/// <summary>Records every S3 request the SDK sends and can act on each response (for example cancel after N parts).</summary>
internal sealed class CountingHandler() : DelegatingHandler(new SocketsHttpHandler())
{
    public ConcurrentQueue<S3Call> Calls { get; } = new();

    public Action<S3Call>? OnResponse { get; set; }

    /// <summary>
    /// Sends an https:// request to moto as http://, so that the client takes the HTTPS path (an unsigned payload)
    /// against a server without TLS; moto does not check signatures.
    /// </summary>
    public bool HttpsSeenAsHttp { get; init; }

    /// <summary>The part numbers of the UploadPart requests that S3 accepted.</summary>
    public IReadOnlyList<int> PartsSent => Calls
        .Where(c => c.Method == "PUT" && c.Status == 200 && c.Query.Contains("partNumber=", StringComparison.Ordinal))
        .Select(c => int.Parse(c.Query.Split('&').Single(p => p.TrimStart('?').StartsWith("partNumber=", StringComparison.Ordinal)).Split('=')[1]))
        .Order()
        .ToList();

    /// <summary>PUT requests that carry object data (parts or whole objects), the manifest left out.</summary>
    public IReadOnlyList<S3Call> DataPuts => Calls
        .Where(c => c.Method == "PUT" && c.Status == 200 && !c.Path.EndsWith(".llmhost-manifest.json", StringComparison.Ordinal) && c.Path.Count(ch => ch == '/') > 1)
        .ToList();

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (HttpsSeenAsHttp && request.RequestUri!.Scheme == Uri.UriSchemeHttps)
        {
            request.RequestUri = new UriBuilder(request.RequestUri) { Scheme = Uri.UriSchemeHttp }.Uri;
        }

        var response = await base.SendAsync(request, cancellationToken);
        string? Header(string name) => request.Headers.TryGetValues(name, out var values) ? values.Single() : null;
        var call = new S3Call(
            request.Method.Method, request.RequestUri!.AbsolutePath, request.RequestUri.Query, (int)response.StatusCode, Header("x-amz-checksum-sha256"),
            Header("x-amz-content-sha256"), request.Content?.Headers.ContentEncoding.FirstOrDefault());
        Calls.Enqueue(call);
        OnResponse?.Invoke(call);
        return response;
    }
}

internal sealed class CountingFactory(CountingHandler handler) : HttpClientFactory
{
    public override HttpClient CreateHttpClient(IClientConfig clientConfig) => new(handler, disposeHandler: false);
}

/// <summary>Runs llmhost upload-model in-process against a moto_server, with a temporary working and state directory.</summary>
internal sealed class UploadHarness : IDisposable
{
    private readonly MotoServer _moto;

    public UploadHarness(MotoServer moto, string? endpointVariable = "AWS_ENDPOINT_URL")
    {
        _moto = moto;
        Root = Path.Combine(Path.GetTempPath(), "llmhost-upload-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Root);
        Bucket = "weights-" + Guid.NewGuid().ToString("N")[..12];
        Variables = endpointVariable is null ? [] : new() { [endpointVariable] = moto.Endpoint };
    }

    public string Root { get; }

    public string Bucket { get; }

    public string Folder => Path.Combine(Root, "model");

    public string StateDirectory => Path.Combine(Root, "state");

    public Dictionary<string, string> Variables { get; }

    public CountingHandler Counter { get; private set; } = new();

    public async Task CreateBucketAsync()
    {
        using var s3 = _moto.S3();
        await s3.PutBucketAsync(Bucket);
    }

    /// <summary>A valid folder whose first shard is a safetensors file of <paramref name="shardBytes"/> bytes (about, for tiny ones) of seeded random data (so, several parts).</summary>
    public Dictionary<string, byte[]> WriteModel(int shardBytes, int seed = 1)
    {
        var files = ModelFolderBuilder.Valid().ToDictionary(f => f.Key, f => System.Text.Encoding.UTF8.GetBytes(f.Value));
        files[ModelFolderBuilder.Shards[0]] = ModelFolderBuilder.LargeFirstShard(shardBytes, new Random(seed));
        foreach (var (key, content) in files)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(Folder, key))!);
            File.WriteAllBytes(Path.Combine(Folder, key), content);
        }

        return files;
    }

    public async Task<(int ExitCode, string Output, string Error)> RunAsync(string[] args, CancellationToken cancellationToken = default, CountingHandler? counter = null)
    {
        Counter = counter ?? new CountingHandler();
        var dependencies = new ClientDependencies
        {
            Credentials = new BasicAWSCredentials("testing", "testing"),
            Environment = name => Variables.GetValueOrDefault(name),
            WorkingDirectory = Root,
        };
        var root = new RootCommand { UploadModelCommand.Create(dependencies, config => config.HttpClientFactory = new CountingFactory(Counter)) };
        var output = new StringWriter();
        var error = new StringWriter();
        var exitCode = await CliApp.InvokeAsync(root, ["upload-model", .. args, "--state-dir", StateDirectory], new InvocationConfiguration { Output = output, Error = error }, cancellationToken);
        return (exitCode, output.ToString(), error.ToString());
    }

    public void Dispose()
    {
        if (Directory.Exists(Root))
        {
            Directory.Delete(Root, recursive: true);
        }
    }
}
