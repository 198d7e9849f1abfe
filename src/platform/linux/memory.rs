//! Keeps the idle agent small after a capture. A screenshot is tens of megabytes of RGBA held
//! for a few seconds. By default glibc raises its mmap threshold after such blocks are freed, so
//! later ones come from the heap and are never given back (`malloc_trim` did not recover them
//! either): after 20 reports the idle agent kept 27 MB instead of 11. Pinning the threshold keeps
//! every large block in its own mapping, returned to the system as soon as it is freed. The cost
//! is fresh page faults on each capture (measured in docs/PERFORMANCE.md).

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
