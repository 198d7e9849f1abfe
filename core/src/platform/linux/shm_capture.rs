//! The X11 fast path: every RandR monitor read through MIT-SHM into one shared memory file, and
//! kept there: each monitor's [`Frame`] is a map of its part of that file, in the server's BGRX
//! order, which masking and libjpeg-turbo read as it is. `xcap` sends the pixels through the X
//! socket and converts them pixel by pixel through a function pointer, which costs about 100 ms
//! for a 4K screen; here the server writes straight into shared memory and nothing copies or
//! converts the pixels afterwards (see docs/PERFORMANCE.md for the figures).
//!
//! Used only when it can be exact: a local X server with MIT-SHM 1.2 (file-descriptor passing),
//! 24- or 32-bit TrueColor in 32 bits per pixel, least significant byte first. Anything else
//! answers `None` and the caller falls back to `xcap`.

use crate::capture::{Capture, Frame, PixelLayout, ScreenFailure, ScreenShot};
use crate::facts::ScreenInfo;
use std::fs::File;
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
/// moment), and each monitor's part of the file mapped as its frame while the server copies.
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
    let mut capture = Capture::default();
    let pending = std::thread::scope(|scope| {
        // The frames' page tables are filled on another thread while the server copies (4 ms of
        // a 4K capture that would otherwise come after it).
        let maps = scope.spawn(|| map_parts(&file, &layout));
        let cookies = request_images(&conn, root, seg, &areas, &layout);
        let maps = maps
            .join()
            .map_err(|_| "the thread mapping the frames failed")??;
        Ok::<_, Failure>(await_images(&mut capture, &areas, cookies, &layout, maps))
    })?;
    // Not waited for: the server wrote every image before answering and writes nothing after.
    let _ = shm::detach(&conn, seg);
    let _ = conn.flush();
    capture
        .screens
        .extend(pending.into_iter().filter_map(Grabbed::into_screen));
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

/// A monitor the server has written into the segment, with the map of its part.
struct Grabbed<'a> {
    area: &'a MonitorArea,
    map: memmap2::MmapMut,
}

/// Waits for every `GetImage`: the monitors written go on as [`Grabbed`], the others are listed
/// in `capture.failures`.
fn await_images<'a>(
    capture: &mut Capture,
    areas: &'a [MonitorArea],
    cookies: Vec<ImageCookie<'_>>,
    layout: &Layout,
    maps: Vec<memmap2::MmapMut>,
) -> Vec<Grabbed<'a>> {
    let mut grabbed = Vec::new();
    let places = layout.offsets.iter().zip(&layout.sizes);
    for (((area, cookie), (&offset, &size)), map) in areas.iter().zip(cookies).zip(places).zip(maps)
    {
        let result = cookie
            .map_err(|e| e.to_string())
            .and_then(|c| c.reply().map_err(|e| e.to_string()));
        let failure = |reason: String| ScreenFailure {
            name: area.name.clone(),
            reason,
        };
        match result {
            Ok(_) if offset + size <= u64::from(u32::MAX) => grabbed.push(Grabbed { area, map }),
            Ok(_) => capture
                .failures
                .push(failure("too large for one shared memory segment".into())),
            Err(reason) => capture.failures.push(failure(reason)),
        }
    }
    grabbed
}

impl Grabbed<'_> {
    /// This monitor's pixels: its part of the shared file as its frame (BGRX, as the server
    /// wrote it; no copy, no conversion).
    fn into_screen(self) -> Option<ScreenShot> {
        let area = self.area;
        let (width, height) = (u32::from(area.width), u32::from(area.height));
        let image = Frame::from_map(width, height, PixelLayout::Bgrx, self.map)?;
        Some(ScreenShot {
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
        })
    }
}

/// Each monitor's part of the shared file, mapped (see [`map_part`]).
fn map_parts(file: &File, layout: &Layout) -> std::io::Result<Vec<memmap2::MmapMut>> {
    let places = layout.offsets.iter().zip(&layout.sizes);
    places
        .map(|(&offset, &size)| {
            let len = usize::try_from(size).map_err(std::io::Error::other)?;
            map_part(file, offset, len)
        })
        .collect()
}

/// Maps `len` bytes of the shared file from `offset`, writable (masks are burned in there) and
/// populated up front (one call instead of a page fault per 4 KiB while encoding).
#[allow(unsafe_code)]
fn map_part(file: &File, offset: u64, len: usize) -> std::io::Result<memmap2::MmapMut> {
    // SAFETY: the file is a memfd this module created and never shared with any process but the
    // X server, which writes into it only while answering this capture's `GetImage`s; nothing
    // reads or writes through the map until every one has been answered (`await_images` hands
    // the maps on only then), and the server writes nothing after. No one resizes the file, and
    // each monitor's map covers its own bytes only.
    unsafe {
        memmap2::MmapOptions::new()
            .offset(offset)
            .len(len)
            .populate()
            .map_mut(file)
    }
}
