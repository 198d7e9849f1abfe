//! Rectangles the user draws on a screenshot: masks, burned into the pixels so that what they
//! hide never leaves the machine, and highlights that point at something without hiding it.

use super::{CaptureError, Frame};
use image::Rgba;

pub use guichet_protocol::annotation::{Annotation, AnnotationKind, Rect};

/// The colour of a solid mask.
pub const MASK_COLOUR: Rgba<u8> = Rgba([0, 0, 0, 255]);
/// The colour of a highlight's outline: saturated, rare on desktops, kept sharp by JPEG 4:4:4.
pub const HIGHLIGHT_COLOUR: Rgba<u8> = Rgba([255, 0, 200, 255]);
/// The thickness of a highlight's outline, in physical pixels.
pub const HIGHLIGHT_WIDTH: u32 = 4;
/// The smallest pixelation block: 16 px makes ordinary UI text (11–16 px high) unreadable.
pub const PIXELATE_MIN_BLOCK: u32 = 16;

/// Masks hide; highlights only point.
fn is_mask(kind: AnnotationKind) -> bool {
    matches!(
        kind,
        AnnotationKind::MaskSolid | AnnotationKind::MaskPixelate
    )
}

/// The part of `rect` inside a `width`×`height` image. Empty rectangles and those entirely
/// outside are errors: they would silently mask nothing.
pub fn clip(rect: &Rect, width: u32, height: u32) -> Result<Rect, CaptureError> {
    let rect = *rect;
    if rect.w == 0 || rect.h == 0 {
        return Err(CaptureError::EmptyRect { rect });
    }
    if rect.x >= width || rect.y >= height {
        return Err(CaptureError::OutsideImage {
            rect,
            width,
            height,
        });
    }
    Ok(Rect {
        x: rect.x,
        y: rect.y,
        w: rect.w.min(width - rect.x),
        h: rect.h.min(height - rect.y),
    })
}

/// The pixelation block for a (clipped) rectangle: at least [`PIXELATE_MIN_BLOCK`], and an eighth
/// of its short side for large areas, so big text is unreadable too.
pub fn pixelate_block(rect: &Rect) -> u32 {
    PIXELATE_MIN_BLOCK.max(rect.w.min(rect.h) / 8)
}

/// Burns `annotations` into `image`, whatever their `screen` (the caller passes this image's
/// ones), in the image's own byte order. Masks go first, in order, then highlights, so an
/// outline is never pixelated away. Every rectangle is checked before any pixel changes.
pub fn apply(image: &mut Frame, annotations: &[Annotation]) -> Result<(), CaptureError> {
    let (width, height) = image.dimensions();
    let clipped = annotations
        .iter()
        .map(|a| Ok((a.kind, clip(&a.rect, width, height)?)))
        .collect::<Result<Vec<_>, CaptureError>>()?;
    for (kind, rect) in clipped.iter().filter(|(k, _)| is_mask(*k)) {
        match kind {
            AnnotationKind::MaskSolid => fill(image, rect, MASK_COLOUR),
            _ => pixelate(image, rect),
        }
    }
    for (_, rect) in clipped.iter().filter(|(k, _)| !is_mask(*k)) {
        outline(image, rect);
    }
    Ok(())
}

/// Paints `rect` (inside the image: [`clip`]ped) with the four bytes `pixel`, already in the
/// image's order.
fn fill_bytes(image: &mut Frame, rect: &Rect, pixel: [u8; 4]) {
    let stride = image.width() as usize * 4;
    let (x0, x1) = (rect.x as usize * 4, (rect.x + rect.w) as usize * 4);
    let bytes = image.as_bytes_mut();
    for y in rect.y..rect.y + rect.h {
        let row = y as usize * stride;
        if let Some(span) = bytes.get_mut(row + x0..row + x1) {
            for p in span.chunks_exact_mut(4) {
                p.copy_from_slice(&pixel);
            }
        }
    }
}

fn fill(image: &mut Frame, rect: &Rect, colour: Rgba<u8>) {
    let pixel = image.layout().bytes_of(colour);
    fill_bytes(image, rect, pixel);
}

/// Each block (aligned on the rectangle's corner, partial at its right and bottom edges) becomes
/// its mean colour (byte by byte, so whatever the order).
fn pixelate(image: &mut Frame, rect: &Rect) {
    let block = pixelate_block(rect);
    let (x_end, y_end) = (rect.x + rect.w, rect.y + rect.h);
    let mut by = rect.y;
    while by < y_end {
        let bh = block.min(y_end - by);
        let mut bx = rect.x;
        while bx < x_end {
            let bw = block.min(x_end - bx);
            let block_rect = Rect {
                x: bx,
                y: by,
                w: bw,
                h: bh,
            };
            let mean = mean_bytes(image, &block_rect);
            fill_bytes(image, &block_rect, mean);
            bx += bw;
        }
        by += bh;
    }
}

fn mean_bytes(image: &Frame, rect: &Rect) -> [u8; 4] {
    let stride = image.width() as usize * 4;
    let (x0, x1) = (rect.x as usize * 4, (rect.x + rect.w) as usize * 4);
    let bytes = image.as_bytes();
    let mut sums = [0u64; 4];
    for y in rect.y..rect.y + rect.h {
        let row = y as usize * stride;
        for p in bytes.get(row + x0..row + x1).unwrap_or(&[]).chunks_exact(4) {
            for (sum, &byte) in sums.iter_mut().zip(p) {
                *sum += u64::from(byte);
            }
        }
    }
    let n = u64::from(rect.w) * u64::from(rect.h);
    // Rounded means of u8 values fit in u8.
    sums.map(|s| u8::try_from((s + n / 2) / n.max(1)).unwrap_or(u8::MAX))
}

/// A [`HIGHLIGHT_WIDTH`] frame just outside `rect`, so the content it points at stays visible.
/// Where the image edge leaves no room outside, that side of the frame moves inside.
fn outline(image: &mut Frame, rect: &Rect) {
    let (width, height) = image.dimensions();
    let t = HIGHLIGHT_WIDTH;
    // A band of `t` pixels starting at `before` (just outside the near edge) or `after` (just
    // outside the far edge), shifted inside the image when it would overflow.
    let band = |before_start: i64, limit: u32| -> (u32, u32) {
        let limit = i64::from(limit);
        let start = before_start.clamp(0, (limit - i64::from(t)).max(0));
        let end = (start + i64::from(t)).min(limit);
        // Both are within 0..=limit, which fits in u32.
        (
            u32::try_from(start).unwrap_or(0),
            u32::try_from(end).unwrap_or(0),
        )
    };
    let (x0, y0) = (i64::from(rect.x), i64::from(rect.y));
    let (x1, y1) = (x0 + i64::from(rect.w), y0 + i64::from(rect.h));
    let left = band(x0 - i64::from(t), width);
    let right = band(x1, width);
    let top = band(y0 - i64::from(t), height);
    let bottom = band(y1, height);
    // The frame spans from the outer edge of one band to the outer edge of the other.
    let (fx0, fx1) = (left.0, right.1);
    let (fy0, fy1) = (top.0, bottom.1);
    let mut paint = |xs: (u32, u32), ys: (u32, u32)| {
        if xs.1 > xs.0 && ys.1 > ys.0 {
            fill(
                image,
                &Rect {
                    x: xs.0,
                    y: ys.0,
                    w: xs.1 - xs.0,
                    h: ys.1 - ys.0,
                },
                HIGHLIGHT_COLOUR,
            );
        }
    };
    paint((fx0, fx1), top);
    paint((fx0, fx1), bottom);
    paint(left, (fy0, fy1));
    paint(right, (fy0, fy1));
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::capture::PixelLayout;
    use image::RgbaImage;

    /// [`apply`] to `image` as an RGBA frame and as a BGRX one: both must give the same picture,
    /// which replaces `image`; an error leaves `image` as it was.
    fn applied(image: &mut RgbaImage, annotations: &[Annotation]) -> Result<(), CaptureError> {
        let (w, h) = image.dimensions();
        let bgrx: Vec<u8> = image
            .as_raw()
            .chunks_exact(4)
            .flat_map(|p| [p[2], p[1], p[0], 0])
            .collect();
        let mut bgrx = Frame::from_vec(w, h, PixelLayout::Bgrx, bgrx).unwrap();
        let mut rgba = Frame::from(image.clone());
        let first = apply(&mut rgba, annotations);
        let second = apply(&mut bgrx, annotations);
        assert_eq!(first.is_ok(), second.is_ok());
        first?;
        second?;
        assert!(rgba == bgrx, "BGRX and RGBA frames differ once annotated");
        assert_eq!(bgrx.to_rgba(), rgba.to_rgba(), "opaque either way");
        *image = rgba.to_rgba();
        Ok(())
    }

    /// A picture with detail everywhere: no two neighbours equal.
    fn detailed(width: u32, height: u32) -> RgbaImage {
        RgbaImage::from_fn(width, height, |x, y| {
            Rgba([
                (x * 7 + y * 3) as u8,
                ((x * 13) ^ (y * 5)) as u8,
                (x * y + 17) as u8,
                255,
            ])
        })
    }

    fn ann(kind: AnnotationKind, x: u32, y: u32, w: u32, h: u32) -> Annotation {
        Annotation {
            screen: 0,
            kind,
            rect: Rect { x, y, w, h },
        }
    }

    fn inside(r: &Rect, x: u32, y: u32) -> bool {
        x >= r.x && x < r.x + r.w && y >= r.y && y < r.y + r.h
    }

    #[test]
    fn a_solid_mask_covers_exactly_its_rectangle() {
        let original = detailed(200, 120);
        let mut image = original.clone();
        let a = ann(AnnotationKind::MaskSolid, 30, 20, 50, 40);
        applied(&mut image, &[a]).unwrap();
        for (x, y, p) in image.enumerate_pixels() {
            if inside(&a.rect, x, y) {
                assert_eq!(*p, MASK_COLOUR, "({x},{y}) inside");
            } else {
                assert_eq!(p, original.get_pixel(x, y), "({x},{y}) outside");
            }
        }
    }

    #[test]
    fn pixelated_blocks_are_uniform_and_hide_the_detail() {
        let original = detailed(300, 200);
        let mut image = original.clone();
        let a = ann(AnnotationKind::MaskPixelate, 10, 10, 200, 150);
        let block = pixelate_block(&a.rect);
        assert_eq!(block, 18, "an eighth of the short side (150 / 8)");
        applied(&mut image, &[a]).unwrap();
        let mut changed = 0;
        for (x, y, p) in image.enumerate_pixels() {
            if inside(&a.rect, x, y) {
                let bx = a.rect.x + (x - a.rect.x) / block * block;
                let by = a.rect.y + (y - a.rect.y) / block * block;
                assert_eq!(
                    p,
                    image.get_pixel(bx, by),
                    "({x},{y}) differs from its block"
                );
                changed += usize::from(p != original.get_pixel(x, y));
            } else {
                assert_eq!(p, original.get_pixel(x, y), "({x},{y}) outside");
            }
        }
        let area = (a.rect.w * a.rect.h) as usize;
        assert!(changed > area * 9 / 10, "only {changed} of {area} changed");
    }

    #[test]
    fn small_areas_are_pixelated_with_16_px_blocks() {
        assert_eq!(
            pixelate_block(&Rect {
                x: 0,
                y: 0,
                w: 400,
                h: 20
            }),
            16
        );
    }

    #[test]
    fn rectangles_are_clipped_to_the_image() {
        let original = detailed(100, 80);
        let mut image = original.clone();
        applied(
            &mut image,
            &[ann(AnnotationKind::MaskSolid, 90, 70, 1000, 1000)],
        )
        .unwrap();
        for (x, y, p) in image.enumerate_pixels() {
            if x >= 90 && y >= 70 {
                assert_eq!(*p, MASK_COLOUR);
            } else {
                assert_eq!(p, original.get_pixel(x, y));
            }
        }
        let mut image = original.clone();
        applied(
            &mut image,
            &[ann(AnnotationKind::MaskPixelate, 95, 0, 50, 80)],
        )
        .unwrap();
        assert_eq!(image.get_pixel(99, 79), image.get_pixel(95, 64));
    }

    #[test]
    fn empty_and_outside_rectangles_are_refused_before_any_pixel_changes() {
        let original = detailed(100, 80);
        let mut image = original.clone();
        let good = ann(AnnotationKind::MaskSolid, 0, 0, 10, 10);
        let empty = ann(AnnotationKind::MaskSolid, 5, 5, 0, 10);
        let err = applied(&mut image, &[good, empty]).unwrap_err();
        assert!(matches!(err, CaptureError::EmptyRect { .. }));
        assert!(err.to_string().contains("empty"), "{err}");
        assert_eq!(image, original, "nothing was drawn");

        let outside = ann(AnnotationKind::Highlight, 100, 10, 5, 5);
        let err = applied(&mut image, &[outside]).unwrap_err();
        assert!(matches!(
            err,
            CaptureError::OutsideImage {
                width: 100,
                height: 80,
                ..
            }
        ));
        assert!(
            err.to_string().contains("outside the 100×80 screen"),
            "{err}"
        );
    }

    #[test]
    fn a_highlight_frames_the_rectangle_without_covering_it() {
        let original = detailed(200, 150);
        let mut image = original.clone();
        let a = ann(AnnotationKind::Highlight, 50, 40, 60, 30);
        applied(&mut image, &[a]).unwrap();
        let t = HIGHLIGHT_WIDTH;
        let frame = Rect {
            x: 50 - t,
            y: 40 - t,
            w: 60 + 2 * t,
            h: 30 + 2 * t,
        };
        for (x, y, p) in image.enumerate_pixels() {
            if inside(&frame, x, y) && !inside(&a.rect, x, y) {
                assert_eq!(*p, HIGHLIGHT_COLOUR, "({x},{y}) on the frame");
            } else {
                assert_eq!(p, original.get_pixel(x, y), "({x},{y}) off the frame");
            }
        }
    }

    #[test]
    fn a_highlight_at_the_image_edge_stays_visible_inside() {
        let mut image = detailed(100, 80);
        applied(&mut image, &[ann(AnnotationKind::Highlight, 0, 0, 100, 80)]).unwrap();
        for x in 0..100 {
            assert_eq!(*image.get_pixel(x, 0), HIGHLIGHT_COLOUR);
            assert_eq!(*image.get_pixel(x, 79), HIGHLIGHT_COLOUR);
        }
        for y in 0..80 {
            assert_eq!(*image.get_pixel(0, y), HIGHLIGHT_COLOUR);
            assert_eq!(*image.get_pixel(99, y), HIGHLIGHT_COLOUR);
        }
        assert_ne!(*image.get_pixel(50, 40), HIGHLIGHT_COLOUR);
    }

    #[test]
    fn highlights_are_drawn_after_masks() {
        let mut image = detailed(100, 80);
        let highlight = ann(AnnotationKind::Highlight, 20, 20, 20, 20);
        let mask = ann(AnnotationKind::MaskPixelate, 0, 0, 100, 80);
        applied(&mut image, &[highlight, mask]).unwrap();
        assert_eq!(*image.get_pixel(17, 30), HIGHLIGHT_COLOUR);
    }

    #[test]
    fn annotations_serialize_in_camel_case() {
        let a = ann(AnnotationKind::MaskPixelate, 1, 2, 3, 4);
        let json = serde_json::to_value(a).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"screen": 0, "kind": "maskPixelate", "rect": {"x": 1, "y": 2, "w": 3, "h": 4}})
        );
        assert_eq!(serde_json::from_value::<Annotation>(json).unwrap(), a);
    }
}
