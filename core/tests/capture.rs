//! Screenshots end to end: fake monitors (one failing, mixed sizes and scales), masks burned in
//! each screen's own pixels, JPEG 4:4:4 and its size limit, and a real capture of an Xvfb
//! screen through `DisplaySource`, pixel for pixel.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use guichet_core::capture::annotate::{HIGHLIGHT_COLOUR, MASK_COLOUR};
use guichet_core::capture::{
    capture_monitors, encode, screenshot_attachments, Annotation, AnnotationKind, Capture,
    CaptureError, DisplaySource, EncodeOptions, Frame, GrabError, Monitor, PixelLayout, Rect,
    ScreenSource,
};
use guichet_core::report::AttachmentSource;
use guichet_test_support::desktop;
use image::{ImageFormat, Rgba, RgbaImage};

/// A picture where every pixel tells its coordinates, so any offset or stride error shows.
fn coordinates(width: u32, height: u32) -> RgbaImage {
    RgbaImage::from_fn(width, height, |x, y| {
        Rgba([x as u8, y as u8, ((x >> 8) | ((y >> 8) << 4)) as u8, 255])
    })
}

/// Large flat colour areas (JPEG-friendly), 64 px squares, a different palette per `seed`.
fn squares(width: u32, height: u32, seed: u8) -> RgbaImage {
    RgbaImage::from_fn(width, height, |x, y| {
        let k = (x / 64 + y / 64 * 3) as u8;
        Rgba([
            k.wrapping_mul(40).wrapping_add(seed),
            k.wrapping_mul(90),
            200u8.wrapping_sub(k.wrapping_mul(25)),
            255,
        ])
    })
}

/// Deterministic noise: the worst case for JPEG size.
fn noise(width: u32, height: u32) -> RgbaImage {
    let mut state = 0x1234_5678_9abc_def0u64;
    RgbaImage::from_fn(width, height, |_, _| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let [a, b, c, ..] = state.to_le_bytes();
        Rgba([a, b, c, 255])
    })
}

fn decode(bytes: &[u8]) -> RgbaImage {
    image::load_from_memory_with_format(bytes, ImageFormat::Jpeg)
        .expect("a valid JPEG")
        .to_rgba8()
}

/// The frame header of a JPEG: (marker, width, height, each component's sampling byte).
fn frame_header(jpeg: &[u8]) -> (u8, u16, u16, Vec<u8>) {
    assert_eq!(&jpeg[..2], &[0xFF, 0xD8], "SOI");
    let mut i = 2;
    while i + 4 <= jpeg.len() {
        assert_eq!(jpeg[i], 0xFF, "marker at {i}");
        let marker = jpeg[i + 1];
        let len = usize::from(u16::from_be_bytes([jpeg[i + 2], jpeg[i + 3]]));
        if (0xC0..=0xC2).contains(&marker) {
            let seg = &jpeg[i + 4..i + 2 + len];
            let height = u16::from_be_bytes([seg[1], seg[2]]);
            let width = u16::from_be_bytes([seg[3], seg[4]]);
            let sampling = (0..usize::from(seg[5]))
                .map(|c| seg[6 + c * 3 + 1])
                .collect();
            return (marker, width, height, sampling);
        }
        i += 2 + len;
    }
    panic!("no SOF marker");
}

fn max_channel_diff(a: &Rgba<u8>, b: &Rgba<u8>) -> u8 {
    (0..3).map(|c| a.0[c].abs_diff(b.0[c])).max().unwrap_or(0)
}

/// The mean absolute error over the RGB channels of two same-size images.
fn mean_error(a: &RgbaImage, b: &RgbaImage) -> f64 {
    assert_eq!(a.dimensions(), b.dimensions());
    let sum: u64 = a
        .pixels()
        .zip(b.pixels())
        .map(|(p, q)| {
            (0..3)
                .map(|c| u64::from(p.0[c].abs_diff(q.0[c])))
                .sum::<u64>()
        })
        .sum();
    sum as f64 / (u64::from(a.width()) * u64::from(a.height()) * 3) as f64
}

/// Every pixel of `rect` shrunk by `inset` (away from JPEG block edges) is the mask colour.
fn assert_masked(image: &RgbaImage, rect: Rect, inset: u32) {
    for y in rect.y + inset..rect.y + rect.h - inset {
        for x in rect.x + inset..rect.x + rect.w - inset {
            let p = image.get_pixel(x, y);
            assert!(
                max_channel_diff(p, &MASK_COLOUR) <= 2,
                "({x},{y}) = {p:?} in the mask"
            );
        }
    }
}

fn bytes_of(source: &AttachmentSource) -> (&str, &[u8]) {
    match source {
        AttachmentSource::Bytes { name, bytes } => (name, bytes),
        AttachmentSource::Path(p) => panic!("a screenshot never goes through a file: {p:?}"),
    }
}

// ---- Encoding ------------------------------------------------------------------------------

#[test]
fn screens_are_encoded_as_baseline_jpeg_444_close_to_the_original() {
    let original = squares(1000, 600, 7);
    let out = encode(&original, &EncodeOptions::default()).unwrap();
    assert_eq!((out.mime, out.extension), ("image/jpeg", "jpg"));
    assert_eq!((out.width, out.height, out.quality), (1000, 600, 85));
    let (marker, width, height, sampling) = frame_header(&out.bytes);
    assert_eq!(
        marker, 0xC0,
        "baseline (SOF0): every viewer and GLPI's preview read it"
    );
    assert_eq!((width, height), (1000, 600));
    assert_eq!(
        sampling,
        vec![0x11, 0x11, 0x11],
        "4:4:4: no chroma subsampling"
    );
    let decoded = decode(&out.bytes);
    assert!(
        mean_error(&decoded, &original) < 1.5,
        "{}",
        mean_error(&decoded, &original)
    );
    assert!(
        !format!("{out:?}").contains(", 255"),
        "Debug prints no bytes: {out:?}"
    );
}

#[test]
fn a_4k_screen_is_downscaled_to_1920_wide() {
    // Left half red, right half blue, as a 2× scaled desktop would show two windows.
    let original = RgbaImage::from_fn(3840, 2160, |x, _| {
        if x < 1920 {
            Rgba([220, 30, 30, 255])
        } else {
            Rgba([30, 30, 220, 255])
        }
    });
    let out = encode(&original, &EncodeOptions::default()).unwrap();
    assert_eq!((out.width, out.height), (1920, 1080));
    let (_, width, height, sampling) = frame_header(&out.bytes);
    assert_eq!((width, height), (1920, 1080));
    assert_eq!(sampling, vec![0x11; 3]);
    let decoded = decode(&out.bytes);
    assert_eq!(decoded.dimensions(), (1920, 1080));
    assert!(max_channel_diff(decoded.get_pixel(480, 540), &Rgba([220, 30, 30, 255])) <= 6);
    assert!(max_channel_diff(decoded.get_pixel(1440, 540), &Rgba([30, 30, 220, 255])) <= 6);
}

/// The same picture in X11's BGRX order, as the MIT-SHM capture hands it over.
fn bgrx_twin(image: &RgbaImage) -> Frame {
    let bytes = image
        .as_raw()
        .chunks_exact(4)
        .flat_map(|p| [p[2], p[1], p[0], 0])
        .collect();
    Frame::from_vec(image.width(), image.height(), PixelLayout::Bgrx, bytes).unwrap()
}

#[test]
fn a_bgrx_frame_encodes_to_the_very_bytes_of_its_rgba_twin() {
    // Full size, downscaled, and re-encoded under a size limit: libjpeg-turbo and the resizer
    // read BGRX as they read RGBX, so skipping the conversion changes no byte of the JPEG.
    let small = squares(1000, 600, 3);
    let large = noise(2400, 1350);
    for (image, max_bytes) in [(&small, u64::MAX), (&large, u64::MAX), (&large, 250_000)] {
        let opts = EncodeOptions {
            max_bytes,
            ..EncodeOptions::default()
        };
        let from_rgba = encode(image, &opts).unwrap();
        let from_bgrx = encode(&bgrx_twin(image), &opts).unwrap();
        assert_eq!(from_rgba, from_bgrx, "{from_rgba:?} / {from_bgrx:?}");
    }
}

#[test]
fn masks_burned_into_a_bgrx_frame_show_their_colours() {
    let original = squares(640, 480, 5);
    let mut frame = bgrx_twin(&original);
    let mask = Rect {
        x: 40,
        y: 30,
        w: 200,
        h: 100,
    };
    let highlight = Rect {
        x: 400,
        y: 300,
        w: 100,
        h: 50,
    };
    let annotations = [
        Annotation {
            screen: 0,
            kind: AnnotationKind::MaskSolid,
            rect: mask,
        },
        Annotation {
            screen: 0,
            kind: AnnotationKind::Highlight,
            rect: highlight,
        },
    ];
    guichet_core::capture::apply(&mut frame, &annotations).unwrap();
    assert_eq!(frame.pixel(41, 31), Some(MASK_COLOUR));
    assert_eq!(frame.pixel(398, 320), Some(HIGHLIGHT_COLOUR));
    assert_eq!(frame.pixel(0, 0), Some(*original.get_pixel(0, 0)));
    let decoded = decode(&encode(&frame, &EncodeOptions::default()).unwrap().bytes);
    assert_masked(&decoded, mask, 8);
}

#[test]
fn narrow_screens_keep_their_size() {
    let out = encode(&squares(800, 600, 1), &EncodeOptions::default()).unwrap();
    assert_eq!((out.width, out.height), (800, 600));
}

#[test]
fn a_result_over_the_size_limit_is_re_encoded_smaller() {
    let original = noise(1920, 1080);
    let full = encode(&original, &EncodeOptions::default()).unwrap();
    let full_size = full.bytes.len() as u64;

    // A little over: a lower quality is enough, at full width.
    let max_bytes = full_size * 7 / 10;
    let out = encode(
        &original,
        &EncodeOptions {
            max_bytes,
            ..Default::default()
        },
    )
    .unwrap();
    assert!(out.bytes.len() as u64 <= max_bytes);
    assert!(out.quality < 85, "{out:?}");
    assert_eq!(out.width, 1920);
    assert_eq!(decode(&out.bytes).dimensions(), (1920, 1080));

    // Far over: narrower too.
    let max_bytes = full_size / 8;
    let out = encode(
        &original,
        &EncodeOptions {
            max_bytes,
            ..Default::default()
        },
    )
    .unwrap();
    assert!(out.bytes.len() as u64 <= max_bytes, "{out:?} > {max_bytes}");
    assert!(out.width < 1920, "{out:?}");
    assert_eq!(frame_header(&out.bytes).3, vec![0x11; 3]);

    // Impossible: a clear error, after a bounded number of tries.
    let err = encode(
        &original,
        &EncodeOptions {
            max_bytes: 2_000,
            ..Default::default()
        },
    )
    .unwrap_err();
    assert!(
        matches!(
            err,
            CaptureError::TooLarge {
                max_bytes: 2_000,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("attachment size limit"), "{err}");
}

// ---- Capturing from (fake) monitors ---------------------------------------------------------

#[derive(Debug)]
struct FakeMonitor {
    name: &'static str,
    origin: (i32, i32),
    scale: f32,
    picture: Option<RgbaImage>,
}

impl Monitor for FakeMonitor {
    fn name(&self) -> String {
        self.name.into()
    }
    fn grab(&self) -> Result<RgbaImage, GrabError> {
        self.picture
            .clone()
            .ok_or_else(|| GrabError("the monitor went to sleep".to_owned()))
    }
    fn origin(&self) -> (i32, i32) {
        self.origin
    }
    fn scale(&self) -> f32 {
        self.scale
    }
}

/// A 1920×1080 monitor at 1×, a failing one, and a 3840×2160 monitor at 2× to its right.
fn mixed_monitors() -> Vec<FakeMonitor> {
    vec![
        FakeMonitor {
            name: "HDMI-1",
            origin: (0, 0),
            scale: 1.0,
            picture: Some(squares(1920, 1080, 0)),
        },
        FakeMonitor {
            name: "DP-2",
            origin: (5760, 0),
            scale: 1.0,
            picture: None,
        },
        FakeMonitor {
            name: "eDP-1",
            origin: (1920, 0),
            scale: 2.0,
            picture: Some(squares(3840, 2160, 100)),
        },
    ]
}

#[test]
fn one_failing_monitor_does_not_stop_the_others() {
    let capture = capture_monitors(&mixed_monitors());
    assert_eq!(capture.screens.len(), 2);
    assert_eq!(capture.failures.len(), 1);
    assert_eq!(capture.failures[0].name, "DP-2");
    assert_eq!(
        capture.failures[0].to_string(),
        "DP-2: the monitor went to sleep"
    );
    let infos = capture.screen_infos();
    assert_eq!(
        infos
            .iter()
            .map(|s| (s.name.as_str(), s.width, s.height, s.scale))
            .collect::<Vec<_>>(),
        vec![("HDMI-1", 1920, 1080, 1.0), ("eDP-1", 3840, 2160, 2.0)],
        "physical pixels, each monitor its own size"
    );
    assert_eq!((capture.screens[1].x, capture.screens[1].y), (1920, 0));

    let attachments =
        screenshot_attachments(capture, &[0, 1], &[], &EncodeOptions::default()).unwrap();
    let names: Vec<&str> = attachments.iter().map(|a| bytes_of(a).0).collect();
    assert_eq!(names, ["ecran-1.jpg", "ecran-2.jpg"]);
}

#[test]
fn screenshot_files_are_numbered_as_the_screens_are_named_not_in_capture_order() {
    // The display system lists the right-hand monitor first.
    let [left, mut right] = [0, 1].map(|_| mixed_monitors().remove(0));
    (right.name, right.origin) = ("DP-1", (1920, 0));
    let capture = capture_monitors(&[right, left]);
    let label = |i: usize| capture.labels(guichet_core::i18n::Lang::Fr)[i].clone();
    assert!(label(0).starts_with("Écran 2 (droite)") && label(1).starts_with("Écran 1 (gauche)"));
    let shots = screenshot_attachments(capture, &[0, 1], &[], &EncodeOptions::default()).unwrap();
    let names: Vec<&str> = shots.iter().map(|a| bytes_of(a).0).collect();
    assert_eq!(names, ["ecran-2.jpg", "ecran-1.jpg"], "as named");
}

#[test]
fn masks_are_burned_into_each_screen_in_its_own_pixels() {
    let capture = capture_monitors(&mixed_monitors());
    let first_mask = Rect {
        x: 96,
        y: 128,
        w: 320,
        h: 192,
    };
    // On the 2× screen, in its physical pixels; it lands at half those after the downscale.
    let second_mask = Rect {
        x: 2560,
        y: 1280,
        w: 640,
        h: 384,
    };
    let annotations = [
        Annotation {
            screen: 0,
            kind: AnnotationKind::MaskSolid,
            rect: first_mask,
        },
        Annotation {
            screen: 1,
            kind: AnnotationKind::MaskSolid,
            rect: second_mask,
        },
    ];
    let attachments =
        screenshot_attachments(capture, &[0, 1], &annotations, &EncodeOptions::default()).unwrap();
    let first = decode(bytes_of(&attachments[0]).1);
    assert_eq!(first.dimensions(), (1920, 1080));
    assert_masked(&first, first_mask, 0);
    let reference = squares(1920, 1080, 0);
    // JPEG quantises flat saturated colours by a few levels; a neighbouring square differs by 25+.
    assert!(max_channel_diff(first.get_pixel(1000, 600), reference.get_pixel(1000, 600)) <= 6);

    let second = decode(bytes_of(&attachments[1]).1);
    assert_eq!(
        second.dimensions(),
        (1920, 1080),
        "downscaled from 3840×2160"
    );
    // The downscale blends the edge pixels and JPEG rings in the blocks that straddle the edge.
    assert_masked(
        &second,
        Rect {
            x: 1280,
            y: 640,
            w: 320,
            h: 192,
        },
        8,
    );
    let reference = squares(3840, 2160, 100);
    assert!(
        max_channel_diff(second.get_pixel(200, 100), reference.get_pixel(400, 200)) <= 6,
        "{:?} {:?}",
        second.get_pixel(200, 100),
        reference.get_pixel(400, 200)
    );
}

#[test]
fn only_selected_screens_are_attached_under_their_own_number() {
    let capture = capture_monitors(&mixed_monitors());
    // An annotation on an unselected screen is ignored.
    let annotations = [Annotation {
        screen: 0,
        kind: AnnotationKind::MaskPixelate,
        rect: Rect {
            x: 0,
            y: 0,
            w: 10,
            h: 10,
        },
    }];
    let attachments =
        screenshot_attachments(capture, &[1], &annotations, &EncodeOptions::default()).unwrap();
    assert_eq!(attachments.len(), 1);
    assert_eq!(bytes_of(&attachments[0]).0, "ecran-2.jpg");
}

#[test]
fn bad_selections_and_rectangles_are_refused_clearly() {
    let opts = EncodeOptions::default();
    let err =
        screenshot_attachments(capture_monitors(&mixed_monitors()), &[2], &[], &opts).unwrap_err();
    assert_eq!(err.to_string(), "there is no screen 3: the capture holds 2");

    let on_missing = Annotation {
        screen: 4,
        kind: AnnotationKind::MaskSolid,
        rect: Rect {
            x: 0,
            y: 0,
            w: 10,
            h: 10,
        },
    };
    let err = screenshot_attachments(
        capture_monitors(&mixed_monitors()),
        &[0],
        &[on_missing],
        &opts,
    )
    .unwrap_err();
    assert!(
        matches!(
            err,
            CaptureError::NoSuchScreen {
                number: 5,
                count: 2
            }
        ),
        "{err:?}"
    );

    let outside = Annotation {
        screen: 0,
        kind: AnnotationKind::Highlight,
        rect: Rect {
            x: 1920,
            y: 0,
            w: 10,
            h: 10,
        },
    };
    let err = screenshot_attachments(capture_monitors(&mixed_monitors()), &[0], &[outside], &opts)
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "the rectangle 1920,0,10×10 lies entirely outside the 1920×1080 screen"
    );
}

#[test]
fn debug_output_never_carries_pixels() {
    let capture = capture_monitors(&mixed_monitors());
    let text = format!("{capture:?}");
    assert!(text.contains("3840×2160 pixels"), "{text}");
    assert!(text.len() < 1_000, "{} characters: {text}", text.len());
}

// ---- The real display, under Xvfb -----------------------------------------------------------

/// The only test that touches the environment (DISPLAY): xcap reads the display from there.
#[test]
fn the_display_is_captured_exactly_through_mit_shm_and_through_xcap() {
    // An odd size catches stride and row-order mistakes.
    let (width, height) = (1366, 768);
    let Some(server) = desktop::Xvfb::start_or_skip(width, height) else {
        return;
    };
    let picture = coordinates(width, height);
    desktop::paint_root(&server.display, &picture);
    std::env::remove_var("WAYLAND_DISPLAY");
    std::env::remove_var("XDG_SESSION_TYPE");
    std::env::set_var("DISPLAY", &server.display);

    let capture: Capture = DisplaySource.capture_all().expect("capture");
    assert!(capture.failures.is_empty(), "{:?}", capture.failures);
    assert_eq!(capture.screens.len(), 1, "{capture:?}");
    let shot = &capture.screens[0];
    assert_eq!((shot.x, shot.y), (0, 0));
    assert_eq!((shot.info.width, shot.info.height), (width, height));
    assert_eq!(shot.info.scale, 1.0);
    assert!(!shot.info.name.is_empty());
    assert_eq!(shot.image.dimensions(), (width, height));
    let seen = shot.image.to_rgba();
    let wrong = seen
        .enumerate_pixels()
        .find(|(x, y, p)| *p != picture.get_pixel(*x, *y));
    assert!(wrong.is_none(), "first differing pixel: {wrong:?}");
    // That was the MIT-SHM path (Xvfb has it); xcap, the fallback, sees the same pixels.
    let shm = guichet_core::platform::linux::shm_capture::capture_shm().expect("MIT-SHM on Xvfb");
    let reference = guichet_core::capture::capture_xcap().expect("xcap");
    assert_eq!(shm.screens.len(), 1);
    assert_eq!(reference.screens.len(), 1);
    assert_eq!(shm.screens[0].info.name, reference.screens[0].info.name);
    assert!(
        shm.screens[0].image == reference.screens[0].image,
        "MIT-SHM and xcap differ"
    );

    // The whole path: mask, encode, attach.
    let mask = Rect {
        x: 200,
        y: 104,
        w: 400,
        h: 200,
    };
    let attachments = screenshot_attachments(
        capture,
        &[0],
        &[Annotation {
            screen: 0,
            kind: AnnotationKind::MaskSolid,
            rect: mask,
        }],
        &EncodeOptions::default(),
    )
    .unwrap();
    let jpeg = decode(bytes_of(&attachments[0]).1);
    assert_eq!(jpeg.dimensions(), (width, height));
    assert_masked(&jpeg, mask, 0);

    // A display that is named but not there, then no display at all: clear errors.
    std::env::set_var("DISPLAY", ":4242");
    let err = DisplaySource.capture_all().unwrap_err();
    assert!(matches!(err, CaptureError::Monitors(_)), "{err:?}");
    std::env::remove_var("DISPLAY");
    let err = DisplaySource.capture_all().unwrap_err();
    assert!(matches!(err, CaptureError::NoDisplay), "{err:?}");
    assert!(err.to_string().contains("DISPLAY"), "{err}");
}
