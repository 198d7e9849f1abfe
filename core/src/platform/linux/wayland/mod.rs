//! The Wayland display back end's capture: one picture of the whole desktop through the
//! Screenshot portal ([`portal`]), cut into one screen per output ([`split`]) along the places
//! the compositor gives its outputs ([`outputs`]). X11 is never tried here, even when XWayland
//! runs: its root window shows only X11 windows, and `GetImage` on it fails.
//!
//! Why one portal request rather than one per output: a request is 20–300 ms and flashes the
//! screen on GNOME, and the portal has no way to name an output; `xcap`'s Wayland path asks once
//! per monitor and crops with XWayland's coordinates, wrong under fractional scaling.

pub mod outputs;
pub mod portal;
pub mod split;

use crate::capture::{Capture, CaptureError, Frame, ScreenShot, ScreenSource};
use crate::facts::ScreenInfo;
use image::RgbaImage;

/// Every output of the Wayland session, through the Screenshot portal.
#[derive(Debug, Clone, Copy, Default)]
pub struct WaylandScreens;

impl ScreenSource for WaylandScreens {
    fn capture_all(&self) -> Result<Capture, CaptureError> {
        // The picture first: it is the moment the user asked.
        let picture = portal::whole_desktop()?;
        let outputs = outputs::list().unwrap_or_else(|e| {
            tracing::warn!("cannot list the Wayland outputs ({e}); the desktop stays one screen");
            Vec::new()
        });
        Ok(cut(picture, &outputs))
    }
}

/// The screens of `picture`: one per output when [`split::split`] finds a reliable cut, else the
/// whole desktop as one screen.
pub fn cut(picture: RgbaImage, outputs: &[outputs::Output]) -> Capture {
    let (width, height) = picture.dimensions();
    let screens = match split::split(width, height, outputs) {
        // One output covering the whole picture (the usual single screen): no copy.
        Ok(mut pieces)
            if pieces.len() == 1 && (pieces[0].width, pieces[0].height) == (width, height) =>
        {
            let piece = pieces.remove(0);
            vec![screen(
                piece.name,
                picture,
                (piece.desktop_x, piece.desktop_y),
                piece.scale,
            )]
        }
        Ok(pieces) => pieces
            .into_iter()
            .map(|piece| {
                let image = image::imageops::crop_imm(
                    &picture,
                    piece.left,
                    piece.top,
                    piece.width,
                    piece.height,
                )
                .to_image();
                screen(
                    piece.name,
                    image,
                    (piece.desktop_x, piece.desktop_y),
                    piece.scale,
                )
            })
            .collect(),
        Err(why) => {
            tracing::info!("the desktop's picture stays one screen: {why}");
            vec![screen(String::new(), picture, (0, 0), 1.0)]
        }
    };
    Capture {
        screens,
        failures: Vec::new(),
    }
}

fn screen(name: String, image: RgbaImage, (x, y): (i32, i32), scale: f32) -> ScreenShot {
    ScreenShot {
        info: ScreenInfo {
            name,
            width: image.width(),
            height: image.height(),
            scale,
            x,
            y,
        },
        x,
        y,
        image: Frame::from(image),
    }
}

#[cfg(test)]
mod tests {
    use super::outputs::Output;
    use super::*;
    use image::Rgba;

    fn two_colours() -> RgbaImage {
        RgbaImage::from_fn(960, 480, |x, y| match (x, y) {
            (0..640, _) => Rgba([255, 0, 0, 255]),
            (_, 0..240) => Rgba([0, 0, 255, 255]),
            _ => Rgba([0, 0, 0, 0]),
        })
    }

    fn output(name: &str, x: i32, width: i32, height: i32) -> Output {
        Output {
            name: name.into(),
            x,
            width,
            height,
            mode_width: width,
            scale: 1,
            ..Output::default()
        }
    }

    #[test]
    fn each_output_becomes_a_screen_of_its_own_pixels() {
        let outputs = [
            output("HEADLESS-1", 0, 640, 480),
            output("HEADLESS-2", 640, 320, 240),
        ];
        let capture = cut(two_colours(), &outputs);
        assert_eq!(capture.screens.len(), 2);
        let red = &capture.screens[0];
        let blue = &capture.screens[1];
        assert_eq!((red.info.width, red.info.height, red.x), (640, 480, 0));
        assert_eq!((blue.info.width, blue.info.height, blue.x), (320, 240, 640));
        assert_eq!(blue.info.name, "HEADLESS-2");
        let rgba = |s: &ScreenShot, x, y| s.image.to_rgba().get_pixel(x, y).0;
        assert_eq!(rgba(red, 639, 479), [255, 0, 0, 255]);
        assert_eq!(rgba(blue, 0, 0), [0, 0, 255, 255]);
        assert_eq!(rgba(blue, 319, 239), [0, 0, 255, 255]);
    }

    #[test]
    fn one_output_is_the_whole_picture() {
        let capture = cut(two_colours(), &[output("HDMI-A-1", 0, 960, 480)]);
        assert_eq!(capture.screens.len(), 1);
        assert_eq!(capture.screens[0].info.name, "HDMI-A-1");
        assert_eq!(capture.screens[0].image.dimensions(), (960, 480));
    }

    #[test]
    fn without_a_reliable_cut_the_desktop_is_one_screen() {
        let capture = cut(two_colours(), &[]);
        assert_eq!(capture.screens.len(), 1);
        assert_eq!(
            (
                capture.screens[0].info.width,
                capture.screens[0].info.height
            ),
            (960, 480)
        );
    }
}
