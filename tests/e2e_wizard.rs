//! The wizard end to end, through the real window under WebDriver: a private X server showing a
//! known picture, a private D-Bus, the GLPI double, the real agent, and `guichet-ui` started by
//! `tauri-driver` (so with no `--captured`: it must have the agent capture the screen before its
//! window exists). The test fills every step, masks a rectangle on the screenshot, sends, and
//! checks on the double that the ticket has the screenshot, masked where it was drawn and equal
//! to the picture everywhere else, with no trace of the wizard in it. axe-core checks each step.
//!
//! Needs `guichet-ui` built (`cargo build --workspace`, as `scripts/test.sh` does), the web UI's
//! `node_modules` (axe-core), and `tauri-driver` (`cargo install tauri-driver --locked`).

#![allow(clippy::expect_used, clippy::unwrap_used)] // Tests fail loudly by design.

use guichet_core::capture::annotate::MASK_COLOUR;
use guichet_core::capture::image::{self, Rgba, RgbaImage};
use guichet_core::capture::Rect;
use guichet_glpi_double::{DoubleConfig, GlpiDouble};
use guichet_test_support::desktop::{self, wait_for, Guard, SessionBus};
use guichet_test_support::webdriver::{assert_accessible, axe_source, Desktop, Session, Window};
use guichet_test_support::workstation::{self, Workstation};
use serde_json::json;
use std::ffi::OsStr;
use std::path::PathBuf;
use std::time::{Duration, Instant};

const WIDTH: u32 = 1280;
const HEIGHT: u32 = 800;
const SUBJECT: &str = "Vidéoprojecteur de la salle 12";
const DESCRIPTION: &str =
    "Le vidéoprojecteur de la salle 12 ne s'allume plus depuis ce matin. Le voyant reste orange.";
/// Where the test draws the mask, in the screen's physical pixels.
const MASK_TARGET: Rect = Rect {
    x: 240,
    y: 160,
    w: 400,
    h: 240,
};

/// Smooth gradients (JPEG-friendly) and bright everywhere, so a black mask cannot be confused
/// with the picture.
fn picture() -> RgbaImage {
    RgbaImage::from_fn(WIDTH, HEIGHT, |x, y| {
        Rgba([
            (60 + x * 190 / WIDTH) as u8,
            (60 + y * 190 / HEIGHT) as u8,
            (220 - (x + y) * 100 / (WIDTH + HEIGHT)) as u8,
            255,
        ])
    })
}

/// Drags a rectangle over `target` (physical pixels) on the preview of screen 0, and returns the
/// rectangle the wizard recorded.
fn draw_mask(session: &Session, target: Rect) -> Rect {
    let surface = "#screen-0-surface";
    session.wait(surface, Duration::from_secs(10));
    let bounds = session.execute(
        "const e = document.querySelector(arguments[0]); e.scrollIntoView({ block: 'center' });
         const r = e.getBoundingClientRect(); return [r.left, r.top, r.width, r.height];",
        json!([surface]),
    );
    let [left, top, width, height] = [0, 1, 2, 3].map(|i| bounds[i].as_f64().unwrap());
    let css = |x: u32, y: u32| {
        (
            (left + f64::from(x) * width / f64::from(WIDTH)).round() as i64,
            (top + f64::from(y) * height / f64::from(HEIGHT)).round() as i64,
        )
    };
    session.drag(
        css(target.x, target.y),
        css(target.x + target.w, target.y + target.h),
    );
    let recorded = session.execute(
        "const li = document.querySelector('li[data-kind=maskSolid]'); return li && li.dataset.rect;",
        json!([]),
    );
    let numbers: Vec<u32> = recorded
        .as_str()
        .unwrap_or_else(|| panic!("no rectangle recorded: {}", session.body_text()))
        .split(',')
        .map(|n| n.parse().unwrap())
        .collect();
    Rect {
        x: numbers[0],
        y: numbers[1],
        w: numbers[2],
        h: numbers[3],
    }
}

struct Agent {
    _child: Guard,
    log: PathBuf,
}

#[test]
fn a_report_with_a_masked_screenshot_goes_through_the_wizard() {
    let started = Instant::now();
    let axe = axe_source();

    // The desktop: an X screen showing the known picture, and a private session bus.
    let xvfb = desktop::Xvfb::start(WIDTH, HEIGHT);
    let picture = picture();
    desktop::paint_root(&xvfb.display, &picture);
    let bus = SessionBus::start();

    // The help desk and the agent.
    let glpi = GlpiDouble::start(DoubleConfig::default()).expect("GLPI double");
    let ws = Workstation::new(Some(&glpi.base_url()));
    let runtime = ws.dir.path().join("run");
    let agent = {
        let log = ws.dir.path().join("agent.log");
        let env: [(&str, &OsStr); 3] = [
            ("DISPLAY", xvfb.display.as_ref()),
            ("DBUS_SESSION_BUS_ADDRESS", bus.address.as_ref()),
            ("LANG", "fr_FR.UTF-8".as_ref()),
        ];
        Agent {
            _child: ws.start_agent(&runtime, &env, &log),
            log,
        }
    };

    // The window process, started by WebDriver with no arguments.
    let desktop = Desktop {
        display: &xvfb.display,
        bus: &bus.address,
        runtime: &runtime,
        data: &ws.data,
        lang: "fr_FR.UTF-8",
    };
    let window = Window::open(&workstation::ui_binary(), &desktop, &agent.log, &[]);
    let session = &window.session;
    let session_time = window.session_time;

    // 1. The report: subject, category and description on one step.
    session.wait("#subject", Duration::from_secs(30));
    let window_shown = window.requested.elapsed();
    session.execute(&format!("{axe}\nreturn true;"), json!([]));
    assert_accessible(session, "report");
    // 200 % zoom: the 720 px window at half its width still needs no horizontal scrolling.
    session.set_window_size(360, 640);
    wait_for("the narrow layout", Duration::from_secs(10), || {
        let width = session.execute("return window.innerWidth;", json!([]));
        (width.as_u64().unwrap_or(9999) <= 370).then_some(())
    });
    session.assert_reflows("the wizard at 200 %");
    session.set_window_size(720, 640);
    session.click("#next");
    session.wait("#subject[aria-invalid=true]", Duration::from_secs(5));
    assert!(
        session.text("#subject-errors").contains("sujet"),
        "the empty subject is refused in French"
    );
    session.type_into("#subject", SUBJECT);
    session.click("#category option[value='2']");
    assert!(
        session.find("#category-none").is_none(),
        "categories are offered: no sentence saying none is needed"
    );
    // Two problems in one text get a suggestion to split them.
    session.type_into(
        "#description",
        &format!("{DESCRIPTION} Et aussi, l'imprimante du couloir bourre."),
    );
    session.wait("#description-split", Duration::from_secs(5));
    assert_accessible(session, "report, two problems");
    session.type_into("#description", DESCRIPTION);
    assert!(
        session.find("#description-split").is_none(),
        "one problem: no suggestion"
    );

    // 2. Contact, one click away, and back to the report. The phone is wrong on purpose: only
    // the agent checks it, on sending.
    session.click("#edit-contact");
    // Each new step takes the keyboard focus to its heading.
    focus_on_heading(session, "contact.heading");
    session.type_into("#phone", "demandez à l'accueil");
    session.type_into("#location", "Salle 12");
    assert_accessible(session, "contact");
    session.click("#next");
    focus_on_heading(session, "description.heading");
    assert!(
        session.text("#along-contact").contains("Salle 12"),
        "the report shows the contact it sends: {}",
        session.text("#along-contact")
    );
    session.click("#edit-screenshots");
    focus_on_heading(session, "screenshots.heading");
    // The screen is named for people: its number and size (one screen: no place).
    assert!(
        session
            .body_text()
            .contains("Joindre : Écran 1, 1280 × 800"),
        "{}",
        session.body_text()
    );

    // One line counts the attachments and names them: the screenshot counts, and reads as one.
    assert_eq!(
        session.text("#files-count").trim(),
        "1 fichier sur 5 : la capture d’écran"
    );
    assert!(
        !session.body_text().contains("Aucun fichier"),
        "nothing says no file while the screenshot goes: {}",
        session.body_text()
    );

    // 3. Screenshot: take it again (the wizard hides meanwhile: the final picture shows whether it
    // did), then mask a rectangle.
    // WebDriver's click itself may only return once the window is back, so the hiding is
    // watched from the page.
    session.execute(
        "window.hidings = 0;
         document.addEventListener('visibilitychange', () => {
           if (document.visibilityState === 'hidden') window.hidings += 1;
         });",
        json!([]),
    );
    session.click("#recapture");
    session.wait_until(
        "the wizard hidden, then shown with a new capture",
        "return window.hidings === 1 && document.visibilityState === 'visible'
                && !document.getElementById('recapture').disabled;",
        Duration::from_secs(20),
    );
    let mask = draw_mask(session, MASK_TARGET);
    for (drawn, wanted) in [
        (mask.x, MASK_TARGET.x),
        (mask.y, MASK_TARGET.y),
        (mask.w, MASK_TARGET.w),
        (mask.h, MASK_TARGET.h),
    ] {
        assert!(
            drawn.abs_diff(wanted) <= 4,
            "drew {mask:?} for {MASK_TARGET:?}"
        );
    }
    // The same by keyboard alone: add an area, move it right and down, then remove it.
    let rect_of = |i: usize| -> Vec<u32> {
        session
            .execute(
                "const li = document.querySelectorAll('li[data-rect]')[arguments[0]];
                 return li ? li.dataset.rect : null;",
                json!([i]),
            )
            .as_str()
            .unwrap_or_else(|| panic!("no area {i}: {}", session.body_text()))
            .split(',')
            .map(|n| n.parse().unwrap())
            .collect()
    };
    session.send_keys("#screen-0-add", "\u{E007}");
    session.wait("#screen-0-rect-1-adjust", Duration::from_secs(5));
    let added = rect_of(1);
    session.send_keys("#screen-0-rect-1-adjust", "\u{E014}\u{E014}\u{E015}");
    let moved = rect_of(1);
    let step = |extent: u32| (f64::from(extent) * 0.01).round() as u32;
    assert_eq!(
        (moved[0], moved[1], moved[2], moved[3]),
        (
            added[0] + 2 * step(WIDTH),
            added[1] + step(HEIGHT),
            added[2],
            added[3]
        ),
        "two steps right, one down (1 % of the screen each)"
    );
    assert_accessible(session, "screenshots, area added by keyboard");
    session.click("li[data-rect]:nth-of-type(2) button.link");
    wait_for("the keyboard area removed", Duration::from_secs(5), || {
        session
            .find("#screen-0-rect-1-adjust")
            .is_none()
            .then_some(())
    });
    assert_accessible(session, "screenshots");
    session.click("#next");
    focus_on_heading(session, "description.heading");
    assert!(
        session
            .text("#along-screens")
            .contains("zones que vous avez tracées"),
        "{}",
        session.text("#along-screens")
    );
    session.click("#next");

    // 4. Review and send: the agent refuses the phone, the wizard goes back to it.
    session.wait("#consent", Duration::from_secs(5));
    focus_on_heading(session, "review.heading");
    // The diagnostic log goes only with the user's consent: unchecked until they check it.
    assert_eq!(
        session.execute(
            "return document.getElementById('attach-log').checked;",
            json!([])
        ),
        json!(false)
    );
    session.click("#attach-log");
    assert_accessible(session, "review");
    session.click("#next");
    session.wait("#phone[aria-invalid=true]", Duration::from_secs(30));
    assert!(
        session.text("#phone-errors").contains("numéro"),
        "the agent's message, in French, beside the phone"
    );
    assert_accessible(session, "contact, refused");
    session.type_into("#phone", "01 23 45 67 89");
    // The contact leads back where it was opened from: the review.
    session.click("#next");
    focus_on_heading(session, "review.heading");
    session.wait("#consent", Duration::from_secs(5));
    session.click("#next");
    let ticket: u64 = {
        let _ = session.wait("#ticket-number", Duration::from_secs(30));
        let text = session.text("#ticket-number");
        text.trim()
            .parse()
            .unwrap_or_else(|_| panic!("ticket number {text:?}{}", window.logs()))
    };
    assert_accessible(session, "result");
    // Closing the wizard, its last window, ends the window process (and so the click's reply
    // may be an error: the window is gone).
    let _ = session.try_click("#close");
    wait_for("guichet-ui to exit", Duration::from_secs(10), || {
        (!window.driver.runs("guichet-ui")).then_some(())
    });

    // The window process kept its own daily log file beside the agent's.
    let logs: Vec<String> = std::fs::read_dir(ws.data.join("logs"))
        .expect("the log directory")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    for prefix in ["agent.", "windows."] {
        assert!(
            logs.iter()
                .any(|n| n.starts_with(prefix) && n.ends_with(".log")),
            "{prefix}*.log in {logs:?}"
        );
    }

    // On the help desk: the ticket, with the screenshot masked exactly where drawn.
    let stored = glpi
        .ticket(ticket)
        .unwrap_or_else(|| panic!("no ticket {ticket}{}", window.logs()));
    assert_eq!(stored.name, SUBJECT);
    assert!(
        stored.content.contains("Le voyant reste orange."),
        "{}",
        stored.content
    );
    assert_eq!(stored.category_id, 2);
    let names: Vec<&str> = stored
        .documents
        .iter()
        .map(|d| d.filename.as_str())
        .collect();
    assert_eq!(
        names,
        ["ecran-1.jpg", "guichet-log.txt"],
        "the log was agreed to"
    );
    let log = String::from_utf8_lossy(&stored.documents[1].bytes);
    assert!(
        log.contains("ipc request: submit"),
        "the agent's log: {log}"
    );
    let document = &stored.documents[0];
    assert_eq!(
        (document.filename.as_str(), document.mime.as_str()),
        ("ecran-1.jpg", "image/jpeg")
    );
    let jpeg = image::load_from_memory_with_format(&document.bytes, image::ImageFormat::Jpeg)
        .expect("a JPEG")
        .to_rgba8();
    assert_eq!(jpeg.dimensions(), (WIDTH, HEIGHT));
    assert_masked_elsewhere_unchanged(&jpeg, &picture, mask);

    drop(window);
    eprintln!(
        "e2e_wizard: WebDriver session {session_time:.2?}, wizard shown {window_shown:.2?} after the session request, test {:.2?}",
        started.elapsed()
    );
}

/// A Self-Service account may not read the help desk's categories (the double answers 403) and IT
/// configured none: the subject step offers no choice, says none is needed, and the report goes
/// without one. Driven by the keyboard alone: Enter in the subject moves on to the description.
/// With room for one file only, the screen takes it and the diagnostic log cannot be added.
#[test]
fn with_no_category_anywhere_the_wizard_says_none_is_needed() {
    let xvfb = desktop::Xvfb::start(640, 480);
    let bus = SessionBus::start();
    let glpi = GlpiDouble::start(DoubleConfig::default()).expect("GLPI double");
    let ws = Workstation::new(None);
    std::fs::write(
        &ws.config,
        format!(
            "[server]\nkind = \"glpi\"\nurl = \"{}\"\nuser_token = \"{}\"\n[limits]\nmax_attachments = 1\n",
            glpi.base_url(),
            workstation::TOKEN
        ),
    )
    .unwrap();
    let categories = ws.run(&["categories", "--json"]);
    assert_eq!(
        json_list_len(&categories.stdout),
        0,
        "the help desk refuses its categories and IT lists none: {}",
        String::from_utf8_lossy(&categories.stderr)
    );
    let opened = ws.open_in_french(&xvfb.display, &bus.address, &[]);
    let window = &opened.window;
    let session = &window.session;
    session.wait("#subject", Duration::from_secs(30));
    assert!(session.find("#category").is_none(), "no category choice");
    assert_eq!(
        session.text("#category-none").trim(),
        french("category.not_needed")
    );
    session.type_into("#subject", SUBJECT);
    session.send_keys("#subject", "\u{E007}");
    session.wait_until(
        "Enter in the subject moves the focus to the description",
        "return document.activeElement.id === 'description';",
        Duration::from_secs(5),
    );

    // IT allows one file per report and the screen takes it: the diagnostic log has no room (the
    // box is off, and says why); without the screen, it may go.
    session.type_into("#description", DESCRIPTION);
    session.click("#next");
    session.wait("#attach-log[disabled]", Duration::from_secs(5));
    assert!(
        session.text("#attach-log-full").contains(" 1 "),
        "{}",
        session.body_text()
    );
    session.execute(&format!("{}\nreturn true;", axe_source()), json!([]));
    assert_accessible(session, "review, no room for the log");
    session.click("#review-edit-screenshots");
    session.click("#remove-screens");
    session.click("#next");
    session.wait("#attach-log:not([disabled])", Duration::from_secs(5));
    assert!(session.find("#attach-log-full").is_none());
    drop(opened);
}

/// How many items a JSON array on standard output holds (0 when it is not one).
fn json_list_len(stdout: &[u8]) -> usize {
    serde_json::from_slice::<serde_json::Value>(stdout)
        .ok()
        .and_then(|v| {
            v.get("categories")
                .or(Some(&v))
                .and_then(|v| v.as_array().map(Vec::len))
        })
        .unwrap_or(0)
}

/// The French catalogue's text for `key`.
fn french(key: &str) -> String {
    let catalogue: serde_json::Value =
        serde_json::from_str(include_str!("../ui/src/locales/fr.json")).expect("fr.json");
    catalogue[key]
        .as_str()
        .unwrap_or_else(|| panic!("no {key} in fr.json"))
        .to_owned()
}

/// Waits until the keyboard focus is on the step's heading, whose text is `key`'s.
fn focus_on_heading(session: &Session, key: &str) {
    let heading = serde_json::to_string(&french(key)).unwrap();
    session.wait_until(
        &format!("the keyboard focus on the heading {heading}"),
        &format!(
            "const a = document.activeElement;
             return a !== null && a.id === 'step-heading' && a.tagName === 'H2'
                    && a.textContent.trim() === {heading};"
        ),
        Duration::from_secs(5),
    );
}

/// Inside `mask`: the mask colour. Outside it: the painted picture, within JPEG's error, so the
/// wizard's window is nowhere in the capture. A JPEG block (8 px) either side of the mask's edges
/// is left out: the drawn rectangle need not be block-aligned, and JPEG blurs across blocks.
fn assert_masked_elsewhere_unchanged(jpeg: &RgbaImage, picture: &RgbaImage, mask: Rect) {
    let diff =
        |a: &Rgba<u8>, b: &Rgba<u8>| (0..3).map(|c| a.0[c].abs_diff(b.0[c])).max().unwrap_or(0);
    let inside = |x: u32, y: u32, margin: i64| {
        let (x, y) = (i64::from(x), i64::from(y));
        x >= i64::from(mask.x) - margin
            && x < i64::from(mask.x + mask.w) + margin
            && y >= i64::from(mask.y) - margin
            && y < i64::from(mask.y + mask.h) + margin
    };
    let (mut compared, mut total_error, mut worst) = (0u64, 0u64, (0u8, 0, 0));
    for (x, y, pixel) in jpeg.enumerate_pixels() {
        if inside(x, y, -8) {
            assert!(
                diff(pixel, &MASK_COLOUR) <= 2,
                "({x},{y}) = {pixel:?} inside the mask"
            );
        } else if !inside(x, y, 8) {
            let d = diff(pixel, picture.get_pixel(x, y));
            compared += 1;
            total_error += u64::from(d);
            if d > worst.0 {
                worst = (d, x, y);
            }
        }
    }
    let mean = total_error as f64 / compared as f64;
    assert!(
        mean < 2.0 && worst.0 <= 24,
        "outside the mask: mean error {mean:.2}, worst {worst:?}"
    );
}
