#!/usr/bin/env python3
"""Builds a grid-tiled HEIC (as phones write them: equal tiles, output cropped) from single-image HEIC tiles.

Usage: make-grid.py OUT.heic ROWS COLUMNS OUTPUT_WIDTH OUTPUT_HEIGHT TILE.heic...  (tiles row by row)
heif-enc 1.15 cannot write grids; each tile here is a heif-enc output whose hvc1 item, hvcC and ispe are copied.
"""
import struct
import sys


def boxes(data, start, end):
    while start + 8 <= end:
        size, kind = struct.unpack(">I4s", data[start:start + 8])
        yield kind.decode("latin1"), start + 8, start + size
        start += size


def child(data, start, end, kind):
    return next((b, e) for k, b, e in boxes(data, start, end) if k == kind)


def read_tile(path):
    """The primary hvc1 item's coded data and its property boxes (hvcC, ispe, ...)."""
    data = open(path, "rb").read()
    meta_start, meta_end = child(data, 0, len(data), "meta")
    meta_start += 4  # full box
    pitm_start, _ = child(data, meta_start, meta_end, "pitm")
    primary = struct.unpack(">H", data[pitm_start + 4:pitm_start + 6])[0]
    iloc_start, _ = child(data, meta_start, meta_end, "iloc")
    version = data[iloc_start]
    at = iloc_start + 4
    offset_size, length_size = data[at] >> 4, data[at] & 15
    base_size = data[at + 1] >> 4
    index_size = data[at + 1] & 15 if version in (1, 2) else 0
    at += 2
    count = struct.unpack(">H", data[at:at + 2])[0]
    at += 2
    location = None

    def read(size):
        nonlocal at
        value = int.from_bytes(data[at:at + size], "big") if size else 0
        at += size
        return value

    for _ in range(count):
        item = read(2)
        if version in (1, 2):
            if read(2) & 15:
                sys.exit(f"{path}: item data in idat; encode tiles of at least 64x64")
        read(2)  # data reference index
        base = read(base_size)
        extents = read(2)
        if extents != 1:
            sys.exit(f"{path}: one extent per item expected")
        read(index_size)
        offset, length = read(offset_size), read(length_size)
        if item == primary:
            location = (base + offset, length)
    iprp_start, iprp_end = child(data, meta_start, meta_end, "iprp")
    ipco_start, ipco_end = child(data, iprp_start, iprp_end, "ipco")
    properties = [data[b - 8:e] for _, b, e in boxes(data, ipco_start, ipco_end)]
    ipma_start, _ = child(data, iprp_start, iprp_end, "ipma")
    wide = data[ipma_start + 3] & 1
    at = ipma_start + 4
    entries = read(4)
    associated = []
    for _ in range(entries):
        item = read(2 if data[ipma_start] == 0 else 4)
        n = read(1)
        for _ in range(n):
            value = read(2 if wide else 1)
            if item == primary:
                associated.append(properties[(value & (0x7FFF if wide else 0x7F)) - 1])
    kinds = [p[4:8] for p in associated]
    if b"hvcC" not in kinds or b"ispe" not in kinds:
        sys.exit(f"{path}: primary item is not a plain hvc1 image")
    offset, length = location
    return data[offset:offset + length], associated


def box(kind, body):
    return struct.pack(">I4s", len(body) + 8, kind.encode()) + body


def full_box(kind, body, version=0, flags=0):
    return box(kind, struct.pack(">I", version << 24 | flags) + body)


def main():
    out, rows, columns, width, height = sys.argv[1], *map(int, sys.argv[2:6])
    tiles = [read_tile(path) for path in sys.argv[6:]]
    if len(tiles) != rows * columns:
        sys.exit(f"{rows}x{columns} grid needs {rows * columns} tiles, got {len(tiles)}")
    grid_id = len(tiles) + 1
    items = [(i + 1, b"hvc1", data, True) for i, (data, _) in enumerate(tiles)]
    items.append((grid_id, b"grid", struct.pack(">BBBBHH", 0, 0, rows - 1, columns - 1, width, height), False))
    # Equal tiles from one encoder share their hvcC and ispe boxes, as in phones' files: store each box once.
    properties, associations = [], {}

    def associate(item, prop, essential):
        if prop not in properties:
            properties.append(prop)
        associations.setdefault(item, []).append((properties.index(prop) + 1, essential))

    for i, (_, props) in enumerate(tiles):
        for prop in props:
            associate(i + 1, prop, prop[4:8] == b"hvcC")
    associate(grid_id, full_box("ispe", struct.pack(">II", width, height)), False)
    wide = len(properties) > 127

    def meta(data_start):
        iinf = full_box("iinf", struct.pack(">H", len(items)) + b"".join(
            full_box("infe", struct.pack(">HH", i, 0) + kind + b"\0", version=2, flags=1 if hidden else 0)
            for i, kind, _, hidden in items))
        iloc_body = struct.pack(">BBH", 0x44, 0, len(items))
        offset = data_start
        for i, _, data, _ in items:
            iloc_body += struct.pack(">HHHII", i, 0, 1, offset, len(data))
            offset += len(data)
        def association(index, essential):
            return struct.pack(">H", index | (0x8000 if essential else 0)) if wide else bytes([index | (0x80 if essential else 0)])

        ipma_body = struct.pack(">I", len(associations)) + b"".join(
            struct.pack(">HB", i, len(a)) + b"".join(association(*x) for x in a) for i, a in sorted(associations.items()))
        ipma = full_box("ipma", ipma_body, flags=1 if wide else 0)
        tile_ids = b"".join(struct.pack(">H", i) for i, *_ in items[:-1])
        return full_box("meta",
                        full_box("hdlr", b"\0" * 4 + b"pict" + b"\0" * 13)
                        + full_box("pitm", struct.pack(">H", grid_id))
                        + full_box("iloc", iloc_body)
                        + iinf
                        + full_box("iref", box("dimg", struct.pack(">HH", grid_id, len(tiles)) + tile_ids))
                        + box("iprp", box("ipco", b"".join(properties)) + ipma))

    ftyp = box("ftyp", b"heic" + b"\0" * 4 + b"mif1heicmiaf")
    size = len(meta(0))
    header = ftyp + meta(len(ftyp) + size + 8)
    mdat = box("mdat", b"".join(data for _, _, data, _ in items))
    open(out, "wb").write(header + mdat)


main()
