"""A loopback S3 stand-in for scripts/bench-weights-gate: serves a generated gpt-oss-120b-sized folder (65 GiB of
safetensors shards) without holding it. moto_server keeps every object's bytes, so it cannot list a 65 GiB folder
cheaply; here each shard is a real safetensors header (tensors covering the data exactly, as the format requires)
followed by zeros that exist only as a size. It answers what the weights gate sends: ListObjectsV2 (path style) and
GetObject, whole for small objects and by byte range; a whole GET of a large object is refused (500), so a gate that
downloaded a shard would fail the benchmark. It counts requests and bytes sent. Binds 127.0.0.1 only and stops after
--seconds (GET /__stats answers the counts). Usage: sparse_s3.py PORT_FILE [--seconds 300]"""
import hashlib
import json
import struct
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlparse

GIB = 1 << 30
SHARDS = 15
TOTAL = 65 * GIB
LAYERS = 36
stats = {"requests": 0, "ranged": 0, "whole": 0, "lists": 0, "bytes": 0}
lock = threading.Lock()


def shard_header(index, data_length):
    """A safetensors header of gpt-oss-like tensor names whose U8 tensors cover data_length bytes exactly."""
    names = [f"model.layers.{layer}.{part}" for layer in range(index * LAYERS // SHARDS, (index + 1) * LAYERS // SHARDS)
             for part in ("mlp.experts.gate_up_proj_blocks", "mlp.experts.gate_up_proj_scales", "mlp.experts.down_proj_blocks",
                          "mlp.experts.down_proj_scales", "mlp.router.weight", "self_attn.q_proj.weight", "self_attn.k_proj.weight",
                          "self_attn.v_proj.weight", "self_attn.o_proj.weight", "input_layernorm.weight", "post_attention_layernorm.weight")]
    names = names or [f"model.extra.{index}.weight"]
    size, offset, header = data_length // len(names), 0, {"__metadata__": {"format": "pt"}}
    for i, name in enumerate(names):
        length = size if i < len(names) - 1 else data_length - offset
        header[name] = {"dtype": "U8", "shape": [length], "data_offsets": [offset, offset + length]}
        offset += length
    text = json.dumps(header, separators=(",", ":")).encode()
    return struct.pack("<Q", len(text)) + text, names


def build(prefix, model_type, vocabulary):
    objects, weight_map = {}, {}
    for i in range(SHARDS):
        key = f"model-{i:05d}-of-{SHARDS - 1:05d}.safetensors"
        header, names = shard_header(i, 0)
        data_length = TOTAL // SHARDS - len(header)
        header, names = shard_header(i, data_length)
        data_length = TOTAL // SHARDS - len(header)
        header, names = shard_header(i, data_length)
        objects[key] = (header, len(header) + data_length)
        weight_map.update({n: key for n in names})
    small = {
        "config.json": json.dumps({"architectures": ["GptOssForCausalLM"], "model_type": model_type, "num_hidden_layers": LAYERS}),
        "tokenizer.json": json.dumps({"version": "1.0", "model": {"type": "BPE"}}),
        "tokenizer_config.json": json.dumps({"model_max_length": 131072}),
        "generation_config.json": json.dumps({"do_sample": True}),
        "model.safetensors.index.json": json.dumps({"metadata": {"total_size": TOTAL}, "weight_map": weight_map}),
    }
    if vocabulary:
        # A stand-in of the real vocabulary's size (3.6 MB): the gate reads it whole to check its SHA-256.
        small["tiktoken/o200k_base.tiktoken"] = "IQ== 0\n" * (3_613_922 // 7)
    objects.update({k: (v.encode(), len(v.encode())) for k, v in small.items()})
    return {prefix + k: v for k, v in objects.items()}


def etag(key):
    """The MD5 of a small object (the SDK checks it on whole GETs); for a shard, a multipart ETag (\"<md5>-<parts>\"), as an
    upload in 16 MiB parts gets, which no client checks against the body."""
    head, size = FOLDERS[key]
    return hashlib.md5(head).hexdigest() if size == len(head) else f"{hashlib.md5(key.encode()).hexdigest()}-{-(-size // (16 << 20))}"


FOLDERS = {}
FOLDERS.update(build("models/gpt-oss-120b-shaped/", "gpt_oss_bench", vocabulary=False))
FOLDERS.update(build("models/gpt-oss-120b/", "gpt_oss", vocabulary=True))


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def send(self, status, body, headers=None):
        self.send_response(status)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        with lock:
            stats["bytes"] += len(body)

    def do_GET(self):
        with lock:
            stats["requests"] += 1
        url = urlparse(self.path)
        if url.path == "/__stats":
            with lock:
                stats["requests"] -= 1
                body = json.dumps(stats).encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        bucket, _, key = url.path.lstrip("/").partition("/")
        key = unquote(key)
        query = parse_qs(url.query)
        if bucket != "bench":
            return self.send(404, b"<Error><Code>NoSuchBucket</Code></Error>")
        if not key:
            with lock:
                stats["lists"] += 1
            prefix = query.get("prefix", [""])[0]
            keys = sorted(k for k in FOLDERS if k.startswith(prefix))
            contents = "".join(f"<Contents><Key>{k}</Key><LastModified>2026-12-07T00:00:00.000Z</LastModified>"
                               f"<ETag>\"{etag(k)}\"</ETag><Size>{FOLDERS[k][1]}</Size><StorageClass>STANDARD</StorageClass></Contents>"
                               for k in keys)
            body = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
                    f"<Name>bench</Name><Prefix>{prefix}</Prefix><KeyCount>{len(keys)}</KeyCount><MaxKeys>1000</MaxKeys>"
                    f"<IsTruncated>false</IsTruncated>{contents}</ListBucketResult>").encode()
            return self.send(200, body, {"Content-Type": "application/xml"})
        if key not in FOLDERS:
            return self.send(404, b"<Error><Code>NoSuchKey</Code></Error>")
        head, size = FOLDERS[key]
        common = {"ETag": f"\"{etag(key)}\"", "Last-Modified": "Mon, 07 Dec 2026 00:00:00 GMT", "Accept-Ranges": "bytes"}
        spec = self.headers.get("Range")
        if spec is None:
            if size > 64 << 20:
                return self.send(500, b"<Error><Code>Benchmark</Code><Message>whole GET of a large object</Message></Error>")
            with lock:
                stats["whole"] += 1
            return self.send(200, head + bytes(size - len(head)), common)
        first, _, last = spec.removeprefix("bytes=").partition("-")
        first, last = int(first), min(int(last), size - 1)
        if first >= size:
            return self.send(416, b"<Error><Code>InvalidRange</Code></Error>")
        body = head[first:last + 1] + bytes(max(0, last + 1 - max(first, len(head))))
        with lock:
            stats["ranged"] += 1
        return self.send(206, body, {**common, "Content-Range": f"bytes {first}-{last}/{size}"})

    do_HEAD = do_GET


def main():
    port_file = sys.argv[1]
    seconds = float(sys.argv[sys.argv.index("--seconds") + 1]) if "--seconds" in sys.argv else 300
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    with open(port_file, "w") as f:
        f.write(str(server.server_address[1]))
    deadline = time.time() + seconds
    while time.time() < deadline:
        time.sleep(0.2)
    server.shutdown()


if __name__ == "__main__":
    main()
