//! Screens named for people rather than by their connector (`HDMI-1`): "Écran 1 (gauche),
//! 1920 × 1080". Screens are numbered left to right by their place on the desktop (top to bottom
//! when stacked), their place is said only when there are several, and their size is in physical
//! pixels. The wizard's previews and the machine facts of a ticket both name screens here.

use crate::i18n::{t, Lang};

/// Where a monitor sits on the desktop, in physical pixels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Placement {
    /// The left edge, from the desktop's origin.
    pub x: i32,
    /// The top edge, from the desktop's origin (down is positive).
    pub y: i32,
    /// The monitor's width.
    pub width: u32,
    /// The monitor's height.
    pub height: u32,
}

impl Placement {
    fn right(&self) -> i64 {
        i64::from(self.x) + i64::from(self.width)
    }

    fn bottom(&self) -> i64 {
        i64::from(self.y) + i64::from(self.height)
    }
}

/// Each screen's number, in the order of `screens`: 1 is the leftmost (the topmost among screens
/// that start at the same column). A screenshot's file is numbered the same (`ecran-1.jpg`).
pub fn screen_numbers(screens: &[Placement]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..screens.len()).collect();
    order.sort_by_key(|&i| (screens[i].x, screens[i].y, i));
    let mut numbers = vec![0; screens.len()];
    for (rank, &i) in order.iter().enumerate() {
        numbers[i] = rank + 1;
    }
    numbers
}

/// Each screen's name, in the order of `screens`.
pub fn screen_labels(screens: &[Placement], lang: Lang) -> Vec<String> {
    let numbers = screen_numbers(screens);
    screens
        .iter()
        .zip(numbers)
        .map(|(screen, number)| {
            let place = (screens.len() > 1)
                .then(|| place(screen, screens, lang))
                .flatten();
            let (width, height) = (screen.width, screen.height);
            match place {
                Some(place) => t(
                    lang,
                    "screen.label.placed",
                    &[
                        ("number", &number),
                        ("place", &place),
                        ("width", &width),
                        ("height", &height),
                    ],
                ),
                None => t(
                    lang,
                    "screen.label",
                    &[("number", &number), ("width", &width), ("height", &height)],
                ),
            }
        })
        .collect()
}

/// "left", "top", "top left"… relative to the other screens: a screen is on the left when
/// others lie wholly to its right and none wholly to its left. `None` when no other screen is
/// beside, above or below it (mirrored screens).
fn place(screen: &Placement, all: &[Placement], lang: Lang) -> Option<String> {
    let others = || all.iter().filter(move |o| !std::ptr::eq(*o, screen));
    let side = |before: bool, after: bool, first: &str, last: &str| match (before, after) {
        (false, true) => Some(first.to_owned()),
        (true, false) => Some(last.to_owned()),
        (true, true) => Some("screen.place.middle".to_owned()),
        (false, false) => None,
    };
    let horizontal = side(
        others().any(|o| o.right() <= i64::from(screen.x)),
        others().any(|o| i64::from(o.x) >= screen.right()),
        "screen.place.left",
        "screen.place.right",
    );
    let vertical = side(
        others().any(|o| o.bottom() <= i64::from(screen.y)),
        others().any(|o| i64::from(o.y) >= screen.bottom()),
        "screen.place.top",
        "screen.place.bottom",
    );
    let word = |key: String| t(lang, &key, &[]);
    match (vertical, horizontal) {
        (Some(v), Some(h)) if v == h => Some(word(v)),
        (Some(v), Some(h)) => Some(t(
            lang,
            "screen.place.corner",
            &[("vertical", &word(v)), ("horizontal", &word(h))],
        )),
        (Some(one), None) | (None, Some(one)) => Some(word(one)),
        (None, None) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(x: i32, y: i32, width: u32, height: u32) -> Placement {
        Placement {
            x,
            y,
            width,
            height,
        }
    }

    #[test]
    fn one_screen_has_no_place() {
        assert_eq!(
            screen_labels(&[at(0, 0, 1920, 1080)], Lang::Fr),
            ["Écran 1, 1920 × 1080"]
        );
        assert_eq!(
            screen_labels(&[at(0, 0, 1366, 768)], Lang::En),
            ["Screen 1, 1366 × 768"]
        );
    }

    #[test]
    fn two_screens_are_numbered_left_to_right_whatever_the_capture_order() {
        // The 4K screen was listed first, but sits on the right, lower down.
        let screens = [at(1920, 400, 3840, 2160), at(0, 0, 1920, 1080)];
        assert_eq!(
            screen_labels(&screens, Lang::Fr),
            [
                "Écran 2 (droite), 3840 × 2160",
                "Écran 1 (gauche), 1920 × 1080"
            ]
        );
        assert_eq!(
            screen_labels(&screens, Lang::En),
            [
                "Screen 2 (right), 3840 × 2160",
                "Screen 1 (left), 1920 × 1080"
            ]
        );
    }

    #[test]
    fn three_screens_in_a_row_have_a_middle() {
        let screens = [
            at(0, 0, 1280, 1024),
            at(3200, 0, 1280, 1024),
            at(1280, 0, 1920, 1080),
        ];
        assert_eq!(
            screen_labels(&screens, Lang::En),
            [
                "Screen 1 (left), 1280 × 1024",
                "Screen 3 (right), 1280 × 1024",
                "Screen 2 (middle), 1920 × 1080",
            ]
        );
    }

    #[test]
    fn stacked_screens_are_numbered_top_to_bottom() {
        let screens = [at(0, 1080, 1920, 1080), at(0, 0, 1920, 1080)];
        assert_eq!(
            screen_labels(&screens, Lang::Fr),
            ["Écran 2 (bas), 1920 × 1080", "Écran 1 (haut), 1920 × 1080"]
        );
        assert_eq!(
            screen_labels(&screens, Lang::En),
            [
                "Screen 2 (bottom), 1920 × 1080",
                "Screen 1 (top), 1920 × 1080"
            ]
        );
    }

    #[test]
    fn a_grid_says_the_corner_and_mirrored_screens_no_place() {
        let grid = [
            at(0, 0, 1920, 1080),
            at(1920, 0, 1920, 1080),
            at(0, 1080, 1920, 1080),
            at(1920, 1080, 1920, 1080),
        ];
        assert_eq!(
            screen_labels(&grid, Lang::En),
            [
                "Screen 1 (top left), 1920 × 1080",
                "Screen 3 (top right), 1920 × 1080",
                "Screen 2 (bottom left), 1920 × 1080",
                "Screen 4 (bottom right), 1920 × 1080",
            ]
        );
        // The same picture on two outputs (a projector mirroring the desk).
        let mirrored = [at(0, 0, 1920, 1080), at(0, 0, 1920, 1080)];
        assert_eq!(
            screen_labels(&mirrored, Lang::Fr),
            ["Écran 1, 1920 × 1080", "Écran 2, 1920 × 1080"]
        );
    }
}
