#!/usr/bin/env python3
"""Regenerates the profile fixtures in this directory.

Standard library only. The protobuf wire format of google/pprof's
profile.proto is written by hand with the helpers below; gzip output uses
mtime=0 so that the files are byte-for-byte reproducible.

Usage: python3 tests/data/make_fixtures.py [OUTPUT_DIR]   (default: this directory)
"""

import gzip
import os
import sys

# --- wire format helpers ----------------------------------------------------

VARINT = 0
LEN = 2


def varint(n):
    """Encodes a non-negative integer (or a negative int64, two's complement)."""
    if n < 0:
        n += 1 << 64
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def tag(field, wire_type):
    return varint((field << 3) | wire_type)


def f_varint(field, n):
    return tag(field, VARINT) + varint(n)


def f_bytes(field, data):
    return tag(field, LEN) + varint(len(data)) + data


def f_str(field, s):
    return f_bytes(field, s.encode("utf-8"))


def f_packed(field, values):
    return f_bytes(field, b"".join(varint(v) for v in values))


def f_msg(field, parts):
    return f_bytes(field, b"".join(parts))


def gz(data):
    return gzip.compress(data, compresslevel=9, mtime=0)


# --- a small, mutable profile model ----------------------------------------

class Profile:
    """Plain lists mirroring profile.proto; fixtures mutate a copy and encode it.

    Strings are given as Python strings and interned on encode, except where a
    fixture needs a raw index (use Raw(n)).
    """

    def __init__(self):
        self.sample_types = []  # [(type, unit)]
        self.samples = []  # [{"locs": [ids], "values": [..], "labels": [(k, v)]}]
        self.mappings = []  # [dict]
        self.locations = []  # [{"id", "mapping", "address", "lines": [(func_id, line)]}]
        self.functions = []  # [{"id", "name", "filename", "start_line"}]
        self.extra_strings = []  # appended to the string table after interning
        self.first_string = ""  # string_table[0]
        self.time_nanos = 0
        self.duration_nanos = 0
        self.period_type = None
        self.period = 0
        self.comments = []


class Raw:
    """A raw string-table index, written as is."""

    def __init__(self, index):
        self.index = index


def encode(p):
    table = [p.first_string]
    index = {}

    def s(value):
        if isinstance(value, Raw):
            return value.index
        if value == "":
            return 0
        if value not in index:
            index[value] = len(table)
            table.append(value)
        return index[value]

    out = []
    for t, u in p.sample_types:
        out.append(f_msg(1, [f_varint(1, s(t)), f_varint(2, s(u))]))
    for smp in p.samples:
        parts = [f_packed(1, smp["locs"]), f_packed(2, smp["values"])]
        for k, v in smp.get("labels", []):
            parts.append(f_msg(3, [f_varint(1, s(k)), f_varint(2, s(v))]))
        out.append(f_msg(2, parts))
    for m in p.mappings:
        out.append(f_msg(3, [
            f_varint(1, m["id"]),
            f_varint(2, m["start"]),
            f_varint(3, m["limit"]),
            f_varint(4, m.get("offset", 0)),
            f_varint(5, s(m["filename"])),
            f_varint(6, s(m.get("build_id", ""))),
            f_varint(7, 1),
            f_varint(8, 1),
            f_varint(9, 1),
            f_varint(10, 1),
        ]))
    for loc in p.locations:
        parts = [f_varint(1, loc["id"])]
        if loc.get("mapping"):
            parts.append(f_varint(2, loc["mapping"]))
        if loc.get("address"):
            parts.append(f_varint(3, loc["address"]))
        for func_id, line in loc["lines"]:
            parts.append(f_msg(4, [f_varint(1, func_id), f_varint(2, line)]))
        out.append(f_msg(4, parts))
    for fn in p.functions:
        out.append(f_msg(5, [
            f_varint(1, fn["id"]),
            f_varint(2, s(fn["name"])),
            f_varint(3, s(fn["name"])),
            f_varint(4, s(fn["filename"])),
            f_varint(5, fn["start_line"]),
        ]))
    comment_ids = [s(c) for c in p.comments]
    if p.period_type:
        period_type = f_msg(11, [f_varint(1, s(p.period_type[0])),
                                 f_varint(2, s(p.period_type[1]))])
    else:
        period_type = b""
    for extra in p.extra_strings:
        table.append(extra)
    for entry in table:
        out.append(f_str(6, entry))
    if p.time_nanos:
        out.append(f_varint(9, p.time_nanos))
    if p.duration_nanos:
        out.append(f_varint(10, p.duration_nanos))
    out.append(period_type)
    if p.period:
        out.append(f_varint(12, p.period))
    for c in comment_ids:
        out.append(f_varint(13, c))
    return b"".join(out), len(table)


# --- the good profile every broken one starts from -------------------------

MAIN, WORK, LEAF = 1, 2, 3
PERIOD = 10_000_000


def tiny():
    """A CPU-like profile: main.main -> main.work -> main.leaf, five samples."""
    p = Profile()
    p.sample_types = [("samples", "count"), ("cpu", "nanoseconds")]
    p.period_type = ("cpu", "nanoseconds")
    p.period = PERIOD
    p.time_nanos = 1_700_000_000_000_000_000
    p.duration_nanos = 1_000_000_000
    p.mappings = [{
        "id": 1, "start": 0x400000, "limit": 0x500000, "offset": 0,
        "filename": "/usr/local/bin/tiny", "build_id": "e3b0c44298fc1c14",
    }]
    p.functions = [
        {"id": MAIN, "name": "main.main", "filename": "/src/tiny/main.go", "start_line": 10},
        {"id": WORK, "name": "main.work", "filename": "/src/tiny/main.go", "start_line": 20},
        {"id": LEAF, "name": "main.leaf", "filename": "/src/tiny/leaf.go", "start_line": 5},
    ]
    # Location i is a call site (or the sampled pc) inside function i.
    p.locations = [
        {"id": 1, "mapping": 1, "address": 0x401010, "lines": [(MAIN, 12)]},
        {"id": 2, "mapping": 1, "address": 0x402020, "lines": [(WORK, 23)]},
        {"id": 3, "mapping": 1, "address": 0x403030, "lines": [(LEAF, 7)]},
    ]

    def sample(locs, count, labels=()):
        return {"locs": locs, "values": [count, count * PERIOD], "labels": list(labels)}

    p.samples = [
        sample([3, 2, 1], 5),
        sample([2, 1], 3),
        sample([1], 1),
        sample([3, 2, 1], 2, [("worker", "alpha")]),
        sample([3, 2, 1], 4),
    ]
    return p


# The folded-stacks twin of tiny(): root first, the count per stack.
TINY_FOLDED = """\
main.main;main.work;main.leaf 11
main.main;main.work 3
main.main 1
"""

LOGIN_PAGE = """\
<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Sign in - Internal Dashboard</title>
  <link rel="stylesheet" href="/static/login.css">
</head>
<body>
  <main class="login">
    <h1>Sign in</h1>
    <p>Your session has expired. Please sign in to download
       /debug/pprof/profile.</p>
    <form method="post" action="/login?next=%2Fdebug%2Fpprof%2Fprofile">
      <label for="user">User name</label>
      <input id="user" name="user" type="text" autocomplete="username">
      <label for="password">Password</label>
      <input id="password" name="password" type="password">
      <button type="submit">Sign in</button>
    </form>
  </main>
</body>
</html>
"""


def corrupt_bytes():
    """Deterministic noise that can be neither gzip, HTML nor protobuf.

    The first byte is 0x07: field number 0 with wire type 7, which is invalid
    in protobuf, so a parser must fail on the very first tag.
    """
    out = bytearray([0x07])
    x = 0x2545F4914F6CDD1D
    while len(out) < 512:
        x ^= (x << 13) & 0xFFFFFFFFFFFFFFFF
        x ^= x >> 7
        x ^= (x << 17) & 0xFFFFFFFFFFFFFFFF
        out.append(x & 0xFF)
    return bytes(out)


def huge_length():
    """A plausible raw profile whose second field claims 2^40 bytes."""
    head = f_msg(1, [f_varint(1, 1), f_varint(2, 2)])  # sample_type {1, 2}
    # sample (field 2), length-delimited, length 2^40, followed by a few bytes.
    return head + tag(2, LEN) + varint(1 << 40) + f_packed(1, [1, 2, 3])


def bomb():
    """A gzip stream whose payload is a 64 MiB string-table entry of zeros.

    The protobuf itself is well formed; only its size is a problem.
    """
    head, _ = encode(tiny())
    size = 64 << 20
    payload = head + tag(6, LEN) + varint(size) + bytes(size)
    return gzip.compress(payload, compresslevel=9, mtime=0)


# --- the fixtures -----------------------------------------------------------


def fixtures():
    """Yields (file name, bytes)."""
    good, _ = encode(tiny())
    good_gz = gz(good)
    yield "tiny.pb.gz", good_gz
    yield "tiny.folded", TINY_FOLDED.encode()

    yield "empty.pb.gz", b""
    yield "truncated.pb.gz", good_gz[: len(good_gz) // 2]
    yield "corrupt.pb", corrupt_bytes()
    yield "huge_length.pb", huge_length()
    yield "html_page.pb.gz", LOGIN_PAGE.encode()
    yield "bomb.pb.gz", bomb()

    p = tiny()
    p.samples[3]["values"] = p.samples[3]["values"][:1]
    yield "values_mismatch.pb.gz", gz(encode(p)[0])

    p = tiny()
    p.locations.append({"id": 0, "mapping": 1, "address": 0x404040, "lines": [(MAIN, 14)]})
    yield "location_id_zero.pb.gz", gz(encode(p)[0])

    p = tiny()
    p.functions[2]["name"] = Raw(991)
    data, n = encode(p)
    # Pad the table to exactly 40 entries.
    p.extra_strings = ["pad.%02d" % i for i in range(40 - n)]
    data, n = encode(p)
    assert n == 40, n
    yield "string_out_of_range.pb.gz", gz(data)

    p = tiny()
    p.samples[3]["locs"] = [7, 2, 1]
    yield "unknown_location.pb.gz", gz(encode(p)[0])

    p = tiny()
    p.locations[1]["lines"] = [(9, 23)]
    yield "unknown_function.pb.gz", gz(encode(p)[0])

    p = tiny()
    p.locations.append({"id": 2, "mapping": 1, "address": 0x405050, "lines": [(WORK, 25)]})
    yield "duplicate_location.pb.gz", gz(encode(p)[0])

    p = tiny()
    p.sample_types = []
    yield "no_sample_types.pb.gz", gz(encode(p)[0])

    p = tiny()
    p.first_string = "profile"
    yield "string_table_not_empty_first.pb.gz", gz(encode(p)[0])


def main():
    out_dir = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
    for name, data in fixtures():
        with open(os.path.join(out_dir, name), "wb") as f:
            f.write(data)
        print("%-36s %8d bytes" % (name, len(data)))


if __name__ == "__main__":
    main()
