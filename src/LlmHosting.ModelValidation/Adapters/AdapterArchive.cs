using System.Formats.Tar;
using System.IO.Compression;
using LlmHosting.Rules;

namespace LlmHosting.ModelValidation.Adapters;

/// <summary>
/// The <c>adapter.tar.gz</c> SageMaker reads for an adapter inference component: the adapter's files at the archive's root
/// (<see cref="AdapterRules"/>). <see cref="PackAsync"/> makes the same bytes from the same files every time (sorted entries,
/// fixed times and owners), so uploading an unchanged adapter again sends nothing; <see cref="CheckAsync"/> reads an archive
/// as a stream, so a check holds only the small files and a safetensors header in memory.
/// </summary>
public static class AdapterArchive
{
    /// <summary>The time every entry carries, so that equal files make equal archives.</summary>
    private static readonly DateTimeOffset EntryTime = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Largest <c>adapter_config.json</c> read (a real one is a few kB).</summary>
    private const long MaxConfigBytes = 1024 * 1024;

    /// <summary>Writes the archive of <paramref name="keys"/> (files of <paramref name="folder"/>) to <paramref name="output"/>.</summary>
    /// <param name="folder">The adapter's folder.</param>
    /// <param name="keys">The files to pack, relative to the folder with <c>/</c> separators.</param>
    /// <param name="output">Where the <c>.tar.gz</c> bytes go; left open.</param>
    /// <param name="cancellationToken">Cancels the packing.</param>
    public static async Task PackAsync(string folder, IEnumerable<string> keys, Stream output, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(folder);
        ArgumentNullException.ThrowIfNull(keys);
        var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true);
        await using (gzip.ConfigureAwait(false))
        {
            var tar = new TarWriter(gzip, TarEntryFormat.Ustar, leaveOpen: true);
            await using (tar.ConfigureAwait(false))
            {
                foreach (var key in keys.Order(StringComparer.Ordinal))
                {
                    var file = File.OpenRead(Path.Combine(folder, key));
                    await using (file.ConfigureAwait(false))
                    {
                        var entry = new UstarTarEntry(TarEntryType.RegularFile, key)
                        {
                            DataStream = file,
                            ModificationTime = EntryTime,
                            Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead,
                            Uid = 0,
                            Gid = 0,
                        };
                        await tar.WriteEntryAsync(entry, cancellationToken).ConfigureAwait(false);
                    }
                }
            }
        }
    }

    /// <summary>
    /// Reads an archive and adds every problem of the adapter it holds: the configuration and the weights must be at its
    /// root, the configuration must suit <paramref name="expected"/>, the weights must be a LoRA adapter's.
    /// </summary>
    /// <param name="archive">The <c>.tar.gz</c> bytes.</param>
    /// <param name="expected">What the base allows.</param>
    /// <param name="problems">Where problems are added.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The entries read (names relative to the archive's root) up to the configuration and the weights, for reports.</returns>
    public static async Task<IReadOnlyList<ModelFile>> CheckAsync(Stream archive, AdapterExpectations expected, ICollection<ModelProblem> problems, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(archive);
        var entries = new List<ModelFile>();
        AdapterConfig? config = null;
        var sawConfig = false;
        var sawWeights = false;
        try
        {
            var gzip = new GZipStream(archive, CompressionMode.Decompress, leaveOpen: true);
            await using (gzip.ConfigureAwait(false))
            {
                var reader = new TarReader(gzip, leaveOpen: true);
                await using (reader.ConfigureAwait(false))
                {
                    while (await reader.GetNextEntryAsync(copyData: false, cancellationToken).ConfigureAwait(false) is { } entry)
                    {
                        if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile))
                        {
                            continue;
                        }

                        var name = entry.Name.StartsWith("./", StringComparison.Ordinal) ? entry.Name[2..] : entry.Name;
                        entries.Add(new ModelFile(name, entry.Length));
                        if (name == AdapterRules.ConfigFile && entry.DataStream is { } configStream)
                        {
                            sawConfig = true;
                            config = await ReadConfigAsync(configStream, entry.Length, expected, problems, cancellationToken).ConfigureAwait(false);
                        }
                        else if (name == AdapterRules.WeightsFile && entry.DataStream is { } weights)
                        {
                            sawWeights = true;
                            await AdapterWeights.CheckAsync(weights, entry.Length, config, problems, cancellationToken).ConfigureAwait(false);
                        }

                        // The rest of the archive is not needed: a check stops before decompressing it.
                        if (sawConfig && sawWeights)
                        {
                            break;
                        }
                    }
                }
            }
        }
        catch (Exception e) when (e is InvalidDataException or FormatException or EndOfStreamException)
        {
            problems.Add(new ModelProblem(AdapterRules.ArchiveFileName, $"is not a readable .tar.gz archive ({e.Message.TrimEnd('.')}); upload the adapter's folder with llmhost upload-model, which makes it"));
            return entries;
        }

        AddMissing(sawConfig, sawWeights, entries, problems, $" at the root of {AdapterRules.ArchiveFileName}");
        return entries;
    }

    /// <summary>Adds the problems of an adapter that lacks its configuration or weights.</summary>
    internal static void AddMissing(bool sawConfig, bool sawWeights, IReadOnlyList<ModelFile> files, ICollection<ModelProblem> problems, string where)
    {
        if (!sawConfig)
        {
            problems.Add(new ModelProblem(AdapterRules.ConfigFile, $"missing{where}; an adapter needs its PEFT configuration"));
        }

        if (!sawWeights)
        {
            var other = files.Any(f => f.Key.EndsWith("adapter_model.bin", StringComparison.Ordinal))
                ? " (adapter_model.bin is there: convert it to safetensors, for example with PEFT's save_pretrained(safe_serialization=True))"
                : "";
            problems.Add(new ModelProblem(AdapterRules.WeightsFile, $"missing{where}; an adapter needs its weights in safetensors format{other}"));
        }
    }

    internal static async Task<AdapterConfig?> ReadConfigAsync(Stream stream, long size, AdapterExpectations expected, ICollection<ModelProblem> problems, CancellationToken cancellationToken)
    {
        if (size > MaxConfigBytes)
        {
            problems.Add(new ModelProblem(AdapterRules.ConfigFile, $"is {size} bytes; an adapter configuration of that size is not a PEFT adapter_config.json"));
            return null;
        }

        using var reader = new StreamReader(stream, leaveOpen: true);
        return AdapterConfig.Parse(await reader.ReadToEndAsync(cancellationToken).ConfigureAwait(false), expected, problems);
    }
}
