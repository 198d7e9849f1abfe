//! Encoding a (masked) screen for upload: downscale to a readable width, JPEG with 4:4:4 chroma
//! (4:2:0 blurs coloured terminal text), and shrink until it fits the help desk's size limit.
//!
//! Choice by measurement (docs/PERFORMANCE.md, "Screenshot capture and encoding"): on school
//! links upload time dominates, and libjpeg-turbo (`turbojpeg`, bundled, SIMD) encodes a 1080p
//! desktop in about 8 ms; `fast_image_resize` brings 4K screens down to 1920 wide first.

use super::{CaptureError, Frame, FrameRef};
use fast_image_resize::images::{Image as ResizeImage, ImageRef};
use fast_image_resize::{FilterType, PixelType, ResizeAlg, ResizeOptions, Resizer};
use std::fmt;

const MIB: u64 = 1024 * 1024;
/// Qualities tried, after the requested one, when the JPEG is too large.
const FALLBACK_QUALITIES: [u8; 3] = [70, 55, 40];
/// Below this width a screenshot no longer shows anything useful: give up instead.
const MIN_WIDTH: u32 = 480;
/// Each further try is this fraction of the previous width (at the lowest quality).
const SHRINK_NUM: u32 = 3;
const SHRINK_DEN: u32 = 4;

/// How to encode one screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EncodeOptions {
    /// Wider screens are downscaled to this width (aspect kept). 1920 keeps text readable and
    /// cuts a 4K upload about 3×.
    pub max_width: u32,
    /// JPEG quality, 1–100.
    pub quality: u8,
    /// The help desk's attachment size limit: the result never exceeds it.
    pub max_bytes: u64,
}

impl Default for EncodeOptions {
    fn default() -> Self {
        EncodeOptions {
            max_width: 1920,
            quality: 85,
            max_bytes: 10 * MIB,
        }
    }
}

impl EncodeOptions {
    /// How the wizard previews a screen (the agent sends it in the wizard's context, in base64):
    /// at most 1280 wide, quality 80, no size limit. The attachment keeps full resolution up to
    /// 1920 ([`EncodeOptions::default`]).
    pub const PREVIEW: EncodeOptions = EncodeOptions {
        max_width: 1280,
        quality: 80,
        max_bytes: u64::MAX,
    };
}

/// A screen ready to attach. Holds only masked pixels, compressed.
#[derive(Clone, PartialEq, Eq)]
pub struct EncodedImage {
    /// The JPEG file, at most `EncodeOptions::max_bytes` long.
    pub bytes: Vec<u8>,
    /// Its MIME type (`image/jpeg`).
    pub mime: &'static str,
    /// The file name extension to give it, without the dot (`jpg`).
    pub extension: &'static str,
    /// Its width in pixels, after any downscaling.
    pub width: u32,
    /// Its height in pixels, after any downscaling.
    pub height: u32,
    /// The quality finally used (lower than asked when the size limit required it).
    pub quality: u8,
}

impl fmt::Debug for EncodedImage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "EncodedImage({}, {}×{}, q{}, {} bytes)",
            self.mime,
            self.width,
            self.height,
            self.quality,
            self.bytes.len()
        )
    }
}

/// Encodes `image` (a [`Frame`] in either byte order, or an `RgbaImage`) as a JPEG 4:4:4 no
/// wider than `opts.max_width` and no larger than `opts.max_bytes`. When too large it retries at
/// lower qualities, then at smaller widths (at most a dozen tries), and fails with
/// [`CaptureError::TooLarge`] if even the smallest is too big.
pub fn encode<'a>(
    image: impl Into<FrameRef<'a>>,
    opts: &EncodeOptions,
) -> Result<EncodedImage, CaptureError> {
    let image: FrameRef<'a> = image.into();
    let (width, height) = (image.width, image.height);
    if width == 0 || height == 0 {
        return Err(CaptureError::Encode("the image is empty".into()));
    }
    let first = opts.quality.clamp(1, 100);
    let mut qualities = vec![first];
    qualities.extend(FALLBACK_QUALITIES.iter().filter(|&&q| q < first));
    let mut target = width.min(opts.max_width.max(1));
    let mut smallest = (u64::MAX, target);
    let mut jpeg = Jpeg::new()?;
    loop {
        let resized = if target < width {
            Some(resize(image, target)?)
        } else {
            None
        };
        let scaled = resized.as_ref().map_or(image, Frame::view);
        for &quality in &qualities {
            let bytes = jpeg.encode(scaled, quality)?;
            let size = bytes.len() as u64;
            if size <= opts.max_bytes {
                return Ok(EncodedImage {
                    bytes,
                    mime: "image/jpeg",
                    extension: "jpg",
                    width: scaled.width,
                    height: scaled.height,
                    quality,
                });
            }
            if size < smallest.0 {
                smallest = (size, scaled.width);
            }
        }
        // Narrower tries keep only the lowest quality: each costs a resize and an encode.
        qualities.drain(..qualities.len().saturating_sub(1));
        let next = target * SHRINK_NUM / SHRINK_DEN;
        if next < MIN_WIDTH {
            return Err(CaptureError::TooLarge {
                max_bytes: opts.max_bytes,
                smallest: smallest.0,
                width: smallest.1,
            });
        }
        target = next;
    }
}

/// Downscales to `width` pixels wide, keeping the aspect ratio and the byte order (the filter
/// treats the four channels alike). Bilinear: as fast as Hamming and 10 % smaller once encoded
/// than it or Lanczos3, with text still readable at 2×.
pub fn resize<'a>(image: impl Into<FrameRef<'a>>, width: u32) -> Result<Frame, CaptureError> {
    let image: FrameRef<'a> = image.into();
    let (w, h) = (image.width, image.height);
    if width == 0 || w == 0 || h == 0 {
        return Err(CaptureError::Resize(format!(
            "cannot resize {w}×{h} to {width} pixels wide"
        )));
    }
    let height = (u64::from(h) * u64::from(width) + u64::from(w) / 2) / u64::from(w.max(1));
    let height = u32::try_from(height.max(1)).unwrap_or(h);
    let src = ImageRef::new(w, h, image.pixels, PixelType::U8x4)
        .map_err(|e| CaptureError::Resize(e.to_string()))?;
    let mut dst = ResizeImage::new(width, height, PixelType::U8x4);
    // Screens are opaque: no alpha premultiplication pass.
    let options = ResizeOptions::new()
        .resize_alg(ResizeAlg::Convolution(FilterType::Bilinear))
        .use_alpha(false);
    Resizer::new()
        .resize(&src, &mut dst, &options)
        .map_err(|e| CaptureError::Resize(e.to_string()))?;
    Frame::from_vec(width, height, image.layout, dst.into_vec())
        .ok_or_else(|| CaptureError::Resize("the resized buffer has the wrong size".into()))
}

/// libjpeg-turbo, set up for screenshots: baseline, 4:4:4. Optimised Huffman tables would save
/// about 4 % (worth ~70 ms of upload at 2 Mbit/s) but more than double the encoding time, past
/// the 15 ms budget at 1080p on two cores; see docs/PERFORMANCE.md.
struct Jpeg(turbojpeg::Compressor);

impl Jpeg {
    fn new() -> Result<Jpeg, CaptureError> {
        let err = |e: turbojpeg::Error| CaptureError::Encode(e.to_string());
        let mut c = turbojpeg::Compressor::new().map_err(err)?;
        c.set_subsamp(turbojpeg::Subsamp::None).map_err(err)?;
        c.set_optimize(false).map_err(err)?;
        Ok(Jpeg(c))
    }

    fn encode(&mut self, image: FrameRef<'_>, quality: u8) -> Result<Vec<u8>, CaptureError> {
        let err = |e: turbojpeg::Error| CaptureError::Encode(e.to_string());
        self.0.set_quality(i32::from(quality)).map_err(err)?;
        let width = image.width as usize;
        let view = turbojpeg::Image {
            pixels: image.pixels,
            width,
            pitch: width * 4,
            height: image.height as usize,
            // BGRX or RGBX, as captured: no conversion pass. The fourth byte is ignored.
            format: image.layout.turbojpeg(),
        };
        self.0.compress_to_vec(view).map_err(err)
    }
}
