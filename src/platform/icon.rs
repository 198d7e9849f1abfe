//! The tray's picture, the same on every platform: `icons/32x32.png`, decoded once to RGBA.

/// The icon's PNG, shipped in the binary.
const PNG: &[u8] = include_bytes!("../../icons/32x32.png");

/// A decoded picture: 8-bit RGBA rows, top to bottom.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rgba {
    pub width: u32,
    pub height: u32,
    pub pixels: Vec<u8>,
}

/// The tray icon; `None` only if the shipped PNG were not 8-bit RGBA (a test checks it is).
pub fn tray() -> Option<Rgba> {
    decode(PNG)
}

fn decode(png: &[u8]) -> Option<Rgba> {
    let decoder = png::Decoder::new(std::io::Cursor::new(png));
    let mut reader = decoder.read_info().ok()?;
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).ok()?;
    if info.color_type != png::ColorType::Rgba || info.bit_depth != png::BitDepth::Eight {
        return None;
    }
    buf.truncate(info.buffer_size());
    Some(Rgba {
        width: info.width,
        height: info.height,
        pixels: buf,
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_shipped_icon_decodes() {
        let icon = super::tray().expect("icons/32x32.png is 8-bit RGBA");
        assert_eq!((icon.width, icon.height), (32, 32));
        assert_eq!(icon.pixels.len(), 32 * 32 * 4);
        assert!(super::decode(b"not a png").is_none());
    }
}
