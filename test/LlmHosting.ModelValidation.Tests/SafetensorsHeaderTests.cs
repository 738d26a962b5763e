using System.Diagnostics;
using System.Text;
using LlmHosting.TestSupport;

namespace LlmHosting.ModelValidation.Tests;

/// <summary>The safetensors header check, against the format's own example and an independent Python reference.</summary>
public sealed class SafetensorsHeaderTests
{
    /// <summary>The example of safetensors' documentation (safetensors/src/tensor.rs, SafeTensors::deserialize): a 2x2 I32 tensor.</summary>
    private static readonly byte[] DocumentationExample =
        [.. "<\0\0\0\0\0\0\0{\"test\":{\"dtype\":\"I32\",\"shape\":[2,2],\"data_offsets\":[0,16]}}"u8, .. new byte[16]];

    [Fact]
    public void Parse_TheFormatsOwnExample_DeclaresItsSize()
    {
        var length = SafetensorsHeader.ReadHeaderLength(DocumentationExample, DocumentationExample.Length);
        var header = SafetensorsHeader.Parse(DocumentationExample.AsSpan(8, (int)length));

        Assert.Equal(60, header.HeaderLength);
        Assert.Equal(16, header.DataLength);
        Assert.Equal(DocumentationExample.Length, header.ExpectedFileSize);
        Assert.Equal(["test"], header.TensorNames);
    }

    [Theory]
    [InlineData("{\"a\":{\"dtype\":\"U8\",\"shape\":[4],\"data_offsets\":[0,4]},\"b\":{\"dtype\":\"U8\",\"shape\":[4],\"data_offsets\":[6,10]}}", "leaves bytes 4-6")]
    [InlineData("{\"a\":{\"dtype\":\"U8\",\"shape\":[4],\"data_offsets\":[0,4]},\"b\":{\"dtype\":\"U8\",\"shape\":[4],\"data_offsets\":[2,6]}}", "overlapping")]
    [InlineData("{\"a\":{\"dtype\":\"BF16\",\"shape\":[4],\"data_offsets\":[0,4]}}", "BF16 and shape [4] take 8 bytes")]
    [InlineData("{\"a\":{\"dtype\":\"U8\",\"shape\":[4],\"data_offsets\":[0,4]},\"a\":{\"dtype\":\"U8\",\"shape\":[4],\"data_offsets\":[4,8]}}", "names 'a' twice")]
    [InlineData("{\"__metadata__\":{\"format\":1}}", "'__metadata__'")]
    [InlineData("{\"a\":{\"dtype\":\"U8\",\"shape\":[4]}}", "no dtype, shape or data_offsets")]
    [InlineData("[1,2]", "does not start with '{'")]
    [InlineData("{\"a\":", "not valid JSON")]
    public void Parse_AHeaderAgainstTheFormat_NamesTheFault(string json, string fragment)
    {
        var e = Assert.Throws<SafetensorsFormatException>(() => SafetensorsHeader.Parse(Encoding.UTF8.GetBytes(json)));

        Assert.Contains(fragment, e.Message);
    }

    [Fact]
    public void ReadHeaderLength_LongerThanTheFile_SaysTruncated()
    {
        var e = Assert.Throws<SafetensorsFormatException>(() => SafetensorsHeader.ReadHeaderLength(DocumentationExample, 40));

        Assert.Contains("header alone takes 8 + 60: the file is truncated", e.Message);
    }

    [Fact]
    public void ReadHeaderLength_AboveTheFormatsLimit_IsRefused()
    {
        var prefix = BitConverter.GetBytes((ulong)SafetensorsHeader.MaxHeaderLength + 1);

        var e = Assert.Throws<SafetensorsFormatException>(() => SafetensorsHeader.ReadHeaderLength(prefix, long.MaxValue));

        Assert.Contains("above the format's limit", e.Message);
    }

    /// <summary>
    /// Valid files and hundreds of damaged ones (truncated, padded, a header byte changed, and hand-made faults): every
    /// verdict of this check (valid or not) equals the one of Reference/safetensors_check.py, written from the format's
    /// description with Python's struct and json only.
    /// </summary>
    [Fact]
    public void Verdicts_OnGeneratedFiles_AgreeWithThePythonReference()
    {
        var directory = Directory.CreateTempSubdirectory("llmhost-safetensors-").FullName;
        try
        {
            var files = Corpus().Select((bytes, i) =>
            {
                var path = Path.Combine(directory, $"{i:D4}.safetensors");
                System.IO.File.WriteAllBytes(path, bytes);
                return (Path: path, Bytes: bytes);
            }).ToList();

            var reference = RunReference(files.Select(f => f.Path));

            Assert.Equal(files.Count, reference.Count);
            Assert.Contains(reference, v => v == "ok");
            Assert.Contains(reference, v => v != "ok");
            for (var i = 0; i < files.Count; i++)
            {
                var ours = Verdict(files[i].Bytes);
                Assert.True(ours == (reference[i] == "ok"), $"{files[i].Path}: llmhost says {(ours ? "valid" : "invalid")}, the reference says {reference[i]}");
            }
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static bool Verdict(byte[] file)
    {
        try
        {
            var length = SafetensorsHeader.ReadHeaderLength(file, file.Length);
            return SafetensorsHeader.Parse(file.AsSpan(8, (int)length)).ExpectedFileSize == file.Length;
        }
        catch (SafetensorsFormatException)
        {
            return false;
        }
    }

    private static IEnumerable<byte[]> Corpus()
    {
        var random = new Random(20261207);
        byte[][] valid =
        [
            DocumentationExample,
            ModelFolderBuilder.Bytes(ModelFolderBuilder.Safetensors(ModelFolderBuilder.ShardTensors[0])),
            ModelFolderBuilder.Bytes(ModelFolderBuilder.Safetensors([("scalar", 1), ("empty", 0), ("w", 33)], metadata: null)),
            File("{\"a\":{\"dtype\":\"BF16\",\"shape\":[2,3],\"data_offsets\":[0,12]},\"b\":{\"dtype\":\"F4\",\"shape\":[4],\"data_offsets\":[12,14]}}", 14),
            File("{\"a\":{\"dtype\":\"NEW_DTYPE\",\"shape\":[3],\"data_offsets\":[0,5]}}", 5),
            File("{\"a\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[0,4]}}   ", 4),
        ];
        foreach (var file in valid)
        {
            yield return file;
            yield return file[..^1];
            yield return [.. file, 0];
            for (var i = 0; i < 40; i++)
            {
                var damaged = (byte[])file.Clone();
                var n = (int)BitConverter.ToUInt64(file, 0);
                damaged[8 + random.Next(n)] = (byte)random.Next(32, 127);
                yield return damaged;
            }
        }

        yield return File("{\"a\":{\"dtype\":\"F4\",\"shape\":[3],\"data_offsets\":[0,2]}}", 2);
        yield return File("{\"a\":{\"dtype\":\"U8\",\"shape\":[2],\"data_offsets\":[0,2]},\"b\":{\"dtype\":\"U8\",\"shape\":[2],\"data_offsets\":[3,5]}}", 5);
        yield return File("{\"a\":{\"dtype\":\"U8\",\"shape\":[2],\"data_offsets\":[0,2]},\"a\":{\"dtype\":\"U8\",\"shape\":[2],\"data_offsets\":[2,4]}}", 4);
        yield return File("{\"a\":{\"dtype\":\"U8\",\"shape\":[-2],\"data_offsets\":[0,2]}}", 2);
        yield return File("{\"__metadata__\":{\"k\":[1]}}", 0);
        yield return [.. BitConverter.GetBytes(1000UL), .. "{}"u8];
    }

    private static byte[] File(string json, int dataBytes) => [.. BitConverter.GetBytes((ulong)Encoding.UTF8.GetByteCount(json)), .. Encoding.UTF8.GetBytes(json), .. new byte[dataBytes]];

    private static List<string> RunReference(IEnumerable<string> paths)
    {
        var script = Path.Combine(AppContext.BaseDirectory, "Reference", "safetensors_check.py");
        var start = new ProcessStartInfo("python3", [script, .. paths]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        var error = process.StandardError.ReadToEnd();
        Assert.True(process.WaitForExit(60_000), "the reference check did not finish within a minute");
        Assert.True(process.ExitCode == 0, error);
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries).ToList();
    }
}
