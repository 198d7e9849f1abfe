//! Cutting the portal's one picture of the desktop into one screen per output.
//!
//! The portal pictures the desktop's logical layout at one pixel density: wlroots (`grim`) at
//! the largest output scale, GNOME and KDE likewise for their whole stage. So the picture is the
//! outputs' bounding box, in logical pixels, times one factor. When the picture's width and
//! height give that same factor (within a pixel of rounding), each output is its logical
//! rectangle times the factor. When they do not (an unknown layout, a compositor that pictures
//! something else, outputs that moved between the two calls), no guess is made: the picture
//! stays whole, one screen covering the desktop, and the user sees it as such.

use super::outputs::Output;

/// Where one output lies in the picture, in the picture's pixels.
#[derive(Debug, Clone, PartialEq)]
pub struct Piece {
    /// The output's name (`HDMI-A-1`).
    pub name: String,
    /// Left edge in the picture.
    pub left: u32,
    /// Top edge in the picture.
    pub top: u32,
    /// Width in the picture.
    pub width: u32,
    /// Height in the picture.
    pub height: u32,
    /// The output's place on the desktop in the picture's density (for naming screens left and
    /// right, and placing masks given in desktop coordinates).
    pub desktop_x: i32,
    /// Its top edge, likewise.
    pub desktop_y: i32,
    /// The output's own physical pixels per logical pixel.
    pub scale: f32,
}

/// Why the picture is kept whole.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Unsplittable {
    /// The compositor listed no output with a size.
    #[error("the compositor listed no output with a size")]
    NoOutputs,
    /// The picture's shape is not the outputs' layout at one density.
    #[error("the {width}×{height} picture is not the outputs' {layout_w}×{layout_h} layout at one density")]
    Shape {
        /// The picture's width.
        width: u32,
        /// The picture's height.
        height: u32,
        /// The layout's width, logical.
        layout_w: i64,
        /// The layout's height, logical.
        layout_h: i64,
    },
}

/// The outputs' places in a `width` × `height` picture of the desktop, or why there is no
/// reliable cut.
pub fn split(width: u32, height: u32, outputs: &[Output]) -> Result<Vec<Piece>, Unsplittable> {
    let sized: Vec<&Output> = outputs
        .iter()
        .filter(|o| o.width > 0 && o.height > 0)
        .collect();
    let (Some(min_x), Some(min_y), Some(max_x), Some(max_y)) = (
        sized.iter().map(|o| i64::from(o.x)).min(),
        sized.iter().map(|o| i64::from(o.y)).min(),
        sized
            .iter()
            .map(|o| i64::from(o.x) + i64::from(o.width))
            .max(),
        sized
            .iter()
            .map(|o| i64::from(o.y) + i64::from(o.height))
            .max(),
    ) else {
        return Err(Unsplittable::NoOutputs);
    };
    let (layout_w, layout_h) = (max_x - min_x, max_y - min_y);
    let factor = f64::from(width) / layout_w as f64;
    let shape = Unsplittable::Shape {
        width,
        height,
        layout_w,
        layout_h,
    };
    if width == 0 || height == 0 || (layout_h as f64 * factor - f64::from(height)).abs() > 1.0 {
        return Err(shape);
    }
    let at = |logical: i64| (logical as f64 * factor).round() as i64;
    sized
        .iter()
        .map(|o| {
            let (x, y) = (i64::from(o.x), i64::from(o.y));
            let left = at(x - min_x).clamp(0, i64::from(width));
            let top = at(y - min_y).clamp(0, i64::from(height));
            let right = at(x - min_x + i64::from(o.width)).clamp(left, i64::from(width));
            let bottom = at(y - min_y + i64::from(o.height)).clamp(top, i64::from(height));
            let (w, h) = (right - left, bottom - top);
            if w == 0 || h == 0 {
                return Err(shape.clone());
            }
            Ok(Piece {
                name: o.name.clone(),
                left: left as u32,
                top: top as u32,
                width: w as u32,
                height: h as u32,
                desktop_x: at(x) as i32,
                desktop_y: at(y) as i32,
                scale: own_scale(o),
            })
        })
        .collect()
}

/// The output's physical pixels per logical pixel: its mode over its logical width (fractional
/// scales included), else its integer scale.
fn own_scale(output: &Output) -> f32 {
    if output.mode_width > 0 && output.width > 0 {
        let scale = output.mode_width as f32 / output.width as f32;
        (scale * 100.0).round() / 100.0
    } else {
        output.scale.max(1) as f32
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn output(
        name: &str,
        (x, y): (i32, i32),
        (width, height): (i32, i32),
        mode_width: i32,
    ) -> Output {
        Output {
            name: name.into(),
            x,
            y,
            width,
            height,
            mode_width,
            scale: 1,
        }
    }

    #[test]
    fn two_outputs_side_by_side_at_one_density_are_cut_along_their_edges() {
        // The measured sway layout: 640×480 at 0,0 and 320×240 at 640,0 → a 960×480 picture.
        let outputs = [
            output("HEADLESS-1", (0, 0), (640, 480), 640),
            output("HEADLESS-2", (640, 0), (320, 240), 320),
        ];
        let pieces = split(960, 480, &outputs).unwrap();
        assert_eq!(pieces.len(), 2);
        assert_eq!(
            (
                pieces[0].left,
                pieces[0].top,
                pieces[0].width,
                pieces[0].height
            ),
            (0, 0, 640, 480)
        );
        assert_eq!(
            (
                pieces[1].left,
                pieces[1].top,
                pieces[1].width,
                pieces[1].height
            ),
            (640, 0, 320, 240)
        );
        assert_eq!((pieces[1].desktop_x, pieces[1].desktop_y), (640, 0));
        assert_eq!(pieces[1].name, "HEADLESS-2");
    }

    #[test]
    fn a_picture_taken_at_the_largest_scale_is_cut_at_that_density() {
        // A 2× laptop (2560×1600 physical, 1280×800 logical) left of a 1× 1920×1080 screen:
        // grim pictures the 3200×1080 logical layout at 2×.
        let outputs = [
            output("eDP-1", (0, 0), (1280, 800), 2560),
            output("DP-1", (1280, 0), (1920, 1080), 1920),
        ];
        let pieces = split(6400, 2160, &outputs).unwrap();
        assert_eq!(
            (pieces[0].width, pieces[0].height, pieces[0].scale),
            (2560, 1600, 2.0)
        );
        assert_eq!(
            (
                pieces[1].left,
                pieces[1].width,
                pieces[1].height,
                pieces[1].scale
            ),
            (2560, 3840, 2160, 1.0)
        );
        // Fractional: 2880 physical over 1920 logical.
        assert_eq!(own_scale(&output("x", (0, 0), (1920, 1200), 2880)), 1.5);
    }

    #[test]
    fn a_layout_with_negative_places_starts_at_its_top_left_corner() {
        let outputs = [
            output("left", (-1024, 100), (1024, 768), 1024),
            output("main", (0, 0), (1920, 1080), 1920),
        ];
        let pieces = split(2944, 1080, &outputs).unwrap();
        assert_eq!((pieces[0].left, pieces[0].top), (0, 100));
        assert_eq!(pieces[1].left, 1024);
        assert_eq!(pieces[0].desktop_x, -1024);
    }

    #[test]
    fn a_picture_of_another_shape_is_kept_whole() {
        let outputs = [output("a", (0, 0), (1920, 1080), 1920)];
        assert!(matches!(
            split(1920, 1200, &outputs),
            Err(Unsplittable::Shape { .. })
        ));
        assert_eq!(split(1920, 1080, &[]), Err(Unsplittable::NoOutputs));
        assert_eq!(
            split(1920, 1080, &[output("unsized", (0, 0), (0, 0), 0)]),
            Err(Unsplittable::NoOutputs)
        );
        assert!(split(0, 0, &outputs).is_err());
        // Rounding within a pixel is the same density.
        assert!(split(1921, 1081, &outputs).is_ok());
    }
}
