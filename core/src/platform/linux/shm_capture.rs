//! The X11 fast path: every RandR monitor read through MIT-SHM into one shared memory file, then
//! converted to RGBA. `xcap` sends the pixels through the X socket and converts them pixel by
//! pixel through a function pointer, which costs about 100 ms for a 4K screen; here the server
//! writes straight into shared memory (see docs/PERFORMANCE.md for the figures).
//!
//! Used only when it can be exact: a local X server with MIT-SHM 1.2 (file-descriptor passing),
//! 24- or 32-bit TrueColor in 32 bits per pixel, least significant byte first. Anything else
//! answers `None` and the caller falls back to `xcap`.

use crate::capture::{Capture, ScreenFailure, ScreenShot};
use crate::facts::ScreenInfo;
use image::RgbaImage;
use std::fs::File;
use std::thread::JoinHandle;
use x11rb::connection::{Connection, RequestConnection};
use x11rb::errors::ConnectionError;
use x11rb::protocol::xproto::{ConnectionExt as _, ImageFormat, ImageOrder};
use x11rb::protocol::{randr, shm};
use x11rb::rust_connection::RustConnection;

/// A monitor as RandR describes it, in root-window (physical) pixels.
#[derive(Debug, Clone)]
struct MonitorArea {
    name: String,
    x: i16,
    y: i16,
    width: u16,
    height: u16,
}

/// Captures every monitor of `$DISPLAY` through MIT-SHM, or `None` when this path does not apply
/// (then nothing was captured and the caller uses `xcap`).
pub fn capture_shm() -> Option<Capture> {
    match try_capture() {
        Ok(capture) => capture,
        Err(e) => {
            tracing::info!("MIT-SHM capture unavailable ({e}); using xcap");
            None
        }
    }
}

type Failure = Box<dyn std::error::Error>;
type ImageCookie<'c> =
    Result<x11rb::cookie::Cookie<'c, RustConnection, shm::GetImageReply>, ConnectionError>;

/// Connect, check the server allows this path exactly, list the monitors; then one shared file
/// for every monitor, all grabs queued before any is read (so the pictures show the same
/// moment), and each image converted from the shared memory.
fn try_capture() -> Result<Option<Capture>, Failure> {
    let (conn, screen_num) = x11rb::connect(None)?;
    let Some(root) = exact_root(&conn, screen_num)? else {
        return Ok(None);
    };
    let areas = monitor_areas(&conn, root)?;
    if areas.is_empty() {
        return Ok(None);
    }
    let layout = Layout::of(&areas);
    let (file, seg) = shared_segment(&conn, layout.total)?;
    let cookies = request_images(&conn, root, seg, &areas, &layout);
    let images = prefault(&layout.sizes);
    let mut capture = Capture::default();
    let pending = await_images(&mut capture, &areas, cookies, &layout, images);
    let _ = shm::detach(&conn, seg);
    let _ = conn.flush();
    let shared = map(&file)?;
    for grabbed in pending {
        if let Some(shot) = grabbed.convert(&shared)? {
            capture.screens.push(shot);
        }
    }
    Ok(Some(capture))
}

/// The root window of screen `screen_num` when the server is one this path reads exactly: 24- or
/// 32-bit depth in 32 bits per pixel, least significant byte first, MIT-SHM 1.2 (file-descriptor
/// passing) and RandR; `None` otherwise.
fn exact_root(conn: &RustConnection, screen_num: usize) -> Result<Option<u32>, Failure> {
    let setup = conn.setup();
    let Some(screen) = setup.roots.get(screen_num) else {
        return Ok(None);
    };
    let depth = screen.root_depth;
    let bpp = setup
        .pixmap_formats
        .iter()
        .find(|f| f.depth == depth)
        .map(|f| f.bits_per_pixel);
    if !(depth == 24 || depth == 32)
        || bpp != Some(32)
        || setup.image_byte_order != ImageOrder::LSB_FIRST
    {
        return Ok(None);
    }
    if conn
        .extension_information(shm::X11_EXTENSION_NAME)?
        .is_none()
        || conn
            .extension_information(randr::X11_EXTENSION_NAME)?
            .is_none()
    {
        return Ok(None);
    }
    let version = shm::query_version(conn)?.reply()?;
    if (version.major_version, version.minor_version) < (1, 2) {
        return Ok(None);
    }
    Ok(Some(screen.root))
}

/// The active RandR monitors of `root`, with their names.
fn monitor_areas(conn: &RustConnection, root: u32) -> Result<Vec<MonitorArea>, Failure> {
    let monitors = randr::get_monitors(conn, root, true)?.reply()?;
    Ok(monitors
        .monitors
        .iter()
        .filter(|m| m.width > 0 && m.height > 0)
        .map(|m| MonitorArea {
            name: conn
                .get_atom_name(m.name)
                .ok()
                .and_then(|c| c.reply().ok())
                .map(|r| String::from_utf8_lossy(&r.name).into_owned())
                .unwrap_or_default(),
            x: m.x,
            y: m.y,
            width: m.width,
            height: m.height,
        })
        .collect())
}

/// Where each monitor's pixels go in the shared file: one after the other, 4 bytes a pixel.
struct Layout {
    sizes: Vec<u64>,
    offsets: Vec<u64>,
    total: u64,
}

impl Layout {
    fn of(areas: &[MonitorArea]) -> Layout {
        let sizes: Vec<u64> = areas
            .iter()
            .map(|a| u64::from(a.width) * u64::from(a.height) * 4)
            .collect();
        let mut offsets = Vec::with_capacity(sizes.len());
        let mut total = 0u64;
        for size in &sizes {
            offsets.push(total);
            total += size;
        }
        Layout {
            sizes,
            offsets,
            total,
        }
    }
}

/// A memory file of `total` bytes, attached to the server as a writable MIT-SHM segment.
fn shared_segment(conn: &RustConnection, total: u64) -> Result<(File, shm::Seg), Failure> {
    let fd = rustix::fs::memfd_create("guichet-capture", rustix::fs::MemfdFlags::CLOEXEC)?;
    // Allocated up front: faster than the X server faulting each page in while it writes.
    rustix::fs::fallocate(&fd, rustix::fs::FallocateFlags::empty(), 0, total)?;
    let file = File::from(fd);
    let seg = conn.generate_id()?;
    // Writable: the server writes the pixels into it.
    shm::attach_fd(conn, seg, file.try_clone()?, false)?.check()?;
    Ok((file, seg))
}

/// Queues one `GetImage` per monitor into its place in the segment; none is waited for here.
fn request_images<'c>(
    conn: &'c RustConnection,
    root: u32,
    seg: shm::Seg,
    areas: &[MonitorArea],
    layout: &Layout,
) -> Vec<ImageCookie<'c>> {
    areas
        .iter()
        .zip(&layout.offsets)
        .map(|(a, &off)| {
            shm::get_image(
                conn,
                root,
                a.x,
                a.y,
                a.width,
                a.height,
                u32::MAX,
                ImageFormat::Z_PIXMAP.into(),
                seg,
                u32::try_from(off).unwrap_or(u32::MAX),
            )
        })
        .collect()
}

/// The images-to-be, one per size, their pages mapped in on other threads while the server
/// copies: the conversion then writes to memory that is already there.
fn prefault(sizes: &[u64]) -> Vec<JoinHandle<Vec<u8>>> {
    sizes
        .iter()
        .map(|&size| {
            let len = usize::try_from(size).unwrap_or(0);
            std::thread::spawn(move || {
                let mut pixels = vec![0u8; len];
                // Non-zero: a zero store into fresh zeroed memory may be optimised away.
                for i in (0..len).step_by(4096) {
                    pixels[i] = 0xff;
                }
                pixels
            })
        })
        .collect()
}

/// A monitor the server has written into the segment, waiting for its conversion.
struct Grabbed<'a> {
    area: &'a MonitorArea,
    offset: u64,
    size: u64,
    image: JoinHandle<Vec<u8>>,
}

/// Waits for every `GetImage`: the monitors written go on as [`Grabbed`], the others are listed
/// in `capture.failures`.
fn await_images<'a>(
    capture: &mut Capture,
    areas: &'a [MonitorArea],
    cookies: Vec<ImageCookie<'_>>,
    layout: &Layout,
    images: Vec<JoinHandle<Vec<u8>>>,
) -> Vec<Grabbed<'a>> {
    let mut grabbed = Vec::new();
    let places = layout.offsets.iter().zip(&layout.sizes);
    for (((area, cookie), (&offset, &size)), image) in
        areas.iter().zip(cookies).zip(places).zip(images)
    {
        let result = cookie
            .map_err(|e| e.to_string())
            .and_then(|c| c.reply().map_err(|e| e.to_string()));
        let failure = |reason: String| ScreenFailure {
            name: area.name.clone(),
            reason,
        };
        match result {
            Ok(_) if offset + size <= u64::from(u32::MAX) => grabbed.push(Grabbed {
                area,
                offset,
                size,
                image,
            }),
            Ok(_) => capture
                .failures
                .push(failure("too large for one shared memory segment".into())),
            Err(reason) => capture.failures.push(failure(reason)),
        }
    }
    grabbed
}

impl Grabbed<'_> {
    /// This monitor's pixels, read from the mapped segment into its own RGBA image.
    fn convert(self, shared: &[u8]) -> Result<Option<ScreenShot>, Failure> {
        let start = usize::try_from(self.offset)?;
        let end = usize::try_from(self.offset + self.size)?;
        let Some(source) = shared.get(start..end) else {
            return Ok(None);
        };
        let mut pixels = self
            .image
            .join()
            .unwrap_or_else(|_| vec![0u8; source.len()]);
        // One pass from the shared memory into the image: no intermediate copy.
        convert_in_parallel(source, &mut pixels);
        let area = self.area;
        let (width, height) = (u32::from(area.width), u32::from(area.height));
        let Some(image) = RgbaImage::from_raw(width, height, pixels) else {
            return Ok(None);
        };
        Ok(Some(ScreenShot {
            info: ScreenInfo {
                name: area.name.clone(),
                width,
                height,
                // X11 has one resolution for the whole desktop: pixels are physical.
                scale: 1.0,
                x: i32::from(area.x),
                y: i32::from(area.y),
            },
            x: i32::from(area.x),
            y: i32::from(area.y),
            image,
        }))
    }
}

/// Maps the shared file read-only, once the server has answered every `GetImage`.
#[allow(unsafe_code)]
fn map(file: &File) -> std::io::Result<memmap2::Mmap> {
    // SAFETY: the file is a memfd this function's caller created and never shared with any
    // process but the X server, whose writes all completed before their replies arrived; the
    // segment was detached and no one resizes or writes the file while the map lives.
    unsafe { memmap2::Mmap::map(file) }
}

/// [`bgrx_to_rgba`] from `source` into `target`, in two halves on two threads (a 4K screen is
/// 33 MB: the page faults of the new image are shared too).
fn convert_in_parallel(source: &[u8], target: &mut [u8]) {
    let half = (source.len() / 8) * 4;
    let (s1, s2) = source.split_at(half);
    let (t1, t2) = target.split_at_mut(half);
    std::thread::scope(|scope| {
        scope.spawn(|| bgrx_to_rgba(s2, t2));
        bgrx_to_rgba(s1, t1);
    });
}

/// X's 32-bit ZPixmap, least significant byte first, is B, G, R, unused: R, G, B, opaque.
/// (Written on whole 32-bit words so that the compiler vectorises it.)
pub fn bgrx_to_rgba(source: &[u8], target: &mut [u8]) {
    for (s, t) in source.chunks_exact(4).zip(target.chunks_exact_mut(4)) {
        let v = u32::from_le_bytes([s[0], s[1], s[2], s[3]]);
        let rgba = 0xff00_0000 | (v & 0x0000_ff00) | ((v & 0xff) << 16) | ((v >> 16) & 0xff);
        t.copy_from_slice(&rgba.to_le_bytes());
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn blue_green_red_unused_becomes_opaque_red_green_blue() {
        let source = [10, 20, 30, 0, 1, 2, 3, 99, 7, 8, 9, 0];
        let mut target = [0; 12];
        super::convert_in_parallel(&source, &mut target);
        assert_eq!(target, [30, 20, 10, 255, 3, 2, 1, 255, 9, 8, 7, 255]);
    }
}
