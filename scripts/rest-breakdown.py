#!/usr/bin/env python3
"""Where a running process's resident memory is: its mappings from /proc/PID/smaps, grouped
(the program's code, read-only data and writable data; each shared library; the heap; anonymous
maps; stacks), and, given the same program built with its symbols, the resident pages of its code
by crate (from /proc/PID/pagemap, which says which pages this process has mapped; needs root).

Usage: scripts/rest-breakdown.py PID [UNSTRIPPED_BINARY]
       scripts/rest-breakdown.py --page-out PID
The unstripped binary must be the very build that runs, before `strip` (same code, same
addresses): build with `CARGO_PROFILE_RELEASE_STRIP=false`, run a stripped copy
(`objcopy --strip-all`), and pass the original here. docs/PERFORMANCE.md ("Resident agent") has
the figures.

`--page-out` is an experiment, not something Guichet does: it asks the kernel to reclaim the
program's own file-backed pages in PID (`process_madvise(MADV_PAGEOUT)`, Linux 5.10+, root or
CAP_SYS_NICE), to show how much of the idle memory is code mapped in once and never used again.
"""

import collections
import os
import re
import struct
import subprocess
import sys

PAGE = os.sysconf("SC_PAGE_SIZE")


def mappings(pid):
    """(start, end, perms, offset, path, fields in kB) for each mapping of `pid`."""
    out, current = [], None
    head = re.compile(r"^([0-9a-f]+)-([0-9a-f]+) (\S+) ([0-9a-f]+) \S+ \d+\s*(.*)$")
    with open(f"/proc/{pid}/smaps") as smaps:
        for line in smaps:
            m = head.match(line)
            if m:
                current = [int(m[1], 16), int(m[2], 16), m[3], int(m[4], 16), m[5], {}]
                out.append(current)
            elif current is not None and line.endswith("kB\n"):
                key, value = line.split(":", 1)
                current[5][key] = int(value.split()[0])
    return out


def group(path, perms, exe):
    if path == exe:
        kind = {"r-xp": "code", "r--p": "read-only data"}.get(perms, "writable data")
        return f"program: {kind}"
    if path.startswith("/"):
        return os.path.basename(path).split(".so")[0] + (" (code)" if "x" in perms else "")
    return path or "anonymous"


def summary(pid):
    exe = os.readlink(f"/proc/{pid}/exe")
    totals = collections.defaultdict(lambda: collections.Counter())
    for _, _, perms, _, path, fields in mappings(pid):
        g = group(path, perms, exe)
        for key in ("Rss", "Pss", "Anonymous", "Private_Dirty"):
            totals[g][key] += fields.get(key, 0)
    rows = sorted(totals.items(), key=lambda kv: -kv[1]["Rss"])
    print(f"{'mapping':40} {'RSS kB':>8} {'PSS kB':>8} {'anon kB':>8}")
    for name, c in rows:
        if c["Rss"]:
            print(f"{name[:40]:40} {c['Rss']:8} {c['Pss']:8} {c['Anonymous']:8}")
    s = sum((c for c in totals.values()), collections.Counter())
    print(f"{'total':40} {s['Rss']:8} {s['Pss']:8} {s['Anonymous']:8}")


GENERIC = {"core", "alloc", "std", "T", "F", "S", "R", "W", "I", "E", "A", "B"}


def crate_of(name):
    """The crate a demangled Rust symbol belongs to: the first crate named in it that is not the
    standard library's (so `core::ptr::drop_in_place<zbus::Connection>` is zbus's); C symbols by
    their library's prefixes."""
    crates = re.findall(r"(?:^|[^A-Za-z0-9_:])([A-Za-z_][A-Za-z0-9_]*)::", name)
    for crate in crates:
        if crate not in GENERIC:
            return crate
    if crates:
        return "std (core, alloc, std)"
    if re.match(r"^_*(j|tj|jpeg|jsimd|jinit|jcopy|jdiv|jround|jzero)", name):
        return "C: libjpeg-turbo"
    return "C or other"


def symbols(binary):
    """(address, size, crate) of each function in `binary`, sorted by address."""
    out = subprocess.run(
        ["nm", "--defined-only", "--print-size", "-C", binary],
        check=True, capture_output=True, text=True,
    ).stdout
    syms = []
    for line in out.splitlines():
        parts = line.split(None, 3)
        if len(parts) == 4 and parts[2] in "tTwW":
            syms.append((int(parts[0], 16), int(parts[1], 16), crate_of(parts[3])))
    syms.sort()
    return syms


def resident_pages(pid, start, end):
    """Indices (from `start`) of the pages of [start, end) that `pid` has mapped."""
    present = []
    with open(f"/proc/{pid}/pagemap", "rb") as pm:
        pm.seek(start // PAGE * 8)
        data = pm.read((end - start) // PAGE * 8)
    for i in range(len(data) // 8):
        (entry,) = struct.unpack_from("<Q", data, i * 8)
        if entry >> 63:
            present.append(i)
    return present


def code_by_crate(pid, binary):
    exe = os.readlink(f"/proc/{pid}/exe")
    syms = symbols(binary)
    per_crate = collections.Counter()
    linked = collections.Counter()
    for _, size, crate in syms:
        linked[crate] += size
    base = None
    for start, end, perms, offset, path, _ in mappings(pid):
        if path != exe:
            continue
        if base is None:
            base = start - offset  # a position-independent program's load address
        if perms != "r-xp":
            continue
        resident = set(resident_pages(pid, start, end))
        for addr, size, crate in syms:
            a = addr + base
            if a + size <= start or a >= end:
                continue
            first, last = (a - start) // PAGE, (a + size - 1 - start) // PAGE
            for page in range(first, last + 1):
                if page in resident:
                    lo = max(a, start + page * PAGE)
                    hi = min(a + size, start + (page + 1) * PAGE)
                    per_crate[crate] += hi - lo
    print(f"\n{'crate (code resident in this process)':40} {'kB':>8} {'linked kB':>10}")
    for crate, n in per_crate.most_common(80):
        print(f"{crate[:40]:40} {n / 1024:8.0f} {linked[crate] / 1024:10.0f}")
    print(f"{'total':40} {sum(per_crate.values()) / 1024:8.0f} {sum(linked.values()) / 1024:10.0f}")


def page_out(pid):
    """Reclaims the program's file-backed pages in `pid`; prints each mapping and the answer."""
    import ctypes

    class Iovec(ctypes.Structure):
        _fields_ = [("base", ctypes.c_void_p), ("len", ctypes.c_size_t)]

    sys_pidfd_open, sys_process_madvise, madv_pageout = 434, 440, 21
    libc = ctypes.CDLL(None, use_errno=True)
    pidfd = libc.syscall(sys_pidfd_open, pid, 0)
    exe = os.readlink(f"/proc/{pid}/exe")
    for start, end, perms, _, path, _ in mappings(pid):
        if path == exe:
            iov = Iovec(start, end - start)
            done = libc.syscall(sys_process_madvise, pidfd, ctypes.byref(iov), 1, madv_pageout, 0)
            print(f"page-out {perms} {(end - start) // 1024} kB: {done} ({os.strerror(ctypes.get_errno())})")


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    if sys.argv[1] == "--page-out":
        page_out(int(sys.argv[2]))
        sys.exit(0)
    summary(sys.argv[1])
    if len(sys.argv) > 2:
        code_by_crate(sys.argv[1], sys.argv[2])
