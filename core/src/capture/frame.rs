//! One screen's pixels as the back end gave them: [`Frame`] keeps the byte order it was captured
//! in (X11's BGRX straight from the shared memory the server wrote, or RGBA from `xcap`), so
//! masking and encoding read the pixels where they are instead of converting every one first.
//! libjpeg-turbo and the resizer take either order; only a mask's colour depends on it.

use image::{Rgba, RgbaImage};
use std::fmt;

/// The order of the four bytes of each pixel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PixelLayout {
    /// Red, green, blue, alpha (screens are opaque: alpha 255).
    Rgba,
    /// Blue, green, red, one byte unused: X11's 32-bit ZPixmap, least significant byte first.
    Bgrx,
}

impl PixelLayout {
    /// `colour` (red, green, blue, alpha) as the four bytes of a pixel in this order.
    pub fn bytes_of(self, colour: Rgba<u8>) -> [u8; 4] {
        let [r, g, b, a] = colour.0;
        match self {
            PixelLayout::Rgba => [r, g, b, a],
            PixelLayout::Bgrx => [b, g, r, 255],
        }
    }

    /// The colour (red, green, blue, opaque) of a pixel's four `bytes` in this order.
    pub fn colour_of(self, bytes: [u8; 4]) -> Rgba<u8> {
        match self {
            PixelLayout::Rgba => Rgba(bytes),
            PixelLayout::Bgrx => Rgba([bytes[2], bytes[1], bytes[0], 255]),
        }
    }

    /// libjpeg-turbo's name for this order (the fourth byte is ignored either way).
    pub(crate) fn turbojpeg(self) -> turbojpeg::PixelFormat {
        match self {
            PixelLayout::Rgba => turbojpeg::PixelFormat::RGBX,
            PixelLayout::Bgrx => turbojpeg::PixelFormat::BGRX,
        }
    }
}

/// Where a frame's bytes live: the heap, or the shared memory the display server wrote them
/// into (mapped by this process alone once the server is done with it).
enum Pixels {
    Heap(Vec<u8>),
    #[cfg(target_os = "linux")]
    Mapped(memmap2::MmapMut),
}

/// One screen's pixels: `width` × `height`, 4 bytes each in `layout`, rows without padding.
/// Not `Clone`: copying unmasked pixels is [`Frame::duplicate`], said out loud.
pub struct Frame {
    width: u32,
    height: u32,
    layout: PixelLayout,
    pixels: Pixels,
}

/// A borrowed frame: what [`encode`](super::encode) and [`resize`](super::encode::resize) read,
/// from a [`Frame`] or an [`RgbaImage`].
#[derive(Clone, Copy)]
pub struct FrameRef<'a> {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// The byte order of each pixel.
    pub layout: PixelLayout,
    /// `width × height × 4` bytes, row by row.
    pub pixels: &'a [u8],
}

impl Frame {
    /// A frame over `pixels`, or `None` when their length is not `width × height × 4`.
    pub fn from_vec(width: u32, height: u32, layout: PixelLayout, pixels: Vec<u8>) -> Option<Self> {
        (byte_len(width, height) == Some(pixels.len())).then_some(Frame {
            width,
            height,
            layout,
            pixels: Pixels::Heap(pixels),
        })
    }

    /// A frame over a writable map of shared memory, or `None` when its length is not
    /// `width × height × 4`.
    #[cfg(target_os = "linux")]
    pub(crate) fn from_map(
        width: u32,
        height: u32,
        layout: PixelLayout,
        map: memmap2::MmapMut,
    ) -> Option<Self> {
        (byte_len(width, height) == Some(map.len())).then_some(Frame {
            width,
            height,
            layout,
            pixels: Pixels::Mapped(map),
        })
    }

    /// Width in pixels.
    pub fn width(&self) -> u32 {
        self.width
    }

    /// Height in pixels.
    pub fn height(&self) -> u32 {
        self.height
    }

    /// Width and height in pixels.
    pub fn dimensions(&self) -> (u32, u32) {
        (self.width, self.height)
    }

    /// The byte order of each pixel.
    pub fn layout(&self) -> PixelLayout {
        self.layout
    }

    /// The bytes, row by row, 4 a pixel.
    pub fn as_bytes(&self) -> &[u8] {
        match &self.pixels {
            Pixels::Heap(v) => v,
            #[cfg(target_os = "linux")]
            Pixels::Mapped(m) => m,
        }
    }

    /// The bytes, writable (masks are burned in here).
    pub fn as_bytes_mut(&mut self) -> &mut [u8] {
        match &mut self.pixels {
            Pixels::Heap(v) => v,
            #[cfg(target_os = "linux")]
            Pixels::Mapped(m) => m,
        }
    }

    /// A borrowed view, for [`encode`](super::encode).
    pub fn view(&self) -> FrameRef<'_> {
        FrameRef {
            width: self.width,
            height: self.height,
            layout: self.layout,
            pixels: self.as_bytes(),
        }
    }

    /// The colour of pixel (`x`, `y`), or `None` outside the frame.
    pub fn pixel(&self, x: u32, y: u32) -> Option<Rgba<u8>> {
        self.view().pixel(x, y)
    }

    /// A copy on the heap, in the same layout: unmasked pixels are copied only where a caller
    /// asks for it by name.
    pub fn duplicate(&self) -> Frame {
        Frame {
            width: self.width,
            height: self.height,
            layout: self.layout,
            pixels: Pixels::Heap(self.as_bytes().to_vec()),
        }
    }

    /// The same picture as an RGBA image (a conversion pass when the frame is BGRX).
    pub fn to_rgba(&self) -> RgbaImage {
        self.view().to_rgba()
    }
}

impl<'a> FrameRef<'a> {
    /// The colour of pixel (`x`, `y`), or `None` outside the frame.
    pub fn pixel(&self, x: u32, y: u32) -> Option<Rgba<u8>> {
        if x >= self.width || y >= self.height {
            return None;
        }
        let at = (y as usize * self.width as usize + x as usize) * 4;
        let bytes = self.pixels.get(at..at + 4)?;
        Some(
            self.layout
                .colour_of([bytes[0], bytes[1], bytes[2], bytes[3]]),
        )
    }

    /// The same picture as an RGBA image.
    pub fn to_rgba(&self) -> RgbaImage {
        let pixels = match self.layout {
            PixelLayout::Rgba => self.pixels.to_vec(),
            PixelLayout::Bgrx => self
                .pixels
                .chunks_exact(4)
                .flat_map(|p| PixelLayout::Bgrx.colour_of([p[0], p[1], p[2], p[3]]).0)
                .collect(),
        };
        RgbaImage::from_raw(self.width, self.height, pixels)
            .unwrap_or_else(|| RgbaImage::new(self.width, self.height))
    }
}

impl fmt::Debug for Frame {
    // Manual so that pixels never reach a log line.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.view().fmt(f)
    }
}

impl fmt::Debug for FrameRef<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}×{} pixels ({:?})",
            self.width, self.height, self.layout
        )
    }
}

fn byte_len(width: u32, height: u32) -> Option<usize> {
    (width as usize)
        .checked_mul(height as usize)?
        .checked_mul(4)
}

impl From<RgbaImage> for Frame {
    /// No copy: the image's buffer becomes the frame's.
    fn from(image: RgbaImage) -> Self {
        let (width, height) = image.dimensions();
        Frame {
            width,
            height,
            layout: PixelLayout::Rgba,
            pixels: Pixels::Heap(image.into_raw()),
        }
    }
}

impl<'a> From<&'a Frame> for FrameRef<'a> {
    fn from(frame: &'a Frame) -> Self {
        frame.view()
    }
}

impl<'a> From<&'a RgbaImage> for FrameRef<'a> {
    fn from(image: &'a RgbaImage) -> Self {
        FrameRef {
            width: image.width(),
            height: image.height(),
            layout: PixelLayout::Rgba,
            pixels: image.as_raw(),
        }
    }
}

impl PartialEq for Frame {
    /// The same picture: same size and the same red, green and blue at every pixel, whatever
    /// the layouts (screens are opaque; X11's unused byte is not compared).
    fn eq(&self, other: &Self) -> bool {
        if self.dimensions() != other.dimensions() {
            return false;
        }
        let (a, b) = (self.as_bytes(), other.as_bytes());
        a.chunks_exact(4).zip(b.chunks_exact(4)).all(|(p, q)| {
            let p = self.layout.colour_of([p[0], p[1], p[2], p[3]]).0;
            let q = other.layout.colour_of([q[0], q[1], q[2], q[3]]).0;
            p[..3] == q[..3]
        })
    }
}

impl PartialEq<RgbaImage> for Frame {
    fn eq(&self, other: &RgbaImage) -> bool {
        let other = FrameRef::from(other);
        self.dimensions() == (other.width, other.height)
            && self
                .as_bytes()
                .chunks_exact(4)
                .zip(other.pixels.chunks_exact(4))
                .all(|(p, q)| self.layout.colour_of([p[0], p[1], p[2], p[3]]).0[..3] == q[..3])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bgrx_frame_reads_as_the_same_colours_as_its_rgba_twin() {
        let bgrx = Frame::from_vec(2, 1, PixelLayout::Bgrx, vec![10, 20, 30, 0, 1, 2, 3, 99])
            .expect("8 bytes for 2 pixels");
        assert_eq!(bgrx.pixel(0, 0), Some(Rgba([30, 20, 10, 255])));
        assert_eq!(bgrx.pixel(1, 0), Some(Rgba([3, 2, 1, 255])));
        assert_eq!(bgrx.pixel(2, 0), None);
        let rgba = bgrx.to_rgba();
        assert_eq!(rgba.as_raw(), &vec![30, 20, 10, 255, 3, 2, 1, 255]);
        assert!(bgrx == rgba);
        let twin = Frame::from(rgba);
        assert!(bgrx == twin);
        assert_eq!(format!("{twin:?}"), "2×1 pixels (Rgba)");
        assert_eq!(
            PixelLayout::Bgrx.bytes_of(Rgba([1, 2, 3, 4])),
            [3, 2, 1, 255]
        );
    }

    #[test]
    fn a_buffer_of_the_wrong_length_is_refused() {
        assert!(Frame::from_vec(2, 2, PixelLayout::Rgba, vec![0; 15]).is_none());
        assert!(Frame::from_vec(u32::MAX, u32::MAX, PixelLayout::Rgba, Vec::new()).is_none());
    }
}
