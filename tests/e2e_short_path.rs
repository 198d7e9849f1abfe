//! The common report, as a teacher between two classes files it: a subject, a description, the
//! phone already remembered, the screenshot kept as it is, no file. Through the real window under
//! WebDriver, the test counts every click and key press besides typing the text, from the
//! wizard's opening to "sent" with the ticket number: at most 3. On the way, the guidance is on
//! screen, the contact, the masking and the files are one click away, and the review says what
//! will be sent before it goes.
//!
//! Needs what `tests/e2e_wizard.rs` needs: `guichet-ui` built, `ui/node_modules`, `tauri-driver`.

#![allow(clippy::expect_used, clippy::unwrap_used)] // Tests fail loudly by design.

use guichet_core::capture::image::{Rgba, RgbaImage};
use guichet_glpi_double::{DoubleConfig, GlpiDouble};
use guichet_test_support::desktop::{self, SessionBus};
use guichet_test_support::webdriver::{assert_accessible, axe_source, Session};
use guichet_test_support::workstation::Workstation;
use serde_json::json;
use std::cell::Cell;
use std::time::Duration;

const WIDTH: u32 = 1366;
const HEIGHT: u32 = 768;
const SUBJECT: &str = "Vidéoprojecteur de la salle 12";
const DESCRIPTION: &str =
    "Le vidéoprojecteur de la salle 12 ne s'allume plus depuis ce matin. Le voyant reste orange.";
const PHONE: &str = "01 23 45 67 89";

/// The user's clicks and key presses, typing aside.
struct Gestures<'a> {
    session: &'a Session,
    count: Cell<u32>,
}

impl Gestures<'_> {
    fn click(&self, css: &str) {
        self.count.set(self.count.get() + 1);
        self.session.click(css);
    }

    fn press(&self, css: &str, key: &str) {
        self.count.set(self.count.get() + 1);
        self.session.send_keys(css, key);
    }

    /// Typing into the field that has the keyboard (WebDriver's typing does not move the focus
    /// when the field already has it, which the test checks first).
    fn type_into_focused(&self, css: &str, text: &str) {
        let focused = self.session.execute(
            "return document.activeElement === document.querySelector(arguments[0]);",
            json!([css]),
        );
        assert_eq!(focused, json!(true), "{css} has the keyboard before typing");
        self.session.send_keys(css, text);
    }
}

#[test]
fn the_common_report_takes_three_clicks_or_key_presses_besides_the_text() {
    let axe = axe_source();
    let xvfb = desktop::Xvfb::start(WIDTH, HEIGHT);
    desktop::paint_root(
        &xvfb.display,
        &RgbaImage::from_fn(WIDTH, HEIGHT, |x, y| {
            Rgba([(x % 256) as u8, (y % 256) as u8, 160, 255])
        }),
    );
    let bus = SessionBus::start();
    let glpi = GlpiDouble::start(DoubleConfig::default()).expect("GLPI double");
    let ws = Workstation::new(Some(&glpi.base_url()));
    // The phone, remembered from an earlier report (here IT's default, which the wizard fills).
    ws.append_config(&format!("[defaults]\nphone = \"{PHONE}\"\n"));
    let opened = ws.open_in_french(&xvfb.display, &bus.address, &[]);
    let window = &opened.window;
    let session = &window.session;
    let user = Gestures {
        session,
        count: Cell::new(0),
    };

    session.wait("#subject", Duration::from_secs(30));
    session.execute(&format!("{axe}\nreturn true;"), json!([]));
    user.type_into_focused("#subject", SUBJECT);
    user.press("#subject", "\u{E007}");
    user.type_into_focused("#description", DESCRIPTION);
    report_step_shows_the_way(session);
    user.click("#next");

    session.wait("#consent", Duration::from_secs(5));
    review_says_what_goes(session);
    user.click("#next");

    session.wait("#ticket-number", Duration::from_secs(30));
    let heading = session.text("#step-heading");
    assert_eq!(heading.trim(), "Signalement envoyé");
    let ticket: u64 = session.text("#ticket-number").trim().parse().unwrap();
    assert_accessible(session, "sent");
    let gestures = user.count.get();
    eprintln!(
        "e2e_short_path: the common report took {gestures} clicks or key presses besides the text"
    );
    assert!(gestures <= 3, "{gestures} clicks or key presses");

    let stored = glpi
        .ticket(ticket)
        .unwrap_or_else(|| panic!("no ticket {ticket}{}", window.logs()));
    assert_eq!(stored.name, SUBJECT);
    assert!(stored.content.contains("Le voyant reste orange."));
    // The agent writes the phone in international form.
    assert!(
        stored.content.contains("+33 1 23 45 67 89"),
        "{}",
        stored.content
    );
    let names: Vec<&str> = stored
        .documents
        .iter()
        .map(|d| d.filename.as_str())
        .collect();
    assert_eq!(names, ["ecran-1.jpg"], "the screenshot, and no file");
}

/// The report step: the guidance in sight, and what goes with the text (contact, screenshot,
/// files), each with its one button.
fn report_step_shows_the_way(session: &Session) {
    let guidance = session.execute(
        "const r = document.getElementById('description-guidance').getBoundingClientRect();
         return r.top >= 0 && r.bottom <= window.innerHeight && r.height > 0;",
        json!([]),
    );
    assert_eq!(guidance, json!(true), "the guidance is on screen");
    assert!(session
        .text("#description-guidance")
        .contains("un seul problème"));
    assert_eq!(
        session.text("#along-contact").trim(),
        format!("Téléphone : {PHONE}")
    );
    assert_eq!(
        session.text("#along-screens").trim(),
        "La capture d’écran, telle quelle"
    );
    assert_eq!(session.text("#along-files").trim(), "Aucun autre fichier");
    for (button, text) in [
        ("#edit-contact", "Modifier le contact"),
        (
            "#edit-screenshots",
            "Masquer une partie ou changer la capture",
        ),
        ("#add-files", "Ajouter des fichiers"),
    ] {
        assert_eq!(session.text(button).trim(), text);
    }
    assert_accessible(session, "report");
}

/// The review, before anything leaves: the text, the phone, the screenshot, no file.
fn review_says_what_goes(session: &Session) {
    let review = session.body_text();
    for part in [SUBJECT, DESCRIPTION, PHONE, "1 écran(s)"] {
        assert!(review.contains(part), "the review shows {part:?}: {review}");
    }
    let consent = session.text("#consent");
    assert!(
        consent.contains("1 capture(s) d’écran") && consent.contains("aucun fichier"),
        "{consent}"
    );
    assert_accessible(session, "review");
}
