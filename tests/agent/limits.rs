//! The wizard's screenshots respect IT's `[limits]`, as `guichet report --screenshot` does: both
//! go through the core's one screenshot pipeline (the agent used to encode under 10 MiB always).

use super::{Agent, DESCRIPTION};
use guichet_core::capture::image::{Rgba, RgbaImage};
use guichet_core::capture::{encode, EncodeOptions};
use guichet_core::protocol::ipc::{Request, Response};
use guichet_core::protocol::view::{ScreenshotChoice, SubmitOutcome};
use guichet_core::report::ReportInput;
use guichet_glpi_double::{DoubleConfig, GlpiDouble};
use guichet_test_support::desktop::Xvfb;
use guichet_test_support::workstation::Workstation;
use std::process::Command;

/// IT's per-file limit in this test: far below what this noisy screen takes at full quality.
const LIMIT: u64 = 150_000;
const WIDTH: u32 = 1024;
const HEIGHT: u32 = 768;
const FG: [u8; 3] = [0xf0, 0xf0, 0xe0];
const BG: [u8; 3] = [0x10, 0x20, 0x40];

/// Bits of a 64×64 tile of noise (deterministic), one bit a pixel, least significant first.
fn noise_bits() -> Vec<u8> {
    let mut state: u32 = 0x2545_f491;
    (0..64 * 64 / 8)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            state.to_le_bytes()[0]
        })
        .collect()
}

/// An Xvfb whose root is tiled with [`noise_bits`], and the same picture built here.
fn noisy_display(dir: &std::path::Path) -> (Xvfb, RgbaImage) {
    let bits = noise_bits();
    let screen = Xvfb::start(WIDTH, HEIGHT);
    let list: Vec<String> = bits.iter().map(|b| format!("0x{b:02x}")).collect();
    let xbm = dir.join("noise.xbm");
    std::fs::write(
        &xbm,
        format!(
            "#define noise_width 64\n#define noise_height 64\nstatic unsigned char noise_bits[] = {{\n{}}};\n",
            list.join(", ")
        ),
    )
    .expect("xbm");
    let hex = |c: [u8; 3]| format!("#{:02x}{:02x}{:02x}", c[0], c[1], c[2]);
    let status = Command::new("xsetroot")
        .env("DISPLAY", &screen.display)
        .arg("-bitmap")
        .arg(&xbm)
        .args(["-fg", &hex(FG), "-bg", &hex(BG)])
        .status()
        .expect("xsetroot is installed");
    assert!(status.success(), "xsetroot failed: {status}");
    let picture = RgbaImage::from_fn(WIDTH, HEIGHT, |x, y| {
        let bit = (y % 64) * 64 + x % 64;
        let on = bits[(bit / 8) as usize] >> (bit % 8) & 1 == 1;
        let [r, g, b] = if on { FG } else { BG };
        Rgba([r, g, b, 255])
    });
    (screen, picture)
}

#[test]
fn the_wizards_screenshot_respects_its_limits() {
    let double = GlpiDouble::start(DoubleConfig::default()).expect("double");
    let ws = Workstation::new(Some(&double.base_url()));
    ws.append_config(&format!("[limits]\nattachment_max_bytes = {LIMIT}\n"));
    let (x, picture) = noisy_display(ws.dir.path());
    // Without IT's limit this screen would be sent larger than it allows.
    let unlimited = encode(&picture, &EncodeOptions::default()).expect("encode");
    assert!(
        unlimited.bytes.len() as u64 > 2 * LIMIT,
        "the picture must need the limit: {unlimited:?}"
    );
    let agent = Agent::start_with(&ws, None, 0, &[("DISPLAY", x.display.as_ref())]);

    match agent.request(&Request::Recapture) {
        Response::WizardContext { context } => {
            assert_eq!(context.screens.len(), 1, "{:?}", context.capture_problem);
            assert_eq!(context.limits.attachment_max_bytes, LIMIT);
        }
        other => panic!("unexpected {other:?}"),
    }
    let submit = Request::Submit {
        report: ReportInput {
            subject: "Noisy screen".into(),
            description: DESCRIPTION.into(),
            category: None,
            phone: None,
            location: None,
            attachments: Vec::new(),
            attach_log: false,
        },
        screenshots: ScreenshotChoice {
            screens: vec![0],
            annotations: Vec::new(),
        },
    };
    let ticket = match agent.request(&submit) {
        Response::Submitted {
            outcome: SubmitOutcome::Sent { ticket, rejected },
        } => {
            assert!(rejected.is_empty(), "{rejected:?}");
            ticket
        }
        other => panic!("unexpected {other:?}\n{}", agent.log()),
    };
    let stored = double.ticket(ticket).expect("ticket");
    let document = stored
        .documents
        .iter()
        .find(|d| d.filename == "ecran-1.jpg")
        .expect("the screenshot is attached");
    assert!(
        document.bytes.len() as u64 <= LIMIT,
        "{} bytes, over IT's {LIMIT}",
        document.bytes.len()
    );
    let image = guichet_core::capture::image::load_from_memory(&document.bytes).expect("a JPEG");
    assert!(image.width() >= 480, "still a readable picture");
}
