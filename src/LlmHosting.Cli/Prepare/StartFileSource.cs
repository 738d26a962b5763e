using System.Net;
using System.Security.Cryptography;
using LlmHosting.Cli.Commands;
using LlmHosting.ModelValidation;

namespace LlmHosting.Cli.Prepare;

/// <summary>A start file that could not be had, or was refused (another hash); the message names the source and both hashes.</summary>
internal sealed class StartFileRefusedException(string message) : Exception(message);

/// <summary>
/// Where <c>prepare-model --fix</c> takes a start file from: the file or folder of <c>--from</c> (a machine without internet),
/// else its published address. Whatever the source, the content must have the SHA-256 the contract publishes (for gpt-oss's
/// vocabulary, <c>expected_hash</c> in tiktoken's <c>openai_public.py</c>, which openai-harmony checks again at start).
/// </summary>
internal sealed class StartFileSource(string? from, ClientDependencies dependencies)
{
    /// <summary>A start file is a few MB; anything much larger is not one.</summary>
    private const long MaxBytes = 64L * 1024 * 1024;

    /// <summary>Where the file will come from, for reports.</summary>
    public string Describe(StartFile file) => from is not null ? $"copied from {LocalPath(file)}" : $"downloaded from {Url(file)}";

    /// <summary>The content, checked against the contract's SHA-256; throws <see cref="StartFileRefusedException"/> otherwise.</summary>
    public async Task<byte[]> GetAsync(StartFile file, int filesNeeded, CancellationToken cancellationToken)
    {
        var (content, origin) = from is not null
            ? (await ReadLocalAsync(file, filesNeeded, cancellationToken).ConfigureAwait(false), LocalPath(file))
            : (await DownloadAsync(file, cancellationToken).ConfigureAwait(false), Url(file).ToString());
        var actual = Convert.ToHexStringLower(SHA256.HashData(content));
        if (actual != file.Sha256)
        {
            throw new StartFileRefusedException(
                $"{origin} has SHA-256 {actual}, but {file.Key} must have SHA-256 {file.Sha256} (the published hash, which the serving container checks): refused, nothing was changed.");
        }

        return content;
    }

    private Uri Url(StartFile file)
        => dependencies.StartFileBaseUrl is { } baseUrl ? new Uri(baseUrl, Path.GetFileName(new Uri(file.PublishedUrl).AbsolutePath)) : new Uri(file.PublishedUrl);

    /// <summary>--from as a file, or the file of that name in --from as a folder.</summary>
    private string LocalPath(StartFile file)
    {
        var path = Path.Combine(dependencies.WorkingDirectory, from!);
        return Directory.Exists(path) ? Path.Combine(path, Path.GetFileName(file.Key)) : path;
    }

    private async Task<byte[]> ReadLocalAsync(StartFile file, int filesNeeded, CancellationToken cancellationToken)
    {
        var path = LocalPath(file);
        if (!Directory.Exists(Path.Combine(dependencies.WorkingDirectory, from!)) && filesNeeded > 1)
        {
            throw new StartFileRefusedException($"--from {from} is one file, but {filesNeeded} start files are needed: give a folder that holds them by name ({Path.GetFileName(file.Key)}...).");
        }

        if (!File.Exists(path))
        {
            throw new StartFileRefusedException($"--from: {path} does not exist; {file.Key} is published at {file.PublishedUrl}: download it there and pass the file or its folder.");
        }

        if (new FileInfo(path).Length > MaxBytes)
        {
            throw new StartFileRefusedException($"--from: {path} is {ModelFolderValidator.FormatSize(new FileInfo(path).Length)}, not {file.Key} (a few MB).");
        }

        return await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
    }

    private async Task<byte[]> DownloadAsync(StartFile file, CancellationToken cancellationToken)
    {
        var url = Url(file);
        using var client = new HttpClient { Timeout = TimeSpan.FromMinutes(2), MaxResponseContentBufferSize = MaxBytes };
        try
        {
            using var response = await client.GetAsync(url, cancellationToken).ConfigureAwait(false);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                throw new StartFileRefusedException($"Downloading {url} answered HTTP {(int)response.StatusCode}; download it on a machine that reaches it and pass --from <file>.");
            }

            return await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            throw new StartFileRefusedException($"Could not download {url} ({e.Message}); on a machine without internet, download it elsewhere and pass --from <file or folder>.");
        }
    }
}
