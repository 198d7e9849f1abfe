//! Known pictures on a test X server, to compare with what a capture returns: any picture on
//! the root window ([`paint_root`]), or a checkerboard of two colours ([`painted_display`]).

use super::Xvfb;
use image::RgbaImage;
use std::process::Command;
use x11rb::connection::Connection;
use x11rb::protocol::xproto::{
    ChangeWindowAttributesAux, ConnectionExt as _, CreateGCAux, ImageFormat, ImageOrder,
};

/// An Xvfb of this test's own (stopped on drop), `width`×`height`, tiled with 32 px squares of
/// `FG` and `BG` (see [`painted_colour`]).
pub fn painted_display(dir: &std::path::Path, width: u32, height: u32) -> Xvfb {
    let screen = Xvfb::start(width, height);
    // A 64×64 XBM: bit set (foreground) where (x / 32 + y / 32) is odd. Bits are LSB first.
    let mut bits = Vec::new();
    for y in 0..64 {
        for byte in 0..8 {
            let x = byte * 8;
            bits.push(if (x / 32 + y / 32) % 2 == 1 {
                "0xff"
            } else {
                "0x00"
            });
        }
    }
    let xbm = dir.join("checker.xbm");
    std::fs::write(
        &xbm,
        format!(
            "#define checker_width 64\n#define checker_height 64\nstatic unsigned char checker_bits[] = {{\n{}}};\n",
            bits.join(", ")
        ),
    )
    .expect("xbm");
    let painted = Command::new("xsetroot")
        .env("DISPLAY", &screen.display)
        .arg("-bitmap")
        .arg(&xbm)
        .args(["-fg", "#c03020", "-bg", "#2060d0"])
        .status();
    let status =
        painted.expect("xsetroot is installed (x11-xserver-utils, scripts/install-deps.sh)");
    assert!(status.success(), "xsetroot failed: {status}");
    screen
}

pub fn painted_colour(x: u32, y: u32) -> [u8; 3] {
    if (x / 32 + y / 32) % 2 == 1 {
        [0xc0, 0x30, 0x20]
    } else {
        [0x20, 0x60, 0xd0]
    }
}

/// Makes `picture` the root window's background (so it persists after this client leaves), and
/// waits until the server has drawn it. The picture must be the screen's size.
pub fn paint_root(display: &str, picture: &RgbaImage) {
    let (conn, screen_num) = x11rb::connect(Some(display)).expect("connect to Xvfb");
    let screen = &conn.setup().roots[screen_num];
    let (root, depth) = (screen.root, screen.root_depth);
    assert_eq!(depth, 24, "the test server runs at depth 24");
    let (width, height) = picture.dimensions();
    assert_eq!(
        (width, height),
        (
            u32::from(screen.width_in_pixels),
            u32::from(screen.height_in_pixels)
        ),
        "paint the whole screen"
    );
    let lsb = conn.setup().image_byte_order == ImageOrder::LSB_FIRST;
    let pixmap = conn.generate_id().expect("id");
    conn.create_pixmap(depth, pixmap, root, width as u16, height as u16)
        .expect("create pixmap");
    let gc = conn.generate_id().expect("id");
    conn.create_gc(gc, pixmap, &CreateGCAux::new()).expect("gc");
    // Depth 24 is stored as 32 bits per pixel; rows go in chunks under the request size limit.
    let rows_per_chunk = (200_000 / (width as usize * 4)).max(1);
    let mut y = 0usize;
    while y < height as usize {
        let rows = rows_per_chunk.min(height as usize - y);
        let mut data = Vec::with_capacity(rows * width as usize * 4);
        for row in y..y + rows {
            for x in 0..width {
                let [r, g, b, _] = picture.get_pixel(x, row as u32).0;
                if lsb {
                    data.extend_from_slice(&[b, g, r, 0]);
                } else {
                    data.extend_from_slice(&[0, r, g, b]);
                }
            }
        }
        conn.put_image(
            ImageFormat::Z_PIXMAP,
            pixmap,
            gc,
            width as u16,
            rows as u16,
            0,
            y as i16,
            0,
            depth,
            &data,
        )
        .expect("put image");
        y += rows;
    }
    conn.change_window_attributes(
        root,
        &ChangeWindowAttributesAux::new().background_pixmap(pixmap),
    )
    .expect("set background");
    conn.clear_area(false, root, 0, 0, 0, 0).expect("clear");
    conn.free_pixmap(pixmap).expect("free pixmap");
    conn.free_gc(gc).expect("free gc");
    // A round trip: every request above has been executed when it returns.
    conn.get_input_focus()
        .expect("sync")
        .reply()
        .expect("sync reply");
}
