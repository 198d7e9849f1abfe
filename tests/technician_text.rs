//! A technician's words reach the user exactly as typed, on GLPI 10's and GLPI 11's shapes
//! (`shared/glpi-api.md` V.11): a followup and a solution written in GLPI's editor with a literal
//! `<b>`, `<Entrée>`, `2 < 3 & 4`, `&lt;`, quotes and accents come out unchanged in
//! `guichet show`, and `guichet show --json` (the answer the ticket window receives) carries them
//! as escaped text in sanitised HTML, never as tags. The script payloads of the XSS corpus come
//! out inert in the same answer.

#![allow(clippy::expect_used, clippy::unwrap_used)] // Tests fail loudly by design.

use guichet_glpi_double::{DoubleConfig, GlpiDouble, GlpiVersion};
use guichet_test_support::workstation::{json, stderr, stdout, Workstation};
use guichet_test_support::xss_corpus;

/// What the technician typed.
const TYPED: &str = "Tapez <b>gpupdate</b> puis <Entrée>, vérifiez que 2 < 3 & 4, \
    laissez &lt; tel quel, \"citez\" l'écran de \\\\serveur\\<partage>.";
/// What GLPI's editor stores for it: one paragraph, the text escaped once.
const EDITOR_HTML: &str = "<p>Tapez &lt;b&gt;gpupdate&lt;/b&gt; puis &lt;Entrée&gt;, vérifiez \
    que 2 &lt; 3 &amp; 4, laissez &amp;lt; tel quel, \"citez\" l'écran de \
    \\\\serveur\\&lt;partage&gt;.</p>";
const SOLUTION_TYPED: &str = "Solution : <Ctrl> + <Alt> & redémarrez.";
const SOLUTION_HTML: &str = "<p>Solution : &lt;Ctrl&gt; + &lt;Alt&gt; &amp; redémarrez.</p>";

fn file_report(ws: &Workstation, subject: &str) -> u64 {
    let out = ws.run(&[
        "report",
        "--subject",
        subject,
        "--description",
        "Le poste de la salle 12 ne reçoit plus les stratégies.",
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    json(&out)["ticket"].as_u64().expect("ticket number")
}

fn shown_as_written(config: DoubleConfig) {
    let glpi = GlpiDouble::start(config).expect("double");
    let ws = Workstation::new(Some(&glpi.base_url()));
    let subject = "Stratégies <GPO> & co";
    let ticket = file_report(&ws, subject);
    glpi.add_tech_followup(ticket, EDITOR_HTML)
        .expect("followup");
    glpi.add_solution(ticket, SOLUTION_HTML).expect("solution");

    let ticket_arg = ticket.to_string();
    let out = ws.run(&["show", &ticket_arg]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let shown = stdout(&out);
    for typed in [TYPED, SOLUTION_TYPED, subject] {
        assert!(shown.contains(typed), "`{typed}` not in:\n{shown}");
    }

    let view = json(&ws.run(&["show", &ticket_arg, "--json"]));
    let detail = &view["detail"];
    assert_eq!(detail["subject"], subject);
    let html: Vec<&str> = detail["timeline"]
        .as_array()
        .expect("timeline")
        .iter()
        .map(|e| e["html"].as_str().expect("html"))
        .collect();
    assert_eq!(html.len(), 2, "{html:?}");
    assert!(
        html[0].contains("&lt;b&gt;gpupdate&lt;/b&gt;"),
        "{}",
        html[0]
    );
    assert!(html[0].contains("2 &lt; 3 &amp; 4"), "{}", html[0]);
    assert!(html[0].contains("&amp;lt; tel quel"), "{}", html[0]);
    assert!(!html[0].contains("<b>"), "{}", html[0]);
    assert!(html[1].contains("&lt;Ctrl&gt;"), "{}", html[1]);
}

#[test]
fn a_technicians_text_is_shown_as_written_on_glpi_10() {
    shown_as_written(DoubleConfig::default());
}

#[test]
fn a_technicians_text_is_shown_as_written_on_glpi_11() {
    shown_as_written(DoubleConfig::of(GlpiVersion::V11));
}

#[test]
fn the_xss_corpus_comes_out_inert_in_what_the_window_receives() {
    let glpi = GlpiDouble::start(DoubleConfig::default()).expect("double");
    let ws = Workstation::new(Some(&glpi.base_url()));
    let ticket = file_report(&ws, "Imprimante du CDI");
    let corpus = xss_corpus::corpus(ticket);
    for (index, vector) in corpus.iter().enumerate() {
        glpi.add_tech_followup(ticket, &xss_corpus::followup(index, vector))
            .expect("followup");
    }
    let view = json(&ws.run(&["show", &ticket.to_string(), "--json"]));
    for entry in view["detail"]["timeline"].as_array().expect("timeline") {
        let html = entry["html"].as_str().expect("html").to_ascii_lowercase();
        for tag in [
            "<script", "<img", "<iframe", "<svg", "<object", "<embed", "<style",
        ] {
            assert!(!html.contains(tag), "{tag} in {html}");
        }
        assert!(!html.contains("javascript:"), "{html}");
        let in_tags = html
            .split('<')
            .skip(1)
            .map(|t| t.split('>').next().unwrap_or(""));
        for tag in in_tags {
            assert!(!tag.contains(" on"), "an event handler survived: <{tag}>");
        }
    }
}
