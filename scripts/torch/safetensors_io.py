"""safetensors read and write with NumPy only (Debian has no python3-safetensors).

Format: 8-byte little-endian header length n, n bytes of JSON {name: {dtype, shape, data_offsets},
"__metadata__": {str: str}}, then the data; offsets are relative to the end of the header.
"""
import json
import os
import struct
import tempfile

import numpy as np

DTYPES = {"F32": "<f4", "F64": "<f8", "F16": "<f2", "I64": "<i8", "I32": "<i4", "I16": "<i2", "I8": "i1",
          "U8": "u1", "BOOL": "?"}


class SafetensorsError(ValueError):
    """A file that is not valid safetensors; the message names the file and what is wrong."""


def read_header(path):
    """(header dict without __metadata__, metadata dict, data offset in the file)."""
    with open(path, "rb") as f:
        head = f.read(8)
        if len(head) != 8:
            raise SafetensorsError(f"{path}: shorter than the 8-byte header length")
        n = struct.unpack("<Q", head)[0]
        size = os.fstat(f.fileno()).st_size
        if n > size - 8 or n > 100_000_000:
            raise SafetensorsError(f"{path}: header length {n} does not fit the file ({size} bytes)")
        try:
            header = json.loads(f.read(n).decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as e:
            raise SafetensorsError(f"{path}: header is not JSON ({e})") from None
    if not isinstance(header, dict):
        raise SafetensorsError(f"{path}: header is not a JSON object")
    metadata = header.pop("__metadata__", None) or {}
    if not isinstance(metadata, dict):
        raise SafetensorsError(f"{path}: __metadata__ is not an object")
    return header, metadata, 8 + n


def read(path):
    """(tensors {name: numpy array, file's dtype}, metadata {str: str})."""
    header, metadata, start = read_header(path)
    with open(path, "rb") as f:
        data = f.read()
    body = len(data) - start
    tensors = {}
    for name, e in header.items():
        if not isinstance(e, dict) or not {"dtype", "shape", "data_offsets"} <= set(e):
            raise SafetensorsError(f"{path}: tensor {name!r} lacks dtype, shape or data_offsets")
        lo, hi = e["data_offsets"]
        if not 0 <= lo <= hi <= body:
            raise SafetensorsError(f"{path}: tensor {name!r} data_offsets {e['data_offsets']} outside the "
                                   f"{body}-byte data")
        count = int(np.prod(e["shape"], dtype=np.int64))
        if e["dtype"] != "BF16" and e["dtype"] not in DTYPES:
            raise SafetensorsError(f"{path}: tensor {name!r} has unsupported dtype {e['dtype']}")
        width = 2 if e["dtype"] == "BF16" else np.dtype(DTYPES[e["dtype"]]).itemsize
        if count * width != hi - lo:
            raise SafetensorsError(f"{path}: tensor {name!r} shape {e['shape']} {e['dtype']} needs "
                                   f"{count * width} bytes, data_offsets give {hi - lo}")
        if e["dtype"] == "BF16":
            raw = np.frombuffer(data, "<u2", count=count, offset=start + lo)
            arr = (raw.astype(np.uint32) << 16).view(np.float32)
        else:
            arr = np.frombuffer(data, DTYPES[e["dtype"]], count=count, offset=start + lo)
        tensors[name] = arr.reshape(e["shape"]).copy()
    return tensors, metadata


def write(path, tensors, metadata):
    """Writes {name: float32 numpy array} with string metadata, atomically (temp file beside, then move).
    Tensors are laid out in name order; the header is space-padded to a multiple of 8 bytes."""
    header, chunks, offset = {}, [], 0
    for name in sorted(tensors):
        a = np.ascontiguousarray(tensors[name])
        if a.dtype != np.float32:
            raise ValueError(f"{name}: only float32 is written, found {a.dtype}")
        b = a.astype("<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(a.shape), "data_offsets": [offset, offset + len(b)]}
        chunks.append(b)
        offset += len(b)
    if not all(isinstance(k, str) and isinstance(v, str) for k, v in metadata.items()):
        raise ValueError("safetensors metadata keys and values must be strings")
    header["__metadata__"] = dict(metadata)
    h = json.dumps(header, separators=(",", ":")).encode("utf-8")
    h += b" " * (-len(h) % 8)
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=directory)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(struct.pack("<Q", len(h)))
            f.write(h)
            for b in chunks:
                f.write(b)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; a plain open() would honour the umask
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
