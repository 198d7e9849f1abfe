//! Screenshot capture and encoding: capture time under Xvfb at 1080p and 4K, then each candidate
//! encoder on a realistic synthetic desktop (window chrome, lots of small anti-aliased glyphs,
//! flat areas, a photo-like area; deterministic). Prints a table; docs/PERFORMANCE.md records it.
//!
//! Run: `nice -n 19 cargo bench -p guichet-core --bench capture`
//! (`GUICHET_BENCH_RUNS=N` sets the runs per measurement, default 15; `GUICHET_BENCH_SAVE=DIR`
//! writes the synthetic desktops and the chosen encoder's JPEGs there to look at.)

// Drawing helpers take a rectangle and colours: many plain arguments read best here.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_arguments)]

#[path = "../tests/support/xvfb.rs"]
mod xvfb;

use fast_image_resize::FilterType;
use guichet_core::capture::encode::resize;
use guichet_core::capture::{encode, DisplaySource, EncodeOptions, ScreenSource};
use image::{ImageFormat, Rgba, RgbaImage};
use std::io::Cursor;
use std::time::{Duration, Instant};

/// The school link of the spec: 2 Mbit/s upstream.
const LINK_BITS_PER_SEC: f64 = 2_000_000.0;

fn main() {
    let runs: usize = std::env::var("GUICHET_BENCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(15)
        .max(1);
    let save = std::env::var_os("GUICHET_BENCH_SAVE").map(std::path::PathBuf::from);
    println!(
        "Screenshot capture and encoding — {} cores, {runs} runs per figure (p50), link 2 Mbit/s",
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    for (label, width, height, scale) in [("1080p", 1920, 1080, 1), ("4K @2x", 3840, 2160, 2)] {
        let desktop = synthetic_desktop(width, height, scale);
        if let Some(dir) = &save {
            std::fs::create_dir_all(dir).unwrap();
            desktop
                .save(dir.join(format!("desktop-{width}x{height}.png")))
                .unwrap();
        }
        let (capture_ms, xcap_ms, image) = match measure_capture(&desktop, runs) {
            Some(measured) => measured,
            None => {
                println!("(no Xvfb: capture not measured, encoding the synthetic desktop)");
                (0.0, 0.0, desktop.clone())
            }
        };
        println!(
            "\n## {label}: {width}×{height}, capture (Xvfb) p50 {capture_ms:.1} ms (MIT-SHM path), \
             {xcap_ms:.1} ms (xcap alone)"
        );
        let rows = encoders(width > 1920)
            .into_iter()
            .map(|(name, encoder)| {
                let n = if name.contains("PNG") {
                    runs.min(5)
                } else {
                    runs
                };
                let (ms, bytes) = time_encoder(encoder.as_ref(), &image, n);
                (name, ms, bytes)
            })
            .collect::<Vec<_>>();
        let total = |ms: f64, bytes: usize| {
            capture_ms + ms + bytes as f64 * 8.0 / LINK_BITS_PER_SEC * 1000.0
        };
        let png_total = rows
            .iter()
            .find(|(n, _, _)| n.contains("PNG"))
            .map(|(_, ms, b)| total(*ms, *b))
            .unwrap_or(f64::NAN);
        println!(
            "| {:<60} | {:>9} | {:>10} | {:>17} | {:>8} |",
            "encoder", "encode ms", "bytes", "capture→uploaded", "vs PNG"
        );
        println!(
            "|{:-<62}|{:->11}|{:->12}|{:->19}|{:->10}|",
            "", "", "", "", ""
        );
        for (name, ms, bytes) in &rows {
            if *bytes == 0 {
                println!(
                    "| {name:<60} | {ms:>9.1} | {:>10} | {:>17} | {:>8} |",
                    "—", "—", "—"
                );
                continue;
            }
            let t = total(*ms, *bytes);
            println!(
                "| {:<60} | {:>9.1} | {:>10} | {:>15.2} s | {:>7.2}× |",
                name,
                ms,
                bytes,
                t / 1000.0,
                png_total / t
            );
        }
        if let Some(dir) = &save {
            let jpeg = encode(&image, &EncodeOptions::default()).unwrap();
            std::fs::write(
                dir.join(format!("guichet-{width}x{height}.jpg")),
                &jpeg.bytes,
            )
            .unwrap();
        }
    }
}

/// Starts Xvfb at the desktop's size, paints it, and times `DisplaySource::capture_all` (the
/// MIT-SHM path) and `capture_xcap` (the fallback).
fn measure_capture(desktop: &RgbaImage, runs: usize) -> Option<(f64, f64, RgbaImage)> {
    let server = xvfb::Xvfb::start(desktop.width(), desktop.height())?;
    xvfb::paint_root(&server.display, desktop);
    std::env::set_var("DISPLAY", &server.display);
    std::env::remove_var("WAYLAND_DISPLAY");
    std::env::remove_var("XDG_SESSION_TYPE");
    let source = DisplaySource;
    let mut times = Vec::new();
    let mut last = None;
    for _ in 0..runs {
        let start = Instant::now();
        let capture = source.capture_all().expect("capture");
        times.push(start.elapsed());
        last = Some(capture);
    }
    let mut xcap_times = Vec::new();
    for _ in 0..runs {
        let start = Instant::now();
        let capture = guichet_core::capture::capture_xcap().expect("xcap");
        xcap_times.push(start.elapsed());
        assert!(capture.screens[0].image == *desktop, "xcap differs");
    }
    let mut capture = last?;
    assert_eq!(capture.screens.len(), 1, "{:?}", capture.failures);
    let image = capture.screens.remove(0).image;
    assert!(
        image == *desktop,
        "the capture differs from the painted desktop"
    );
    Some((p50_ms(times), p50_ms(xcap_times), image))
}

type Encoder = Box<dyn Fn(&RgbaImage) -> Vec<u8>>;

fn encoders(large: bool) -> Vec<(String, Encoder)> {
    let mut list: Vec<(String, Encoder)> = vec![
        ("image PNG, default (RGBA)".into(), Box::new(image_png)),
        ("image JPEG q85 (4:2:2 fixed)".into(), Box::new(image_jpeg)),
        (
            "jpeg-encoder q85 4:4:4 simd".into(),
            Box::new(|i: &RgbaImage| jpeg_encoder(i, false)),
        ),
        (
            "jpeg-encoder q85 4:4:4 simd, optimized Huffman".into(),
            Box::new(|i: &RgbaImage| jpeg_encoder(i, true)),
        ),
        (
            "turbojpeg q85 4:4:4".into(),
            Box::new(|i: &RgbaImage| turbo(i, false, false)),
        ),
        (
            "turbojpeg q85 4:4:4, optimize".into(),
            Box::new(|i: &RgbaImage| turbo(i, true, false)),
        ),
        (
            "turbojpeg q85 4:4:4, progressive".into(),
            Box::new(|i: &RgbaImage| turbo(i, true, true)),
        ),
        (
            "turbojpeg q85 4:2:0 (for reference: blurs colour text)".into(),
            Box::new(turbo_420),
        ),
    ];
    if large {
        list.push((
            "resize→1920 (Bilinear) alone".into(),
            Box::new(|i: &RgbaImage| resize(i, 1920).unwrap().into_raw()[..0].to_vec()),
        ));
        for filter in [FilterType::Hamming, FilterType::Lanczos3] {
            list.push((
                format!("resize→1920 ({filter:?}) alone"),
                Box::new(move |i: &RgbaImage| resize_with(i, filter).into_raw()[..0].to_vec()),
            ));
        }
        list.push((
            "resize→1920 (Bilinear) + jpeg-encoder q85 4:4:4".into(),
            Box::new(|i: &RgbaImage| jpeg_encoder(&resize(i, 1920).unwrap(), false)),
        ));
        list.push((
            "resize→1920 (Bilinear) + turbojpeg q85 4:4:4".into(),
            Box::new(|i: &RgbaImage| turbo(&resize(i, 1920).unwrap(), false, false)),
        ));
        for filter in [FilterType::Hamming, FilterType::Lanczos3] {
            list.push((
                format!("resize→1920 ({filter:?}) + turbojpeg q85 4:4:4"),
                Box::new(move |i: &RgbaImage| turbo(&resize_with(i, filter), false, false)),
            ));
        }
    }
    list.push((
        "guichet encode(): resize≤1920 (Bilinear) + turbojpeg 4:4:4".into(),
        Box::new(|i: &RgbaImage| encode(i, &EncodeOptions::default()).unwrap().bytes),
    ));
    list
}

fn time_encoder(
    encoder: &dyn Fn(&RgbaImage) -> Vec<u8>,
    image: &RgbaImage,
    runs: usize,
) -> (f64, usize) {
    let mut bytes = encoder(image).len(); // warm-up
    let mut times = Vec::new();
    for _ in 0..runs {
        let start = Instant::now();
        let out = encoder(image);
        times.push(start.elapsed());
        bytes = out.len();
    }
    (p50_ms(times), bytes)
}

fn p50_ms(mut times: Vec<Duration>) -> f64 {
    times.sort();
    times[times.len() / 2].as_secs_f64() * 1000.0
}

fn image_png(image: &RgbaImage) -> Vec<u8> {
    let mut out = Cursor::new(Vec::new());
    image.write_to(&mut out, ImageFormat::Png).unwrap();
    out.into_inner()
}

fn image_jpeg(image: &RgbaImage) -> Vec<u8> {
    let rgb = image::DynamicImage::ImageRgba8(image.clone()).to_rgb8();
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 85)
        .encode_image(&rgb)
        .unwrap();
    out
}

fn jpeg_encoder(image: &RgbaImage, optimize: bool) -> Vec<u8> {
    let mut out = Vec::new();
    let mut encoder = jpeg_encoder::Encoder::new(&mut out, 85);
    encoder.set_sampling_factor(jpeg_encoder::SamplingFactor::R_4_4_4);
    encoder.set_optimized_huffman_tables(optimize);
    encoder
        .encode(
            image.as_raw(),
            image.width() as u16,
            image.height() as u16,
            jpeg_encoder::ColorType::Rgba,
        )
        .unwrap();
    out
}

fn turbo_image(image: &RgbaImage) -> turbojpeg::Image<&[u8]> {
    turbojpeg::Image {
        pixels: image.as_raw().as_slice(),
        width: image.width() as usize,
        pitch: image.width() as usize * 4,
        height: image.height() as usize,
        format: turbojpeg::PixelFormat::RGBX,
    }
}

fn turbo(image: &RgbaImage, optimize: bool, progressive: bool) -> Vec<u8> {
    let mut c = turbojpeg::Compressor::new().unwrap();
    c.set_quality(85).unwrap();
    c.set_subsamp(turbojpeg::Subsamp::None).unwrap();
    c.set_optimize(optimize).unwrap();
    c.set_progressive(progressive).unwrap();
    c.compress_to_vec(turbo_image(image)).unwrap()
}

fn turbo_420(image: &RgbaImage) -> Vec<u8> {
    let mut c = turbojpeg::Compressor::new().unwrap();
    c.set_quality(85).unwrap();
    c.set_subsamp(turbojpeg::Subsamp::Sub2x2).unwrap();
    c.compress_to_vec(turbo_image(image)).unwrap()
}

fn resize_with(image: &RgbaImage, filter: FilterType) -> RgbaImage {
    use fast_image_resize::{
        images::Image, images::ImageRef, PixelType, ResizeAlg, ResizeOptions, Resizer,
    };
    let (w, h) = image.dimensions();
    let src = ImageRef::new(w, h, image.as_raw(), PixelType::U8x4).unwrap();
    let mut dst = Image::new(1920, h * 1920 / w, PixelType::U8x4);
    let options = ResizeOptions::new()
        .resize_alg(ResizeAlg::Convolution(filter))
        .use_alpha(false);
    Resizer::new().resize(&src, &mut dst, &options).unwrap();
    RgbaImage::from_raw(1920, h * 1920 / w, dst.into_vec()).unwrap()
}

// ---- A realistic synthetic desktop -------------------------------------------------------------

/// xorshift64*: deterministic, no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u32) -> u32 {
        (self.next() % u64::from(n.max(1))) as u32
    }
}

/// Anti-aliased pseudo-glyphs: coverage maps (0–255) of `cell_w`×`cell_h`, 2–4 strokes each.
struct Font {
    cell_w: u32,
    cell_h: u32,
    glyphs: Vec<Vec<u8>>,
}

impl Font {
    fn new(scale: u32, rng: &mut Rng) -> Font {
        let (cell_w, cell_h) = (7 * scale, 13 * scale);
        let thickness = 1.15 * scale as f32;
        let glyphs = (0..64)
            .map(|_| {
                // Strokes between points of a 3×5 grid inside the cell (x-height or ascender).
                let tall = rng.below(3) == 0;
                let top = if tall { 1.0 } else { 4.0 };
                let strokes: Vec<[f32; 4]> = (0..2 + rng.below(3))
                    .map(|_| {
                        let px = |r: &mut Rng| 1.0 + r.below(3) as f32 * 2.0;
                        let py = |r: &mut Rng| top + r.below(3) as f32 * (10.0 - top) / 2.0;
                        [px(rng), py(rng), px(rng), py(rng)]
                    })
                    .collect();
                let mut cov = vec![0u8; (cell_w * cell_h) as usize];
                for y in 0..cell_h {
                    for x in 0..cell_w {
                        let (fx, fy) = (
                            (x as f32 + 0.5) / scale as f32,
                            (y as f32 + 0.5) / scale as f32,
                        );
                        let d = strokes
                            .iter()
                            .map(|s| dist_to_segment(fx, fy, s) * scale as f32)
                            .fold(f32::MAX, f32::min);
                        let c = (thickness / 2.0 + 0.5 - d).clamp(0.0, 1.0);
                        cov[(y * cell_w + x) as usize] = (c * 255.0) as u8;
                    }
                }
                cov
            })
            .collect();
        Font {
            cell_w,
            cell_h,
            glyphs,
        }
    }

    /// Writes a line of random words from (x, y) up to `x_end`; returns nothing.
    fn line(
        &self,
        img: &mut RgbaImage,
        rng: &mut Rng,
        x: u32,
        y: u32,
        x_end: u32,
        fg: [u8; 3],
        words: u32,
    ) {
        let mut cx = x;
        for _ in 0..words {
            let len = 2 + rng.below(8);
            if cx + len * self.cell_w > x_end {
                break;
            }
            for _ in 0..len {
                let g = &self.glyphs[rng.below(self.glyphs.len() as u32) as usize];
                blit(img, g, cx, y, self.cell_w, self.cell_h, fg);
                cx += self.cell_w;
            }
            cx += self.cell_w;
        }
    }
}

fn dist_to_segment(px: f32, py: f32, s: &[f32; 4]) -> f32 {
    let (ax, ay, bx, by) = (s[0], s[1], s[2], s[3]);
    let (dx, dy) = (bx - ax, by - ay);
    let len2 = dx * dx + dy * dy;
    let t = if len2 == 0.0 {
        0.0
    } else {
        (((px - ax) * dx + (py - ay) * dy) / len2).clamp(0.0, 1.0)
    };
    let (qx, qy) = (ax + t * dx, ay + t * dy);
    ((px - qx).powi(2) + (py - qy).powi(2)).sqrt()
}

fn blit(img: &mut RgbaImage, cov: &[u8], x0: u32, y0: u32, w: u32, h: u32, fg: [u8; 3]) {
    for y in 0..h {
        for x in 0..w {
            let (px, py) = (x0 + x, y0 + y);
            if px >= img.width() || py >= img.height() {
                continue;
            }
            let a = u32::from(cov[(y * w + x) as usize]);
            if a == 0 {
                continue;
            }
            let p = img.get_pixel_mut(px, py);
            for (dst, src) in p.0.iter_mut().zip(fg) {
                *dst = ((u32::from(src) * a + u32::from(*dst) * (255 - a)) / 255) as u8;
            }
        }
    }
}

fn rect(img: &mut RgbaImage, x: u32, y: u32, w: u32, h: u32, colour: [u8; 3]) {
    for py in y..(y + h).min(img.height()) {
        for px in x..(x + w).min(img.width()) {
            img.put_pixel(px, py, Rgba([colour[0], colour[1], colour[2], 255]));
        }
    }
}

/// A vertical gradient, like window title bars and buttons.
fn gradient(img: &mut RgbaImage, x: u32, y: u32, w: u32, h: u32, top: [u8; 3], bottom: [u8; 3]) {
    for py in 0..h {
        let t = py as f32 / h.max(1) as f32;
        let c = [0, 1, 2].map(|i| (top[i] as f32 * (1.0 - t) + bottom[i] as f32 * t) as u8);
        rect(img, x, y + py, w, 1, c);
    }
}

/// A photo-like area: smooth colour fields plus grain.
fn photo(img: &mut RgbaImage, rng: &mut Rng, x0: u32, y0: u32, w: u32, h: u32) {
    for y in 0..h {
        for x in 0..w {
            let (fx, fy) = (x as f32 / w as f32, y as f32 / h as f32);
            let base = [
                120.0 + 90.0 * (fx * 5.1 + fy * 1.7).sin() * (fy * 3.3).cos(),
                110.0 + 80.0 * (fy * 4.3 - fx * 2.2).sin(),
                100.0 + 70.0 * (fx * 2.7 * fy + 1.0).cos(),
            ];
            let grain = rng.below(25) as f32 - 12.0;
            let c = base.map(|v| (v + grain).clamp(0.0, 255.0) as u8);
            if x0 + x < img.width() && y0 + y < img.height() {
                img.put_pixel(x0 + x, y0 + y, Rgba([c[0], c[1], c[2], 255]));
            }
        }
    }
}

/// A school desktop: wallpaper photo, top panel, a document window with text and an image, a
/// terminal with coloured text, a dialog with buttons, a dock with icons. `scale` is the UI
/// scale factor (2 for a 4K screen).
fn synthetic_desktop(width: u32, height: u32, scale: u32) -> RgbaImage {
    let mut rng = Rng(0x5EED_CAFE_F00D_0001);
    let font = Font::new(scale, &mut rng);
    let mut img = RgbaImage::new(width, height);
    photo(&mut img, &mut rng, 0, 0, width, height);
    let s = scale;
    // Top panel with menu words and a clock.
    rect(&mut img, 0, 0, width, 28 * s, [43, 43, 43]);
    font.line(
        &mut img,
        &mut rng,
        8 * s,
        8 * s,
        width / 3,
        [230, 230, 230],
        6,
    );
    font.line(
        &mut img,
        &mut rng,
        width - 120 * s,
        8 * s,
        width - 8 * s,
        [230, 230, 230],
        2,
    );
    // Desktop icons with labels on the wallpaper.
    for i in 0..5 {
        let y = 60 * s + i * 90 * s;
        gradient(
            &mut img,
            24 * s,
            y,
            48 * s,
            48 * s,
            [250, 200, 60],
            [200, 120, 20],
        );
        font.line(
            &mut img,
            &mut rng,
            12 * s,
            y + 54 * s,
            96 * s,
            [255, 255, 255],
            1,
        );
    }
    // Document/browser window.
    let (wx, wy, ww, wh) = (width / 10, height / 12, width * 11 / 20, height * 3 / 4);
    window(
        &mut img,
        &mut rng,
        &font,
        wx,
        wy,
        ww,
        wh,
        [255, 255, 255],
        s,
        |img, rng, x, y, w, h| {
            // Toolbar, address bar.
            rect(img, x, y, w, 36 * s, [240, 240, 240]);
            rect(
                img,
                x + 90 * s,
                y + 7 * s,
                w - 180 * s,
                22 * s,
                [255, 255, 255],
            );
            font.line(
                img,
                rng,
                x + 96 * s,
                y + 12 * s,
                x + w - 200 * s,
                [60, 60, 60],
                4,
            );
            // Paragraphs around a picture.
            let (px, py, pw, ph) = (x + w * 3 / 5, y + 60 * s, w * 2 / 5 - 20 * s, h / 3);
            photo(img, rng, px, py, pw, ph);
            let mut ty = y + 56 * s;
            let mut line = 0;
            while ty + font.cell_h < y + h - 10 * s {
                let right = if ty < py + ph + 10 * s {
                    px - 16 * s
                } else {
                    x + w - 20 * s
                };
                let colour = if line % 7 == 3 {
                    [20, 80, 200]
                } else {
                    [34, 34, 34]
                };
                if line % 6 != 5 {
                    font.line(img, rng, x + 20 * s, ty, right, colour, 40);
                }
                ty += 19 * s;
                line += 1;
            }
        },
    );
    // Terminal with coloured text.
    let (tx, ty, tw, th) = (width * 9 / 20, height * 2 / 5, width / 2, height * 11 / 20);
    window(
        &mut img,
        &mut rng,
        &font,
        tx,
        ty,
        tw,
        th,
        [30, 30, 30],
        s,
        |img, rng, x, y, w, h| {
            let colours = [
                [78, 201, 90],
                [220, 220, 220],
                [220, 220, 220],
                [230, 80, 80],
                [90, 150, 250],
                [230, 200, 80],
            ];
            let mut ly = y + 6 * s;
            let mut i = 0;
            while ly + font.cell_h < y + h - 4 * s {
                let c = colours[(i * 7 + rng.below(3) as usize) % colours.len()];
                let words = 3 + rng.below(10);
                font.line(img, rng, x + 6 * s, ly, x + w - 6 * s, c, words);
                ly += 17 * s;
                i += 1;
            }
        },
    );
    // A dialog with two buttons.
    let (dx, dy, dw, dh) = (width * 3 / 10, height / 2, 420 * s, 160 * s);
    window(
        &mut img,
        &mut rng,
        &font,
        dx,
        dy,
        dw,
        dh,
        [246, 245, 244],
        s,
        |img, rng, x, y, w, h| {
            font.line(
                img,
                rng,
                x + 20 * s,
                y + 20 * s,
                x + w - 20 * s,
                [30, 30, 30],
                8,
            );
            font.line(
                img,
                rng,
                x + 20 * s,
                y + 42 * s,
                x + w - 20 * s,
                [30, 30, 30],
                5,
            );
            for (i, colour) in [[230, 230, 230], [53, 132, 228]].iter().enumerate() {
                let bx = x + w - (i as u32 + 1) * 110 * s;
                gradient(
                    img,
                    bx,
                    y + h - 44 * s,
                    96 * s,
                    30 * s,
                    *colour,
                    colour.map(|c| c.saturating_sub(20)),
                );
                font.line(
                    img,
                    rng,
                    bx + 16 * s,
                    y + h - 36 * s,
                    bx + 90 * s,
                    [20, 20, 20],
                    1,
                );
            }
        },
    );
    // Dock.
    let dock_y = height - 48 * s;
    rect(&mut img, width / 4, dock_y, width / 2, 48 * s, [60, 60, 64]);
    for i in 0..12 {
        let c = [
            rng.below(200) as u8 + 40,
            rng.below(200) as u8 + 40,
            rng.below(200) as u8 + 40,
        ];
        gradient(
            &mut img,
            width / 4 + 12 * s + i * 46 * s,
            dock_y + 6 * s,
            36 * s,
            36 * s,
            c,
            c.map(|v| v / 2),
        );
    }
    img
}

fn window(
    img: &mut RgbaImage,
    rng: &mut Rng,
    font: &Font,
    x: u32,
    y: u32,
    w: u32,
    h: u32,
    background: [u8; 3],
    s: u32,
    content: impl FnOnce(&mut RgbaImage, &mut Rng, u32, u32, u32, u32),
) {
    // Shadow, border, title bar with title and buttons, then the content area.
    rect(img, x + 4 * s, y + 4 * s, w, h, [40, 40, 40]);
    rect(img, x, y, w, h, [180, 180, 180]);
    gradient(
        img,
        x + 1,
        y + 1,
        w - 2,
        30 * s,
        [236, 236, 236],
        [214, 214, 214],
    );
    font.line(
        img,
        rng,
        x + w / 3,
        y + 9 * s,
        x + w * 2 / 3,
        [50, 50, 50],
        4,
    );
    for i in 0..3 {
        rect(
            img,
            x + w - (i + 1) * 26 * s,
            y + 8 * s,
            14 * s,
            14 * s,
            [[230, 90, 80], [120, 120, 120], [120, 120, 120]][i as usize],
        );
    }
    let (cx, cy, cw, ch) = (x + 1, y + 1 + 30 * s, w - 2, h - 2 - 30 * s);
    rect(img, cx, cy, cw, ch, background);
    content(img, rng, cx, cy, cw, ch);
}
