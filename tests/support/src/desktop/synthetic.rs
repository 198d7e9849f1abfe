//! A realistic synthetic school desktop for the capture benchmark: window chrome, lots of small
//! anti-aliased glyphs, flat areas, a photo-like area. Deterministic (its own xorshift), so every
//! run encodes the same pixels.

// Drawing helpers take a rectangle and colours: many plain arguments read best there.
#![allow(clippy::too_many_arguments)]

use image::{Rgba, RgbaImage};

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
pub fn synthetic_desktop(width: u32, height: u32, scale: u32) -> RgbaImage {
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
