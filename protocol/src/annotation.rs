//! The rectangles a user draws on a screenshot: masks, burned into the pixels by the core before
//! anything leaves the machine, and highlights that point at something without hiding it.

use serde::{Deserialize, Serialize};
use std::fmt;

/// What an annotation does to its rectangle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub enum AnnotationKind {
    /// The rectangle becomes black.
    MaskSolid,
    /// The rectangle becomes coarse uniform blocks .
    MaskPixelate,
    /// A coloured outline around the rectangle.
    Highlight,
}

/// A rectangle in one screen's physical pixels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct Rect {
    /// Left edge, in pixels from the screen's left.
    pub x: u32,
    /// Top edge, in pixels from the screen's top.
    pub y: u32,
    /// Width in pixels.
    pub w: u32,
    /// Height in pixels.
    pub h: u32,
}

impl fmt::Display for Rect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{},{},{}×{}", self.x, self.y, self.w, self.h)
    }
}

/// One annotation of one screen of a capture (`screen` indexes the capture's screens).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct Annotation {
    /// Index of the screen in the capture (and in the wizard's previews).
    pub screen: usize,
    /// Mask or highlight.
    pub kind: AnnotationKind,
    /// Where, in that screen's physical pixels.
    pub rect: Rect,
}
