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
    public async Task Hashes_OneRead_GiveTheWholeFileAndEveryPartHash()
    {
        var path = Path.GetTempFileName();
        try
        {
            var data = new byte[(int)(12 * MiB) + 3];
            new Random(7).NextBytes(data);
            await File.WriteAllBytesAsync(path, data);
            var layout = PartLayout.For(data.Length, 5 * MiB);

            var hashes = await FileHashes.ComputeAsync(path, layout, CancellationToken.None);

            // Reference: one-shot SHA256.HashData over each slice, not the incremental hasher under test.
            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(data)), hashes.Sha256);
            Assert.Equal(
                Enumerable.Range(1, 3).Select(n => Convert.ToBase64String(SHA256.HashData(data.AsSpan((int)layout.Offset(n), (int)layout.Length(n))))),
                hashes.Parts);
            Assert.Equal(Convert.ToHexStringLower(MD5.HashData(data.AsSpan((int)layout.Offset(3), (int)layout.Length(3)))), await FileHashes.PartMd5Async(path, layout, 3, CancellationToken.None));
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
        var hashes = new FileHashes(12 * MiB, 0, 5 * MiB, new string('0', 64), ["c2hhLTE=", "c2hhLTI=", "c2hhLTM="]);
        var part = new PartDetail { PartNumber = 1, Size = size, ChecksumSHA256 = checksum, ETag = etag };

        var holds = await MultipartUploads.HoldsLocalPartAsync(part, layout, hashes, _ => Task.FromResult("0123456789abcdef0123456789abcdef"));

        Assert.True(holds == expected, why);
    }
}
