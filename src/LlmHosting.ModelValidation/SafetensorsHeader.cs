using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace LlmHosting.ModelValidation;

/// <summary>A safetensors header that does not follow the format; the message says what is wrong, in the user's words.</summary>
public sealed class SafetensorsFormatException(string message) : Exception(message);

/// <summary>
/// The header of a safetensors file, read without its data: the format of huggingface/safetensors (README "Format";
/// <c>safetensors/src/tensor.rs</c> <c>read_metadata</c> and <c>Metadata::validate</c>). 8 bytes: N, an unsigned
/// little-endian 64-bit integer; N bytes: a UTF-8 JSON object starting with <c>{</c> (trailing spaces allowed) that maps
/// each tensor name to <c>{"dtype", "shape", "data_offsets": [BEGIN, END]}</c>, plus an optional <c>__metadata__</c>
/// object of string values; then the byte buffer, which the tensors must cover entirely, without holes or overlaps, each
/// tensor taking exactly its element count times its dtype's size. The file is then 8 + N + the buffer length, which is
/// what a truncated or padded download breaks.
/// </summary>
public sealed class SafetensorsHeader
{
    /// <summary>The largest header the reference implementation accepts (<c>MAX_HEADER_SIZE</c> in tensor.rs): 100,000,000 bytes.</summary>
    public const long MaxHeaderLength = 100_000_000;

    /// <summary>Bits per element of each dtype the reference implementation knows (<c>Dtype::bitsize</c>).</summary>
    private static readonly Dictionary<string, int> DtypeBits = new(StringComparer.Ordinal)
    {
        ["BOOL"] = 8, ["F4"] = 4, ["F6_E2M3"] = 6, ["F6_E3M2"] = 6, ["U8"] = 8, ["I8"] = 8, ["F8_E5M2"] = 8, ["F8_E4M3"] = 8,
        ["F8_E8M0"] = 8, ["F8_E4M3FNUZ"] = 8, ["F8_E5M2FNUZ"] = 8, ["I16"] = 16, ["U16"] = 16, ["F16"] = 16, ["BF16"] = 16,
        ["I32"] = 32, ["U32"] = 32, ["F32"] = 32, ["C64"] = 64, ["F64"] = 64, ["I64"] = 64, ["U64"] = 64,
    };

    private SafetensorsHeader(long headerLength, long dataLength, IReadOnlyList<string> tensorNames)
    {
        HeaderLength = headerLength;
        DataLength = dataLength;
        TensorNames = tensorNames;
    }

    /// <summary>N: the length of the JSON header in bytes.</summary>
    public long HeaderLength { get; }

    /// <summary>The length of the byte buffer the header declares: the largest END offset.</summary>
    public long DataLength { get; }

    /// <summary>The size the whole file must have: 8 + <see cref="HeaderLength"/> + <see cref="DataLength"/>.</summary>
    public long ExpectedFileSize => 8 + HeaderLength + DataLength;

    /// <summary>The tensor names, in the header's order (without <c>__metadata__</c>).</summary>
    public IReadOnlyList<string> TensorNames { get; }

    /// <summary>Reads N from the first 8 bytes; throws <see cref="SafetensorsFormatException"/> when they cannot be a header length.</summary>
    /// <param name="prefix">At least the first 8 bytes of the file.</param>
    /// <param name="fileSize">The size of the whole file.</param>
    public static long ReadHeaderLength(ReadOnlySpan<byte> prefix, long fileSize)
    {
        if (fileSize < 8 || prefix.Length < 8)
        {
            throw new SafetensorsFormatException($"is {fileSize} bytes, too short for a safetensors file (8 bytes of header length, then the header)");
        }

        var n = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        if (n > MaxHeaderLength)
        {
            throw new SafetensorsFormatException($"starts with a header length of {n} bytes, above the format's limit of {MaxHeaderLength}: not a safetensors file, or its first bytes are damaged");
        }

        if (8 + (long)n > fileSize)
        {
            throw new SafetensorsFormatException($"is {fileSize} bytes but its header alone takes 8 + {n}: the file is truncated");
        }

        return (long)n;
    }

    /// <summary>Parses the N header bytes; throws <see cref="SafetensorsFormatException"/> naming the first fault.</summary>
    /// <param name="header">The N bytes after the 8-byte length.</param>
    public static SafetensorsHeader Parse(ReadOnlySpan<byte> header)
    {
        if (header.Length == 0 || header[0] != (byte)'{')
        {
            throw new SafetensorsFormatException("has a header that does not start with '{': the header is damaged");
        }

        string text;
        try
        {
            text = new UTF8Encoding(false, true).GetString(header);
        }
        catch (DecoderFallbackException)
        {
            throw new SafetensorsFormatException("has a header that is not UTF-8 text: the header is damaged");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text.TrimEnd(' '), new JsonDocumentOptions { MaxDepth = 8 });
        }
        catch (JsonException e)
        {
            throw new SafetensorsFormatException($"has a header that is not valid JSON ({e.Message.Split(" Path:", 2)[0].TrimEnd('.')}): the header is damaged");
        }

        using (document)
        {
            var (dataLength, names) = Tensors(document.RootElement);
            return new SafetensorsHeader(header.Length, dataLength, names);
        }
    }

    private static (long DataLength, IReadOnlyList<string> Names) Tensors(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new SafetensorsFormatException($"has a header that is a JSON {Kind(root)}, not an object");
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        var tensors = new List<(string Name, long Begin, long End)>();
        foreach (var property in root.EnumerateObject())
        {
            if (!names.Add(property.Name))
            {
                throw new SafetensorsFormatException($"names '{property.Name}' twice in its header (duplicate keys are not allowed)");
            }

            if (property.Name == "__metadata__")
            {
                CheckMetadata(property.Value);
                continue;
            }

            tensors.Add(Tensor(property.Name, property.Value));
        }

        // The buffer is covered entirely, in order of the offsets: each tensor starts where the previous one ends (Metadata::validate).
        long end = 0;
        foreach (var tensor in tensors.OrderBy(t => t.Begin).ThenBy(t => t.End))
        {
            if (tensor.Begin != end)
            {
                throw new SafetensorsFormatException(tensor.Begin > end
                    ? $"leaves bytes {end}-{tensor.Begin} of its data unused before tensor '{tensor.Name}' (the format allows no holes): the header is damaged"
                    : $"has tensor '{tensor.Name}' overlapping the previous one at byte {tensor.Begin}: the header is damaged");
            }

            end = tensor.End;
        }

        return (end, tensors.Select(t => t.Name).ToList());
    }

    private static (string Name, long Begin, long End) Tensor(string name, JsonElement value)
    {
        string Fault(string what) => $"has tensor '{name}' with {what} in its header: the header is damaged";
        if (value.ValueKind != JsonValueKind.Object
            || !value.TryGetProperty("dtype", out var dtype) || dtype.ValueKind != JsonValueKind.String
            || !value.TryGetProperty("shape", out var shape) || shape.ValueKind != JsonValueKind.Array
            || !value.TryGetProperty("data_offsets", out var offsets) || offsets.ValueKind != JsonValueKind.Array || offsets.GetArrayLength() != 2)
        {
            throw new SafetensorsFormatException(Fault("no dtype, shape or data_offsets [BEGIN, END]"));
        }

        var dims = new List<long>();
        foreach (var dim in shape.EnumerateArray())
        {
            dims.Add(dim.ValueKind == JsonValueKind.Number && dim.TryGetInt64(out var d) && d >= 0 ? d : throw new SafetensorsFormatException(Fault($"shape {shape.GetRawText()}")));
        }

        var bounds = offsets.EnumerateArray().Select(o => o.ValueKind == JsonValueKind.Number && o.TryGetInt64(out var v) && v >= 0 ? v : -1).ToArray();
        if (bounds[0] < 0 || bounds[1] < bounds[0])
        {
            throw new SafetensorsFormatException(Fault($"data_offsets {offsets.GetRawText()}"));
        }

        // A dtype newer than this table cannot be sized here; the offsets are still checked for holes and overlaps.
        if (DtypeBits.TryGetValue(dtype.GetString()!, out var bits))
        {
            var size = Size(dims, bits);
            if (size != bounds[1] - bounds[0])
            {
                throw new SafetensorsFormatException(Fault(string.Create(CultureInfo.InvariantCulture,
                    $"{bounds[1] - bounds[0]} bytes of data where dtype {dtype.GetString()} and shape {shape.GetRawText()} take {(size is null ? "more than the format allows" : size + " bytes")}")));
            }
        }

        return (name, bounds[0], bounds[1]);
    }

    private static long? Size(List<long> dims, int bits)
    {
        try
        {
            var elements = dims.Aggregate(1L, (product, d) => checked(product * d));
            var totalBits = checked(elements * bits);
            return totalBits % 8 == 0 ? totalBits / 8 : null;
        }
        catch (OverflowException)
        {
            return null;
        }
    }

    private static void CheckMetadata(JsonElement metadata)
    {
        if (metadata.ValueKind != JsonValueKind.Object || metadata.EnumerateObject().Any(p => p.Value.ValueKind != JsonValueKind.String))
        {
            throw new SafetensorsFormatException("has a '__metadata__' entry that is not an object of string values: the header is damaged");
        }
    }

    private static string Kind(JsonElement element) => element.ValueKind.ToString().ToLowerInvariant();
}
