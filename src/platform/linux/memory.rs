//! Keeps the idle agent small.
//!
//! - [`tune_allocator`], at start-up. A screenshot is tens of megabytes of pixels held for a few
//!   seconds. By default glibc raises its mmap threshold after such blocks are freed, so later
//!   ones come from the heap and are never given back (`malloc_trim` did not recover them
//!   either): after 20 reports the idle agent kept 27 MB instead of 11. Pinning the threshold
//!   keeps every large block in its own mapping, returned to the system as soon as it is freed.
//!   The cost is fresh page faults on each capture (measured in docs/PERFORMANCE.md).
//! - [`trim_resident`], each time the agent comes to rest (`crate::agent::rest`). Two thirds of
//!   an idle agent's resident memory are pages of its own executable and of the libraries: code
//!   that ran once (start-up, a capture, a window's requests) and stays mapped, 64 KiB around each
//!   page that ran. Those pages are copies of the files on disk, never written: the process's
//!   page-table entries for them are dropped (`madvise(MADV_DONTNEED)`), the pages themselves stay
//!   in the kernel's page cache, and the code that runs next maps them again with a minor fault,
//!   no disk read (unless the system reclaimed them meanwhile, as it may at any time anyway). Only
//!   mappings that cannot hold a byte of their own are touched: private, not writable, backed
//!   by a file, not locked, and with no anonymous page (so not the relocated read-only data,
//!   whose pages are the process's own once the loader wrote them). The allocator's free memory
//!   goes back too (`malloc_trim`).

use crate::platform::Trimmed;
use std::io;

/// glibc's `M_MMAP_THRESHOLD` parameter of `mallopt`.
#[cfg(target_env = "gnu")]
const M_MMAP_THRESHOLD: libc::c_int = -3;

/// Call once, at start-up, before any large allocation.
pub fn tune_allocator() {
    #[cfg(target_env = "gnu")]
    #[allow(unsafe_code)]
    // SAFETY: mallopt only changes allocator tuning; the value is valid, and it runs at start-up
    // before other threads allocate.
    unsafe {
        libc::mallopt(M_MMAP_THRESHOLD, 256 * 1024);
    }
}

/// A mapping whose pages are only copies of a file, as read from `/proc/self/smaps`.
#[derive(Debug, Clone, PartialEq, Eq)]
struct FileCopy {
    start: usize,
    end: usize,
    rss_kb: u64,
}

/// Gives back what the idle agent does not need resident (see the module's text). Call it when
/// nothing runs: what is dropped is mapped again by the next code that needs it.
pub fn trim_resident() -> io::Result<Trimmed> {
    let smaps = std::fs::read_to_string("/proc/self/smaps")?;
    let mut trimmed = Trimmed::default();
    for copy in file_copies(&smaps) {
        #[allow(unsafe_code)]
        // SAFETY: the range was, when smaps was read, a whole mapping of this process, private,
        // read-only, backed by a file and without one anonymous page: every page of it is an
        // unmodified copy of the file, which MADV_DONTNEED of a private file mapping reads back
        // on the next access, so no Rust reference can tell the difference. It stays so until
        // the call: writing it takes an mprotect, and putting other memory there takes an
        // munmap of a file mapping, and the agent does neither (no JIT, no dlclose, no file
        // maps; its screenshots are shared writable maps, never candidates).
        let done = unsafe {
            libc::madvise(
                copy.start as *mut libc::c_void,
                copy.end - copy.start,
                libc::MADV_DONTNEED,
            )
        };
        if done == 0 {
            trimmed.file_kb += copy.rss_kb;
            trimmed.mappings += 1;
        }
    }
    #[cfg(target_env = "gnu")]
    #[allow(unsafe_code)]
    // SAFETY: malloc_trim only returns the allocator's free memory to the system.
    unsafe {
        libc::malloc_trim(0);
    }
    Ok(trimmed)
}

/// The mappings of `smaps` (the text of `/proc/PID/smaps`) that hold only unmodified copies of a
/// file and have resident pages: private (`p`), not writable, not locked, with a file (an inode),
/// and no anonymous page.
fn file_copies(smaps: &str) -> Vec<FileCopy> {
    let mut found = Vec::new();
    let mut current: Option<(FileCopy, bool)> = None;
    for line in smaps.lines() {
        if let Some(header) = Header::parse(line) {
            found.extend(current.take().and_then(keep));
            let perms = header.perms.as_bytes();
            let candidate =
                perms.len() == 4 && perms[1] == b'-' && perms[3] == b'p' && header.inode != "0";
            current = header.range.map(|(start, end)| {
                (
                    FileCopy {
                        start,
                        end,
                        rss_kb: 0,
                    },
                    candidate,
                )
            });
            continue;
        }
        let Some((copy, candidate)) = current.as_mut() else {
            continue;
        };
        let (key, value) = line.split_once(':').unwrap_or((line, ""));
        let value = value.trim();
        match key {
            "Rss" => copy.rss_kb = kb(value).unwrap_or(0),
            "Anonymous" if kb(value) != Some(0) => *candidate = false,
            "VmFlags" if value.split_whitespace().any(|f| f == "lo") => *candidate = false,
            _ => {}
        }
    }
    found.extend(current.and_then(keep));
    found
}

fn keep((copy, candidate): (FileCopy, bool)) -> Option<FileCopy> {
    (candidate && copy.rss_kb > 0).then_some(copy)
}

/// A mapping's first line in `smaps`: `start-end perms offset dev inode [path]`.
struct Header<'a> {
    /// `None` when unreadable.
    range: Option<(usize, usize)>,
    perms: &'a str,
    inode: &'a str,
}

impl Header<'_> {
    /// `None` when `line` is not a mapping's first line.
    fn parse(line: &str) -> Option<Header<'_>> {
        let mut fields = line.split_whitespace();
        let (start, end) = fields.next()?.split_once('-')?;
        if start.is_empty() || !start.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        let perms = fields.next()?;
        let _offset = fields.next()?;
        let _device = fields.next()?;
        let inode = fields.next()?;
        let range = usize::from_str_radix(start, 16)
            .ok()
            .zip(usize::from_str_radix(end, 16).ok())
            .filter(|(s, e)| s < e);
        Some(Header {
            range,
            perms,
            inode,
        })
    }
}

/// "123 kB" → 123.
fn kb(value: &str) -> Option<u64> {
    value.strip_suffix("kB")?.trim().parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    const SMAPS: &str = "\
55a8f97ef000-55a8f97f1000 r--p 00000000 fe:00 247282                     /usr/bin/guichet
Size:                  8 kB
Rss:                   8 kB
Anonymous:             0 kB
VmFlags: rd mr mw me
55a8f97f1000-55a8f97f7000 r-xp 00002000 fe:00 247282                     /usr/bin/guichet
Rss:                  24 kB
Anonymous:             0 kB
VmFlags: rd ex mr mw me
55a8f97f7000-55a8f97f9000 r--p 00008000 fe:00 247282                     /usr/bin/guichet
Rss:                   8 kB
Anonymous:             4 kB
VmFlags: rd mr mw me ac
55a8f97f9000-55a8f97fa000 rw-p 0000a000 fe:00 247282                     /usr/bin/guichet
Rss:                   4 kB
Anonymous:             0 kB
VmFlags: rd wr mr mw me ac
55a8f97fa000-55a8f981b000 rw-p 00000000 00:00 0                          [heap]
Rss:                  12 kB
Anonymous:            12 kB
VmFlags: rd wr mr mw me ac
7f0000000000-7f0000010000 r-xp 00000000 fe:00 1000                       /usr/lib/libc.so.6
Rss:                  64 kB
Anonymous:             0 kB
VmFlags: rd ex mr mw me lo
7f0000010000-7f0000020000 r--s 00000000 fe:00 1001                       /usr/share/cache
Rss:                  64 kB
Anonymous:             0 kB
VmFlags: rd mr me ms
7f0000020000-7f0000030000 r-xp 00000000 fe:00 1002                       /usr/lib/libm.so.6
Rss:                   0 kB
Anonymous:             0 kB
VmFlags: rd ex mr mw me
7ffd00000000-7ffd00002000 r-xp 00000000 00:00 0                          [vdso]
Rss:                   8 kB
Anonymous:             0 kB
VmFlags: rd ex mr mw me de
";

    #[test]
    fn only_unmodified_private_read_only_file_pages_are_chosen() {
        let copies = file_copies(SMAPS);
        assert_eq!(
            copies,
            vec![
                FileCopy {
                    start: 0x55a8_f97e_f000,
                    end: 0x55a8_f97f_1000,
                    rss_kb: 8
                },
                FileCopy {
                    start: 0x55a8_f97f_1000,
                    end: 0x55a8_f97f_7000,
                    rss_kb: 24
                },
            ],
            "not the relocated data (anonymous pages), the writable data, the heap, a locked \
             library, a shared map, a mapping with nothing resident, nor the vdso"
        );
    }

    #[test]
    fn unreadable_lines_are_skipped_not_fatal() {
        assert!(file_copies("").is_empty());
        assert!(file_copies("garbage\nRss: 12 kB\n\u{0}").is_empty());
        assert!(file_copies("zz-yy r-xp 0 fe:00 12 /x\nRss: 4 kB\nAnonymous: 0 kB\n").is_empty());
        assert!(file_copies("2000-1000 r-xp 0 fe:00 12 /x\nRss: 4 kB\n").is_empty());
    }

    fn resident_kb() -> u64 {
        let status = std::fs::read_to_string("/proc/self/status").unwrap();
        status
            .lines()
            .find_map(|l| l.strip_prefix("RssFile:"))
            .and_then(kb)
            .unwrap()
    }

    /// For real, on this test process: its file pages leave, and the code and read-only data
    /// they held (this parser, the `SMAPS` text) come back as they are used, unchanged.
    #[test]
    fn trimming_this_process_gives_back_its_file_pages_and_it_runs_on() {
        let parsed = file_copies(SMAPS);
        let before = resident_kb();
        let trimmed = trim_resident().unwrap();
        let after = resident_kb();
        assert!(trimmed.mappings > 0 && trimmed.file_kb > 0, "{trimmed:?}");
        assert!(after < before, "RssFile {before} kB → {after} kB");
        assert_eq!(
            file_copies(SMAPS),
            parsed,
            "read back from the files as they were"
        );
    }
}
