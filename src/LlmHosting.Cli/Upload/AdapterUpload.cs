using System.Security.Cryptography;
using System.Text;
using LlmHosting.ModelValidation;
using LlmHosting.ModelValidation.Adapters;

namespace LlmHosting.Cli.Upload;

/// <summary>
/// upload-model of a LoRA adapter's folder: SageMaker reads an adapter inference component's artifact as one
/// <c>adapter.tar.gz</c> (<see cref="AdapterFolderValidator.ArchiveFileName"/>), so the folder is checked as an adapter and
/// packed into that archive, which is then uploaded like a one-file model folder (skipped when unchanged, resumed,
/// with its manifest). The archive is made the same way every time, so an unchanged adapter sends nothing.
/// </summary>
internal static class AdapterUpload
{
    /// <summary>True when the folder (without the files that are never uploaded) is a LoRA adapter's.</summary>
    internal static async Task<bool> IsAdapterAsync(LocalModelFolder folder, CancellationToken cancellationToken)
        => AdapterFolderValidator.IsAdapter(await UploadExclusions.Without(folder).ListAsync(cancellationToken).ConfigureAwait(false));

    /// <summary>Checks the adapter; writes its problems and returns false when it must not be uploaded.</summary>
    internal static async Task<bool> CheckAsync(LocalModelFolder folder, bool force, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var report = await AdapterFolderValidator.ValidateAsync(folder, new AdapterExpectations(null, null), requireArchive: false, cancellationToken).ConfigureAwait(false);
        await output.WriteLineAsync($"  a LoRA adapter: packed into {AdapterFolderValidator.ArchiveFileName} for its adapter inference component").ConfigureAwait(false);
        foreach (var problem in report.Problems)
        {
            await output.WriteLineAsync($"  problem   {(problem.Key.Length == 0 ? "(folder)" : problem.Key)}: {problem.Message}").ConfigureAwait(false);
        }

        if (report.IsValid || force)
        {
            return true;
        }

        await error.WriteLineAsync($"error: {folder.Location} has {report.Problems.Count} problem(s) as a LoRA adapter vLLM would load (listed above); nothing was uploaded. Fix them, or pass --force.").ConfigureAwait(false);
        return false;
    }

    /// <summary>
    /// Packs the folder's uploadable files into <c>adapter.tar.gz</c> in a staging folder of the state directory (one per
    /// adapter folder, so that its upload state and hashes stay its own) and returns that staging folder.
    /// </summary>
    internal static async Task<LocalModelFolder> PackAsync(LocalModelFolder folder, string stateDirectory, TextWriter output, CancellationToken cancellationToken)
    {
        var (files, _) = await LocalFile.ListAsync(folder, cancellationToken).ConfigureAwait(false);
        var id = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(folder.Location)))[..16];
        var staging = Path.Combine(stateDirectory, "adapters", id);
        Directory.CreateDirectory(staging);
        var archive = Path.Combine(staging, AdapterFolderValidator.ArchiveFileName);
        var temporary = archive + ".llmhost-tmp";
        var stream = File.Create(temporary);
        await using (stream.ConfigureAwait(false))
        {
            await AdapterArchive.PackAsync(folder.Location, files.Select(f => f.Key), stream, cancellationToken).ConfigureAwait(false);
        }

        // An unchanged archive keeps its file (and time), so the hash cache of the upload is reused.
        if (File.Exists(archive) && FilesEqual(archive, temporary))
        {
            File.Delete(temporary);
        }
        else
        {
            File.Move(temporary, archive, overwrite: true);
        }

        await output.WriteLineAsync($"  packed    {files.Count} file(s) ({string.Join(", ", files.Select(f => f.Key).Order(StringComparer.Ordinal))}) into {archive}").ConfigureAwait(false);
        return new LocalModelFolder(staging);
    }

    private static bool FilesEqual(string first, string second)
    {
        var a = new FileInfo(first);
        var b = new FileInfo(second);
        if (a.Length != b.Length)
        {
            return false;
        }

        using var x = a.OpenRead();
        using var y = b.OpenRead();
        return SHA256.HashData(x).AsSpan().SequenceEqual(SHA256.HashData(y));
    }
}
