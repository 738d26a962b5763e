using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace LlmHosting.ModelValidation;

/// <summary>One uploaded file of a model folder.</summary>
/// <param name="Key">Key relative to the folder's prefix, <c>/</c>-separated.</param>
/// <param name="Size">Size in bytes.</param>
/// <param name="ChecksumSha256">
/// The object's SHA-256 checksum as S3 keeps and reports it (HeadObject with checksum mode enabled, GetObjectAttributes):
/// base64; for an object uploaded in N parts, the SHA-256 of the concatenated part digests followed by <c>-N</c>
/// (checksum type COMPOSITE; Amazon S3 User Guide, "Checking object integrity"). Empty when not known: a listing, or a
/// format version 1 manifest, which held the hex SHA-256 of the whole file instead.
/// </param>
/// <param name="ETag">The object's ETag as S3 returns it, without the surrounding quotes.</param>
public sealed record ManifestEntry(string Key, long Size, string ChecksumSha256, string ETag);

/// <summary>An object of a prefix as a listing (ListObjectsV2) shows it.</summary>
/// <param name="Key">Key relative to the prefix.</param>
/// <param name="Size">Size in bytes.</param>
/// <param name="ETag">The ETag, with or without the surrounding quotes.</param>
public sealed record StoredObject(string Key, long Size, string ETag);

/// <summary>A weights manifest that cannot be read: the message names the source, the JSON path and the problem.</summary>
public sealed class ManifestFormatException(string message) : Exception(message);

/// <summary>
/// What <c>llmhost upload-model</c> put under a prefix: every file with its size, S3 SHA-256 checksum and ETag. It is stored
/// beside the folder (<see cref="KeyFor"/>), never inside it, so that neither SageMaker nor Bedrock sees it; a
/// deployment compares it with a listing of the prefix (<see cref="Differences"/>) and notices a content change
/// through <see cref="Fingerprint"/>.
/// </summary>
/// <param name="Prefix">The folder's prefix in the bucket, ending with <c>/</c>.</param>
/// <param name="Files">The files; kept sorted by key (ordinal).</param>
public sealed record WeightsManifest(string Prefix, IReadOnlyList<ManifestEntry> Files)
{
    /// <summary>
    /// The version written to <c>formatVersion</c>. Version 1 (files with a whole-file hex <c>sha256</c>) is still
    /// read, for manifests committed before: its keys, sizes and ETags are all a deployment compares.
    /// </summary>
    public const int FormatVersion = 2;

    /// <summary>Appended to the prefix without its trailing <c>/</c> to make the manifest's key.</summary>
    public const string KeySuffix = ".llmhost-manifest.json";

    /// <summary>The files, sorted by key (ordinal).</summary>
    public IReadOnlyList<ManifestEntry> Files { get; init; } = Files.OrderBy(f => f.Key, StringComparer.Ordinal).ToList();

    /// <summary>
    /// Lower-case hex SHA-256 over <c>key\tsize\tetag\n</c> of every file in key order: it changes exactly when
    /// the objects under the prefix change (S3 gives a rewritten object a new ETag, even with equal content when
    /// the part layout differs, so a re-upload may change it too).
    /// </summary>
    public string Fingerprint
    {
        get
        {
            var text = new StringBuilder();
            foreach (var file in Files)
            {
                text.Append(file.Key).Append('\t').Append(file.Size.ToString(CultureInfo.InvariantCulture)).Append('\t').Append(file.ETag).Append('\n');
            }

            return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
        }
    }

    /// <summary>The manifest's key for a prefix: <c>models/gpt-oss-20b/</c> gives <c>models/gpt-oss-20b.llmhost-manifest.json</c>.</summary>
    /// <param name="prefix">A valid model prefix (<see cref="ModelPrefixRule"/>), with or without the trailing <c>/</c>.</param>
    public static string KeyFor(string prefix) => ModelPrefixRule.Normalize(prefix).TrimEnd('/') + KeySuffix;

    /// <summary>What differs between this manifest and a listing of the prefix, one line each; empty when they agree.</summary>
    /// <param name="listing">The objects under the prefix, keys relative to it.</param>
    public IReadOnlyList<string> Differences(IReadOnlyList<StoredObject> listing)
    {
        ArgumentNullException.ThrowIfNull(listing);
        var stored = listing.ToDictionary(o => o.Key, StringComparer.Ordinal);
        var expected = Files.ToDictionary(f => f.Key, StringComparer.Ordinal);
        var lines = new List<(string Key, string Line)>();
        foreach (var file in Files)
        {
            if (!stored.TryGetValue(file.Key, out var o))
            {
                lines.Add((file.Key, $"missing {file.Key}"));
            }
            else if (o.Size != file.Size)
            {
                lines.Add((file.Key, $"size of {file.Key} is {o.Size}, manifest says {file.Size}"));
            }
            else if (Unquote(o.ETag) != Unquote(file.ETag))
            {
                lines.Add((file.Key, $"ETag of {file.Key} differs (S3 \"{Unquote(o.ETag)}\", manifest \"{Unquote(file.ETag)}\")"));
            }
        }

        lines.AddRange(listing.Where(o => !expected.ContainsKey(o.Key)).Select(o => (o.Key, $"extra {o.Key}")));
        return lines.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => l.Line).ToList();
    }

    /// <summary>The manifest as indented JSON with a stable field order: formatVersion, prefix, files (key, size, checksumSha256, etag).</summary>
    /// <exception cref="InvalidOperationException">An entry has no checksum (the manifest was read from version 1).</exception>
    public string ToJson()
    {
        if (Files.FirstOrDefault(f => f.ChecksumSha256.Length == 0) is { } unknown)
        {
            throw new InvalidOperationException($"{unknown.Key} has no checksum (a format version 1 manifest): upload the folder again to write a version {FormatVersion} manifest.");
        }

        using var stream = new MemoryStream();
        // The default encoder writes the '+' of base64 as \u002B, which nobody comparing checksums by eye would recognise; the file is never embedded in HTML.
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            writer.WriteNumber("formatVersion", FormatVersion);
            writer.WriteString("prefix", Prefix);
            writer.WriteStartArray("files");
            foreach (var file in Files)
            {
                writer.WriteStartObject();
                writer.WriteString("key", file.Key);
                writer.WriteNumber("size", file.Size);
                writer.WriteString("checksumSha256", file.ChecksumSha256);
                writer.WriteString("etag", file.ETag);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    /// <summary>Reads a manifest; throws <see cref="ManifestFormatException"/> naming the source, the JSON path and the problem.</summary>
    /// <param name="json">The manifest text.</param>
    /// <param name="source">Where it came from (a path or an S3 URI), for the message.</param>
    public static WeightsManifest Parse(string json, string source)
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw new ManifestFormatException($"{source}: $: not valid JSON ({e.Message.Split(" Path:", 2)[0].TrimEnd('.')})");
        }

        using (document)
        {
            var root = Object(document.RootElement, "$", source, ["formatVersion", "prefix", "files"]);
            var version = root.GetProperty("formatVersion");
            if (version.ValueKind != JsonValueKind.Number || !version.TryGetInt32(out var v) || v is not (1 or FormatVersion))
            {
                throw Problem(source, "$.formatVersion", $"is {version.GetRawText()}; this llmhost reads versions 1 and {FormatVersion}");
            }

            var prefix = String(root.GetProperty("prefix"), "$.prefix", source);
            if (ModelPrefixRule.Problems(prefix).Count > 0 || !prefix.EndsWith('/'))
            {
                throw Problem(source, "$.prefix", $"'{prefix}' is not a model prefix ending with '/'");
            }

            var files = root.GetProperty("files");
            if (files.ValueKind != JsonValueKind.Array)
            {
                throw Problem(source, "$.files", $"is a JSON {Kind(files)}, not an array");
            }

            var entries = new List<ManifestEntry>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var index = 0;
            foreach (var item in files.EnumerateArray())
            {
                var path = $"$.files[{index++}]";
                var file = Object(item, path, source, ["key", "size", v == 1 ? "sha256" : "checksumSha256", "etag"]);
                var key = String(file.GetProperty("key"), path + ".key", source);
                if (key.Length == 0 || key.StartsWith('/') || key.Split('/').Any(s => s.Length == 0 || s == "." || s == ".."))
                {
                    throw Problem(source, path + ".key", $"'{key}' is not a relative file key");
                }

                if (!seen.Add(key))
                {
                    throw Problem(source, path + ".key", $"'{key}' is listed twice");
                }

                var size = file.GetProperty("size");
                if (size.ValueKind != JsonValueKind.Number || !size.TryGetInt64(out var bytes) || bytes < 0)
                {
                    throw Problem(source, path + ".size", $"is {size.GetRawText()}, not a size in bytes (a whole number, 0 or more)");
                }

                var checksum = Checksum(file, v, path, source);
                var etag = String(file.GetProperty("etag"), path + ".etag", source);
                if (etag.Length == 0 || etag.Contains('"'))
                {
                    throw Problem(source, path + ".etag", $"'{etag}' is not an ETag without quotes");
                }

                entries.Add(new ManifestEntry(key, bytes, checksum, etag));
            }

            return new WeightsManifest(prefix, entries);
        }
    }

    private static string Unquote(string etag) => etag.Trim('"');

    /// <summary>The entry's checksum: checked and kept in version 2; in version 1 the whole-file hex SHA-256 is checked and dropped (empty).</summary>
    private static string Checksum(JsonElement file, int version, string path, string source)
    {
        if (version == 1)
        {
            var sha = String(file.GetProperty("sha256"), path + ".sha256", source);
            return sha.Length == 64 && sha.All(c => char.IsAsciiDigit(c) || c is >= 'a' and <= 'f')
                ? ""
                : throw Problem(source, path + ".sha256", $"'{sha}' is not 64 lower-case hex digits");
        }

        var checksum = String(file.GetProperty("checksumSha256"), path + ".checksumSha256", source);
        return IsS3Sha256Checksum(checksum)
            ? checksum
            : throw Problem(source, path + ".checksumSha256", $"'{checksum}' is not an S3 SHA-256 checksum (44 base64 characters, then -<parts> for 2 to 10000 parts)");
    }

    /// <summary>Base64 of 32 bytes, optionally <c>-N</c> with N the part count of a multipart upload (2 to 10,000: S3's limit).</summary>
    private static bool IsS3Sha256Checksum(string value)
    {
        var dash = value.IndexOf('-', StringComparison.Ordinal);
        var digest = dash < 0 ? value : value[..dash];
        Span<byte> bytes = stackalloc byte[33];
        if (digest.Length != 44 || !Convert.TryFromBase64String(digest, bytes, out var length) || length != 32)
        {
            return false;
        }

        return dash < 0 || (value[(dash + 1)..] is var parts && parts.All(char.IsAsciiDigit) && !parts.StartsWith('0')
            && int.TryParse(parts, NumberStyles.None, CultureInfo.InvariantCulture, out var count) && count is >= 2 and <= 10_000);
    }

    private static JsonElement Object(JsonElement element, string path, string source, string[] fields)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw Problem(source, path, $"is a JSON {Kind(element)}, not an object");
        }

        foreach (var property in element.EnumerateObject().Where(p => !fields.Contains(p.Name)))
        {
            throw Problem(source, $"{path}.{property.Name}", $"unknown field; allowed: {string.Join(", ", fields)}");
        }

        foreach (var field in fields.Where(f => !element.TryGetProperty(f, out _)))
        {
            throw Problem(source, $"{path}.{field}", "missing");
        }

        return element;
    }

    private static string String(JsonElement element, string path, string source)
        => element.ValueKind == JsonValueKind.String ? element.GetString()! : throw Problem(source, path, $"is a JSON {Kind(element)}, not a string");

    private static string Kind(JsonElement element) => element.ValueKind.ToString().ToLowerInvariant();

    private static ManifestFormatException Problem(string source, string path, string problem) => new($"{source}: {path}: {problem}");
}
