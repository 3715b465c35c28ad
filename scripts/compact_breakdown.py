#!/usr/bin/env python3
"""Where the bytes of a compact model file go, and how close its Huffman streams are to their entropy.

Usage: compact_breakdown.py model.a4jc
For version 2 files: preamble, header (stored/raw), and per tensor its encoding and payload bytes; for coded
tensors the codebook, the code tables and the bit stream, beside the order-0 entropy of the same symbols (gap
classes and level indices, plus the raw bits), which is what a static arithmetic or ANS coder would need at best.
Plain Python (struct, zlib), no admm4j code: an outside check of the format's layout.
"""
import math
import struct
import sys
import zlib


def varint(b, p):
    v = 0
    shift = 0
    while True:
        x = b[p]
        p += 1
        v |= (x & 0x7F) << shift
        if not x & 0x80:
            return v, p
        shift += 7


def entropy_bits(counts):
    n = sum(counts.values())
    return -sum(c * math.log2(c / n) for c in counts.values() if c)


def main(path):
    data = open(path, 'rb').read()
    assert data[:4] == b'A4JC', 'not a compact model'
    version, flags, hlen, _ = struct.unpack_from('<HHII', data, 4)
    print(f'{path}: {len(data)} bytes, version {version}')
    if version != 2:
        return
    stored = data[16:16 + hlen]
    raw = zlib.decompress(stored[4:], -15) if flags & 1 else stored
    print(f'  preamble 16 B, header {hlen} B stored ({"deflated" if flags & 1 else "raw"}), {len(raw)} B raw')
    p = 0
    count, p = varint(raw, p)
    meta = {}
    well_known = ['model', 'admm4j.spec', 'admm4j.normalization']
    for _ in range(count):
        k, p = varint(raw, p)
        if k == 0 and flags & 4:
            key = well_known[raw[p]]
            p += 1
        else:
            key = raw[p:p + k].decode()
            p += k
        v, p = varint(raw, p)
        meta[key] = raw[p:p + v]
        p += v
    for key, value in meta.items():
        print(f'    metadata {key}: {len(value)} B raw')
    if flags & 4:
        print('  (flag bit 2: well-known keys by id, the normalisation in its short form)')
    tensors, p = varint(raw, p)
    off = 16 + hlen
    total_stream = total_ideal = 0
    zoo_table = bool(flags & 2)
    if zoo_table:
        print(f'  tensor table without names and shapes: those of zoo model {meta["model"].decode()!r}')
    for t in range(tensors):
        if zoo_table:
            name, dims = f'tensor {t + 1}', ['zoo']
        else:
            n, p = varint(raw, p)
            name = raw[p:p + n].decode()
            p += n
            rank = raw[p]
            p += 1
            dims = []
            for _ in range(rank):
                d, p = varint(raw, p)
                dims.append(d)
        enc = raw[p]
        p += 1
        entries, p = varint(raw, p)
        length, p = varint(raw, p)
        payload = data[off:off + length]
        off += length
        kind = {0: "dense", 1: "sparse", 2: "coded", 3: "gapped", 4: "coded16"}[enc]
        line = f'  {name:16s} {str(dims):18s} {kind:6s} {entries:7d} entries {length:6d} B'
        if enc in (2, 4):
            L = payload[0]
            level_bytes = 4 if enc == 2 else 2
            levels = struct.unpack_from(f'<{L}{"f" if enc == 2 else "e"}', payload, 1)
            q = 1 + level_bytes * L
            G = payload[q]
            q += 1
            tb = lambda a: 0 if a == 1 else (a + 1) // 2
            gl = []
            for s in range(G):
                if G > 1:
                    byte = payload[q + s // 2]
                    gl.append(byte >> 4 if s % 2 == 0 else byte & 15)
            q += tb(G)
            ll = []
            for s in range(L):
                if L > 1:
                    byte = payload[q + s // 2]
                    ll.append(byte >> 4 if s % 2 == 0 else byte & 15)
            q += tb(L)
            stream = payload[q:]
            # decode the stream to count the symbols
            bits = ''.join(f'{x:08b}' for x in stream)

            def canon(lengths):
                codes = {}
                code = 0
                for ln in range(1, 16):
                    for s, l2 in enumerate(lengths):
                        if l2 == ln:
                            codes[format(code, f'0{ln}b')] = s
                            code += 1
                    code <<= 1
                return codes
            gcodes = canon(gl) if G > 1 else None
            lcodes = canon(ll) if L > 1 else None
            i = 0
            gc, lc, rawbits = {}, {}, 0

            def read(codes):
                nonlocal i
                if codes is None:
                    return 0
                c = ''
                while c not in codes:
                    c += bits[i]
                    i += 1
                return codes[c]
            for _ in range(entries):
                c = read(gcodes)
                gc[c] = gc.get(c, 0) + 1
                i += c
                rawbits += c
                s = read(lcodes)
                lc[s] = lc.get(s, 0) + 1
            ideal = entropy_bits(gc) + rawbits + entropy_bits(lc)
            total_stream += i
            total_ideal += ideal
            line += (f'  codebook {level_bytes * L} B ({L} levels), tables {tb(G) + tb(L) + 2} B, stream {i} bits'
                     f' ({i / entries:.2f}/entry: gaps {rawbits / entries:.2f} raw + classes, levels);'
                     f' order-0 entropy {ideal:.0f} bits ({100 * (i / ideal - 1) if ideal else 0:.1f} % above)')
        print(line)
    if total_ideal:
        print(f'  coded streams: {total_stream} bits, order-0 entropy {total_ideal:.0f} bits'
              f' (+{100 * (total_stream / total_ideal - 1):.1f} %, {(total_stream - total_ideal) / 8:.0f} B)')


if __name__ == '__main__':
    main(sys.argv[1])
