#!/usr/bin/env python3
"""SHA-256 of every tensor's bytes in a .safetensors file, one 'name dtype shape sha256' line per
tensor, sorted by name. Hashes the tensor data only, not the header, so metadata changes (preset,
version, comments) do not count as a change of bits."""
import hashlib, json, struct, sys

def hashes(path):
    with open(path, 'rb') as f:
        n = struct.unpack('<Q', f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    out = []
    for name in sorted(k for k in header if k != '__metadata__'):
        t = header[name]
        a, b = t['data_offsets']
        out.append(f"{name} {t['dtype']} {'x'.join(map(str, t['shape']))} {hashlib.sha256(data[a:b]).hexdigest()}")
    return out

if __name__ == '__main__':
    print('\n'.join(hashes(sys.argv[1])))
