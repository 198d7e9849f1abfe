//! Screenshot capture and encoding: capture time under Xvfb at 1080p and 4K, then each candidate
//! encoder on a realistic synthetic desktop (window chrome, lots of small anti-aliased glyphs,
//! flat areas, a photo-like area; deterministic). Prints a table; docs/PERFORMANCE.md records it.
//!
//! Run: `nice -n 19 cargo bench -p guichet-core --bench capture`
//! (`GUICHET_BENCH_RUNS=N` sets the runs per measurement, default 15; `GUICHET_BENCH_SAVE=DIR`
//! writes the synthetic desktops and the chosen encoder's JPEGs there to look at.)

#![allow(clippy::unwrap_used, clippy::expect_used)]

use fast_image_resize::FilterType;
use guichet_core::capture::{
    apply, encode, Annotation, AnnotationKind, DisplaySource, EncodeOptions, Frame, Rect,
    ScreenSource,
};
use guichet_test_support::desktop;
use image::{ImageFormat, RgbaImage};
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
        let desktop = desktop::synthetic_desktop(width, height, scale);
        if let Some(dir) = &save {
            std::fs::create_dir_all(dir).unwrap();
            desktop
                .save(dir.join(format!("desktop-{width}x{height}.png")))
                .unwrap();
        }
        let (capture_ms, xcap_ms, frame) = match measure_capture(&desktop, runs) {
            Some(measured) => measured,
            None => {
                println!("(no Xvfb: capture not measured, encoding the synthetic desktop)");
                (0.0, 0.0, Frame::from(desktop.clone()))
            }
        };
        // The candidates below take RGBA; `guichet encode()` is timed on the frame as captured.
        let image = frame.to_rgba();
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
        breakdown(&frame, &image, runs);
        preview_weight(&frame, runs);
        if let Some(dir) = &save {
            let jpeg = encode(&frame, &EncodeOptions::default()).unwrap();
            std::fs::write(
                dir.join(format!("guichet-{width}x{height}.jpg")),
                &jpeg.bytes,
            )
            .unwrap();
        }
    }
}

/// Where the milliseconds of one screenshot go after the grab: masks burned into the frame as
/// captured, its encoding, and (for comparison) the BGRX → RGBA pass the pipeline no longer makes
/// and an encoding of the RGBA copy.
fn breakdown(frame: &Frame, rgba: &RgbaImage, runs: usize) {
    let (w, h) = frame.dimensions();
    let masks = [
        (AnnotationKind::MaskSolid, w / 4, h / 4, w / 5, h / 10),
        (AnnotationKind::MaskPixelate, w / 2, h / 2, w / 6, h / 8),
        (AnnotationKind::Highlight, w / 8, h * 3 / 4, w / 4, h / 12),
    ]
    .map(|(kind, x, y, w, h)| Annotation {
        screen: 0,
        kind,
        rect: Rect { x, y, w, h },
    });
    let mut masked = frame.duplicate();
    let time = |f: &mut dyn FnMut()| {
        f();
        p50_ms(
            (0..runs)
                .map(|_| {
                    let start = Instant::now();
                    f();
                    start.elapsed()
                })
                .collect(),
        )
    };
    let masks_ms = time(&mut || apply(&mut masked, &masks).unwrap());
    let encode_ms = time(&mut || drop(encode(&masked, &EncodeOptions::default()).unwrap()));
    let convert_ms = time(&mut || drop(frame.to_rgba()));
    let rgba_ms = time(&mut || drop(encode(rgba, &EncodeOptions::default()).unwrap()));
    println!(
        "\nAfter the grab ({:?} frame): masks (solid, pixelated, highlight) {masks_ms:.1} ms, \
         encode() {encode_ms:.1} ms; for comparison: a BGRX→RGBA pass on one thread \
         {convert_ms:.1} ms, encode() of the RGBA copy {rgba_ms:.1} ms",
        frame.layout()
    );
}

/// Starts Xvfb at the desktop's size, paints it, and times `DisplaySource::capture_all` (the
/// MIT-SHM path) and `capture_xcap` (the fallback).
fn measure_capture(desktop: &RgbaImage, runs: usize) -> Option<(f64, f64, Frame)> {
    let server = desktop::Xvfb::start_or_skip(desktop.width(), desktop.height())?;
    desktop::paint_root(&server.display, desktop);
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
            Box::new(|i: &RgbaImage| resize_with(i, FilterType::Bilinear).into_raw()[..0].to_vec()),
        ));
        for filter in [FilterType::Hamming, FilterType::Lanczos3] {
            list.push((
                format!("resize→1920 ({filter:?}) alone"),
                Box::new(move |i: &RgbaImage| resize_with(i, filter).into_raw()[..0].to_vec()),
            ));
        }
        list.push((
            "resize→1920 (Bilinear) + jpeg-encoder q85 4:4:4".into(),
            Box::new(|i: &RgbaImage| jpeg_encoder(&resize_with(i, FilterType::Bilinear), false)),
        ));
        list.push((
            "resize→1920 (Bilinear) + turbojpeg q85 4:4:4".into(),
            Box::new(|i: &RgbaImage| turbo(&resize_with(i, FilterType::Bilinear), false, false)),
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

/// The wizard's preview of this screen (`EncodeOptions::PREVIEW`), as the agent sends it in the
/// wizard's context: its encoding time, and its size as a JPEG and in base64.
fn preview_weight(frame: &Frame, runs: usize) {
    use base64::Engine;
    let mut times = Vec::new();
    let mut bytes = Vec::new();
    for _ in 0..runs {
        let t = Instant::now();
        bytes = encode(frame, &EncodeOptions::PREVIEW).unwrap().bytes;
        times.push(t.elapsed());
    }
    let text = base64::engine::general_purpose::STANDARD.encode(&bytes);
    println!(
        "wizard preview (1280 px wide at most, q80): encode p50 {:.1} ms, {} B of JPEG, {} B in \
         the wizard's context (base64)",
        p50_ms(times),
        bytes.len(),
        text.len()
    );
}
