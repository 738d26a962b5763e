"""Independent reference for the safetensors checks of llmhost (only struct and json, no safetensors package).

Follows the format of huggingface/safetensors (README "Format"; safetensors/src/tensor.rs read_metadata and
Metadata::validate): 8-byte little-endian header length N (at most 100,000,000), N bytes of UTF-8 JSON starting with '{',
an object of tensors {dtype, shape, data_offsets} plus an optional __metadata__ of string values, no duplicate keys,
the byte buffer covered by the tensors in offset order without holes or overlaps, each tensor's size equal to its
element count times its dtype's size, and the file exactly 8 + N + the buffer length.
Usage: safetensors_check.py FILE...   prints one line per file: "ok" or "bad: <reason>".
"""
import json
import struct
import sys

BITS = {"BOOL": 8, "F4": 4, "F6_E2M3": 6, "F6_E3M2": 6, "U8": 8, "I8": 8, "F8_E5M2": 8, "F8_E4M3": 8, "F8_E8M0": 8,
        "F8_E4M3FNUZ": 8, "F8_E5M2FNUZ": 8, "I16": 16, "U16": 16, "F16": 16, "BF16": 16, "I32": 32, "U32": 32,
        "F32": 32, "C64": 64, "F64": 64, "I64": 64, "U64": 64}


def no_duplicates(pairs):
    keys = [k for k, _ in pairs]
    if len(keys) != len(set(keys)):
        raise ValueError("duplicate key")
    return dict(pairs)


def check(data):
    if len(data) < 8:
        return "too short"
    (n,) = struct.unpack("<Q", data[:8])
    if n > 100_000_000:
        return "header too large"
    if 8 + n > len(data):
        return "header past the end"
    raw = data[8:8 + n]
    if not raw.startswith(b"{"):
        return "header does not start with {"
    try:
        header = json.loads(raw.decode("utf-8"), object_pairs_hook=no_duplicates)
    except (ValueError, UnicodeDecodeError) as e:
        return f"header not JSON: {e}"
    if not isinstance(header, dict):
        return "header not an object"
    tensors = []
    for name, info in header.items():
        if name == "__metadata__":
            if not isinstance(info, dict) or not all(isinstance(v, str) for v in info.values()):
                return "metadata not strings"
            continue
        if not isinstance(info, dict) or not isinstance(info.get("dtype"), str) \
                or not isinstance(info.get("shape"), list) or not isinstance(info.get("data_offsets"), list) \
                or len(info["data_offsets"]) != 2:
            return f"tensor {name} incomplete"
        shape, (begin, end) = info["shape"], info["data_offsets"]
        if not all(isinstance(d, int) and not isinstance(d, bool) and d >= 0 for d in shape):
            return f"tensor {name} shape"
        if not all(isinstance(o, int) and not isinstance(o, bool) and o >= 0 for o in (begin, end)) or end < begin:
            return f"tensor {name} offsets"
        if info["dtype"] in BITS:
            elements = 1
            for d in shape:
                elements *= d
            bits = elements * BITS[info["dtype"]]
            if bits % 8 != 0 or bits // 8 != end - begin:
                return f"tensor {name} size"
        tensors.append((begin, end, name))
    position = 0
    for begin, end, name in sorted(tensors):
        if begin != position:
            return f"hole or overlap at {name}"
        position = end
    if 8 + n + position != len(data):
        return f"file is {len(data)} bytes, header declares {8 + n + position}"
    return "ok"


for path in sys.argv[1:]:
    with open(path, "rb") as f:
        verdict = check(f.read())
    print(verdict if verdict == "ok" else "bad: " + verdict)
