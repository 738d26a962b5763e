using System.Security.Cryptography;
using Amazon.S3.Model;
using LlmHosting.Cli.Upload;

namespace LlmHosting.Cli.Tests.Upload;

/// <summary>Part layout, hashes and the rule that decides whether a listed part can be kept on resume.</summary>
public sealed class UploadPartsTests
{
    private const long MiB = 1024 * 1024;

    [Theory]
    [InlineData(0L, 1)]
    [InlineData(16 * MiB, 1)]
    [InlineData((16 * MiB) + 1, 2)]
    [InlineData(100 * MiB, 7)]
    public void Layout_DefaultPartSize_CutsTheFile(long size, int parts)
    {
        var layout = PartLayout.For(size, PartLayout.DefaultPartSize);

        Assert.Equal(parts, layout.PartCount);
        Assert.Equal(size, Enumerable.Range(1, layout.PartCount).Sum(layout.Length));
    }

    [Fact]
    public void Layout_FileNeedingMoreThan10000Parts_RaisesThePartSizeToWholeMiB()
    {
        var size = 400L * 1000 * 1000 * 1000;

        var layout = PartLayout.For(size, 5 * MiB);

        Assert.True(layout.PartCount <= PartLayout.MaxParts);
        Assert.Equal(0, layout.PartSize % MiB);
        Assert.True(PartLayout.For(size, layout.PartSize - MiB).PartSize == layout.PartSize, "the smallest whole-MiB size that fits");
        Assert.Throws<ArgumentOutOfRangeException>(() => PartLayout.For(PartLayout.MaxObjectSize + 1, 5 * MiB));
    }

    [Fact]
    public async Task Hashes_PartsAndObjectChecksum_AreThoseS3Computes()
    {
        var path = Path.GetTempFileName();
        try
        {
            var data = Enumerable.Range(0, (int)(12 * MiB) + 3).Select(i => (byte)(i % 251)).ToArray();
            await File.WriteAllBytesAsync(path, data);
            var layout = PartLayout.For(data.Length, 5 * MiB);
            var file = new LocalFile("shard", path, data.Length, File.GetLastWriteTimeUtc(path).Ticks);
            using var slots = new SemaphoreSlim(2);

            var hashes = await new PartDigests(file, layout, null).AllAsync(slots, CancellationToken.None);

            // Reference: python3 hashlib over the same bytes (i % 251): each part's SHA-256, then the SHA-256 of the three digests, "-3".
            Assert.Equal("NH+tVljW8iWMKieLLzSAMyIPbqbuBCPwlY402skGWqY=", hashes.Parts[2]);
            Assert.Equal("qWY8op2c0qtChV/h05il/sx+UaF6RKMEbRvgewA5EhE=-3", hashes.ObjectChecksum);
            Assert.Equal(
                Enumerable.Range(1, 3).Select(n => Convert.ToBase64String(SHA256.HashData(data.AsSpan((int)layout.Offset(n), (int)layout.Length(n))))),
                hashes.Parts);
            Assert.Equal("6e2d7e3b8419635172c012cb004ed618", await FileHashes.PartMd5Async(path, layout, 3, CancellationToken.None));
            Assert.True(hashes.MatchesObjectChecksum("qWY8op2c0qtChV/h05il/sx+UaF6RKMEbRvgewA5EhE="), "the digest decides, with or without -N");
            Assert.False(hashes.MatchesObjectChecksum(hashes.Parts[0] + "-3"));
            Assert.False(hashes.MatchesObjectChecksum(null));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Hashes_SinglePart_ObjectChecksumIsTheFilesSha256()
    {
        // Reference: python3 base64 of hashlib.sha256 over bytes i % 251, i < 1000.
        var hashes = new FileHashes(1000, 0, 5 * MiB, ["TkwpSzMfeiCZo3m+w0ufn8A9xGq0ZdmY9NaD2lNIfm0="]);

        Assert.Equal("TkwpSzMfeiCZo3m+w0ufn8A9xGq0ZdmY9NaD2lNIfm0=", hashes.ObjectChecksum);
    }

    [Fact]
    public async Task Hashes_FileShorterThanPlanned_OneLineNamingTheFile()
    {
        var path = Path.GetTempFileName();
        try
        {
            await File.WriteAllBytesAsync(path, new byte[100]);

            var e = await Assert.ThrowsAsync<IOException>(() => FileHashes.PartSha256Async(path, new PartLayout(200, 5 * MiB), 1, CancellationToken.None));

            Assert.StartsWith($"{path} changed while it was read", e.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    public static TheoryData<string, long, string?, string, bool> ListedParts() => new()
    {
        { "checksum listed and equal", 5 * MiB, "c2hhLTE=", "\"not-an-md5\"", true },
        { "checksum listed and different, ETag equal to the MD5", 5 * MiB, "b3RoZXI=", "\"0123456789abcdef0123456789abcdef\"", false },
        { "no checksum, ETag equal to the MD5", 5 * MiB, null, "\"0123456789abcdef0123456789abcdef\"", true },
        { "no checksum, ETag not an MD5 (SSE-KMS)", 5 * MiB, null, "\"0123456789abcdef0123456789abcdef-1\"", false },
        { "no checksum, ETag another MD5", 5 * MiB, null, "\"ffffffffffffffffffffffffffffffff\"", false },
        { "size differs", (5 * MiB) - 1, "c2hhLTE=", "\"0123456789abcdef0123456789abcdef\"", false },
    };

    [Theory]
    [MemberData(nameof(ListedParts))]
    public async Task HoldsLocalPart_DecidesOnChecksumFirstThenMd5(string why, long size, string? checksum, string etag, bool expected)
    {
        var layout = new PartLayout(12 * MiB, 5 * MiB);
        var part = new PartDetail { PartNumber = 1, Size = size, ChecksumSHA256 = checksum, ETag = etag };

        var holds = await MultipartUploads.HoldsLocalPartAsync(part, layout, _ => Task.FromResult("c2hhLTE="), _ => Task.FromResult("0123456789abcdef0123456789abcdef"));

        Assert.True(holds == expected, why);
    }
}
