//! A real multi-monitor desk: Xorg with the dummy driver, a 1080p monitor and a 4K one beside it,
//! lower down (the desktop has a dead area no monitor shows). Each monitor must come out in its
//! own physical pixels, at its own offset, identical through MIT-SHM and through xcap; a mask
//! drawn on the 4K screen lands where it was drawn, after the downscale to 1920 wide.
//!
//! Its own test binary: it sets `DISPLAY`, which xcap reads from the environment.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use guichet_core::capture::annotate::MASK_COLOUR;
use guichet_core::capture::{
    screenshot_attachments, Annotation, AnnotationKind, Capture, DisplaySource, EncodeOptions,
    Rect, ScreenShot, ScreenSource,
};
use guichet_core::report::AttachmentSource;
use guichet_test_support::desktop::{self, Head, XorgDummy};
use image::{ImageFormat, Rgba, RgbaImage};

/// Every pixel tells its desktop coordinates (12 bits each), so a monitor read at the wrong
/// offset, or a row read with the wrong stride, cannot match.
fn desktop_picture(width: u32, height: u32) -> RgbaImage {
    RgbaImage::from_fn(width, height, |x, y| {
        Rgba([
            x as u8,
            y as u8,
            (((x >> 8) & 0xf) | ((y >> 8) << 4)) as u8,
            255,
        ])
    })
}

fn screen<'a>(capture: &'a Capture, name: &str) -> &'a ScreenShot {
    capture
        .screens
        .iter()
        .find(|s| s.info.name == name)
        .unwrap_or_else(|| panic!("no screen {name} in {capture:?}"))
}

/// `shot` is exactly the part of `desktop` under `head`.
fn assert_shows(shot: &ScreenShot, head: Head, desktop: &RgbaImage) {
    assert_eq!((shot.x, shot.y), (head.x, head.y), "{shot:?}");
    assert_eq!(
        (shot.info.width, shot.info.height),
        (head.width, head.height)
    );
    assert_eq!(shot.image.dimensions(), (head.width, head.height));
    assert_eq!(shot.info.scale, 1.0, "X11 pixels are physical");
    let seen = shot.image.to_rgba();
    let wrong = seen
        .enumerate_pixels()
        .find(|(x, y, p)| **p != *desktop.get_pixel(x + head.x as u32, y + head.y as u32));
    assert!(
        wrong.is_none(),
        "{}: first differing pixel {wrong:?}",
        shot.info.name
    );
}

#[test]
fn two_monitors_of_different_sizes_each_come_out_in_their_own_pixels() {
    let Some(server) = XorgDummy::start() else {
        return;
    };
    let office = Head {
        width: 1920,
        height: 1080,
        x: 0,
        y: 0,
    };
    let big = Head {
        width: 3840,
        height: 2160,
        x: 1920,
        y: 200,
    };
    server.layout(&[office, big]);
    let desktop = desktop_picture(1920 + 3840, 200 + 2160);
    desktop::paint_root(&server.display, &desktop);
    std::env::remove_var("WAYLAND_DISPLAY");
    std::env::remove_var("XDG_SESSION_TYPE");
    std::env::set_var("DISPLAY", &server.display);

    // What the agent uses: the MIT-SHM path on a local server.
    let capture = DisplaySource.capture_all().expect("capture");
    assert!(capture.failures.is_empty(), "{:?}", capture.failures);
    assert_eq!(capture.screens.len(), 2, "{capture:?}");
    assert_shows(screen(&capture, "DUMMY0"), office, &desktop);
    assert_shows(screen(&capture, "DUMMY1"), big, &desktop);

    // That was the MIT-SHM path: asked for directly, it gives the same two screens.
    let shm = guichet_core::platform::linux::shm_capture::capture_shm().expect("MIT-SHM on Xorg");
    assert_eq!(shm.screens.len(), 2, "{shm:?}");
    for name in ["DUMMY0", "DUMMY1"] {
        assert!(
            screen(&shm, name).image == screen(&capture, name).image,
            "{name}"
        );
    }

    // The fallback reads the same monitors, at the same places, with the same pixels.
    let reference = guichet_core::capture::capture_xcap().expect("xcap");
    assert!(reference.failures.is_empty(), "{:?}", reference.failures);
    assert_eq!(reference.screens.len(), 2, "{reference:?}");
    for name in ["DUMMY0", "DUMMY1"] {
        let (a, b) = (screen(&capture, name), screen(&reference, name));
        assert_eq!((a.x, a.y), (b.x, b.y), "{name}");
        assert!(a.image == b.image, "{name}: MIT-SHM and xcap differ");
    }

    // A mask on the 4K screen, in its own pixels; both screens attached, numbered in capture
    // order; the 4K one downscaled by exactly 2.
    let big_index = capture
        .screens
        .iter()
        .position(|s| s.info.name == "DUMMY1")
        .unwrap();
    let mask = Rect {
        x: 1000,
        y: 600,
        w: 800,
        h: 400,
    };
    let attachments = screenshot_attachments(
        capture,
        &[0, 1],
        &[Annotation {
            screen: big_index,
            kind: AnnotationKind::MaskSolid,
            rect: mask,
        }],
        &EncodeOptions::default(),
    )
    .unwrap();
    assert_eq!(attachments.len(), 2);
    let decoded: Vec<RgbaImage> = attachments
        .iter()
        .map(|a| match a {
            AttachmentSource::Bytes { bytes, .. } => {
                image::load_from_memory_with_format(bytes, ImageFormat::Jpeg)
                    .unwrap()
                    .to_rgba8()
            }
            AttachmentSource::Path(p) => panic!("a screenshot never goes through a file: {p:?}"),
        })
        .collect();
    let small = &decoded[big_index];
    assert_eq!(small.dimensions(), (1920, 1080));
    // Inside the halved rectangle (away from the JPEG block and resampling edges): the mask.
    for y in mask.y / 2 + 4..(mask.y + mask.h) / 2 - 4 {
        for x in mask.x / 2 + 4..(mask.x + mask.w) / 2 - 4 {
            let p = small.get_pixel(x, y);
            let diff = (0..3)
                .map(|c| p.0[c].abs_diff(MASK_COLOUR.0[c]))
                .max()
                .unwrap();
            assert!(diff <= 2, "({x},{y}) = {p:?} inside the mask");
        }
    }
    // The other screen kept its full size and was not masked anywhere near there.
    let office_jpeg = &decoded[1 - big_index];
    assert_eq!(office_jpeg.dimensions(), (1920, 1080));
    let masked = office_jpeg
        .pixels()
        .filter(|p| (0..3).all(|c| p.0[c].abs_diff(MASK_COLOUR.0[c]) <= 2))
        .count();
    assert!(
        masked < 1000,
        "{masked} mask-coloured pixels on the unmasked screen"
    );
}
