//! Turns the user's plain text into safe HTML for help desks that store HTML (GLPI, RT).
//! Users type plain text only: every character that means something in HTML is escaped, so no
//! markup can be injected whatever they type.

/// Escapes text for use in HTML element content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// Plain text to HTML paragraphs: a blank line separates paragraphs, a single line break
/// becomes `<br>`. Windows line endings are accepted.
pub fn paragraphs(text: &str) -> String {
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let mut out = String::new();
    for para in text.split("\n\n") {
        let lines: Vec<&str> = para
            .lines()
            .map(str::trim_end)
            .filter(|l| !l.trim().is_empty())
            .collect();
        if lines.is_empty() {
            continue;
        }
        out.push_str("<p>");
        out.push_str(
            &lines
                .iter()
                .map(|l| escape(l))
                .collect::<Vec<_>>()
                .join("<br>"),
        );
        out.push_str("</p>");
    }
    out
}

/// The body of a ticket: the user's description, then the screenshots, how to reach them, the
/// machine facts, the client reference that makes retries idempotent (see [`crate::outbox`]),
/// and last the workstation's asset line
/// ([`MachineFacts::asset_line`](crate::facts::MachineFacts::asset_line)). Screenshots are only named here; [`ticket_body_with`] shows them too.
pub fn ticket_body(report: &crate::report::Report) -> String {
    ticket_body_with(report, &|_| String::new())
}

/// [`ticket_body`], each screenshot named ("Écran 1 (gauche), 1920 × 1080 — ecran-1.jpg", so
/// that the description still says what is attached when images are blocked) and followed by
/// `inline(i)`: the help desk's markup that shows attachment `i` in place.
pub fn ticket_body_with(
    report: &crate::report::Report,
    inline: &dyn Fn(usize) -> String,
) -> String {
    use crate::i18n::t;
    let lang = report.lang;
    let mut html = paragraphs(&report.description);
    html.push_str(&screenshots_block(report, inline));
    let mut contact = Vec::new();
    if let Some(phone) = &report.phone {
        contact.push(format!(
            "<strong>{}</strong> : {}",
            escape(&t(lang, "ticket.phone", &[])),
            escape(&phone.to_string())
        ));
    }
    if let Some(location) = &report.location {
        contact.push(format!(
            "<strong>{}</strong> : {}",
            escape(&t(lang, "ticket.location", &[])),
            escape(location)
        ));
    }
    if !contact.is_empty() {
        html.push_str(&format!(
            "<p><strong>{}</strong><br>{}</p>",
            escape(&t(lang, "ticket.section.contact", &[])),
            contact.join("<br>")
        ));
    }
    html.push_str(&facts_block(&report.facts, lang));
    html.push_str(&format!(
        "<p><small>{} — {} : {}</small></p>",
        escape(&t(lang, "ticket.sent_by", &[])),
        escape(&t(lang, "ticket.reference", &[])),
        report.id
    ));
    // Last, always: GLPI's ticket rules link the Computer from it (docs/DEPLOYMENT.md).
    html.push_str(&format!("<p>{}</p>", escape(&report.facts.asset_line())));
    html
}

/// The text an action on a ticket carries (a followup's message, a refusal's reason, an
/// approval's comment or "Solution accepted"), then the client reference that makes retries
/// exactly-once (see [`crate::connector::Connector::find_performed`]).
pub fn action_body(action: &crate::action::TicketAction) -> String {
    use crate::action::ActionKind;
    use crate::i18n::t;
    let lang = action.lang;
    let text = match (&action.kind, action.text()) {
        (ActionKind::Rate { score, comment }, _) => format!(
            "<p>{}</p>{}",
            escape(&t(lang, "action.rated_text", &[("score", score)])),
            comment.as_deref().map(paragraphs).unwrap_or_default()
        ),
        (_, Some(text)) => paragraphs(text),
        (ActionKind::Approve { .. }, None) => {
            format!("<p>{}</p>", escape(&t(lang, "action.approved_text", &[])))
        }
        _ => String::new(),
    };
    format!(
        "{text}<p><small>{} : {}</small></p>",
        escape(&t(lang, "ticket.reference", &[])),
        action.id
    )
}

/// The screenshots among `report`'s attachments, each named and followed by `inline(i)`; empty
/// without any.
fn screenshots_block(report: &crate::report::Report, inline: &dyn Fn(usize) -> String) -> String {
    use crate::capture::{naming, screen_number};
    use crate::i18n::t;
    let lang = report.lang;
    let placements: Vec<_> = report.facts.screens.iter().map(|s| s.placement()).collect();
    let labels = naming::screen_labels(&placements, lang);
    let numbers = naming::screen_numbers(&placements);
    let mut html = String::new();
    for (i, file) in report.attachments.iter().enumerate() {
        let Some(number) = screen_number(&file.name, &file.mime) else {
            continue;
        };
        let label = numbers
            .iter()
            .position(|&n| n == number)
            .and_then(|screen| labels.get(screen))
            .cloned()
            .unwrap_or_else(|| t(lang, "ticket.screenshot", &[]));
        html.push_str(&format!(
            "<p><strong>{}</strong> — {}</p>{}",
            escape(&label),
            escape(&file.name),
            inline(i)
        ));
    }
    if html.is_empty() {
        return html;
    }
    format!(
        "<p><strong>{}</strong></p>{html}",
        escape(&t(lang, "ticket.section.screenshots", &[]))
    )
}

/// The machine facts as an HTML block for the ticket body.
pub fn facts_block(facts: &crate::facts::MachineFacts, lang: crate::i18n::Lang) -> String {
    let body: Vec<String> = facts
        .lines(lang)
        .iter()
        .map(|(label, value)| format!("<strong>{}</strong> : {}", escape(label), escape(value)))
        .collect();
    format!(
        "<p><strong>{}</strong><br>{}</p>",
        escape(&crate::i18n::t(lang, "ticket.section.machine", &[])),
        body.join("<br>")
    )
}

/// Cleans HTML that comes from the help desk (followups, solutions, descriptions written in its
/// web editor) before any webview sees it: scripts, event handlers, styles, forms, frames and
/// images are removed (an image would load from the network, which the webview must never do);
/// links keep only http, https and mailto, and open with `rel="noopener noreferrer"`.
pub fn sanitize(html: &str) -> String {
    ammonia::Builder::default()
        .rm_tags(["img"])
        .url_schemes(["http", "https", "mailto"].into_iter().collect())
        .clean(html)
        .to_string()
}

/// Sanitised HTML to plain text for a terminal: block ends and `<br>` become line breaks, other
/// tags are dropped, the common entities decoded.
pub fn to_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        out.push_str(&rest[..start]);
        let Some(end) = rest[start..].find('>') else {
            rest = "";
            break;
        };
        let tag = rest[start + 1..start + end].trim().to_ascii_lowercase();
        let name = tag
            .trim_start_matches('/')
            .split_whitespace()
            .next()
            .unwrap_or("");
        if matches!(
            name,
            "br" | "p" | "div" | "li" | "tr" | "h1" | "h2" | "h3" | "h4"
        ) && (name == "br" || tag.starts_with('/'))
        {
            out.push('\n');
        }
        rest = &rest[start + end + 1..];
    }
    out.push_str(rest);
    let text = out
        .replace("&nbsp;", " ")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&");
    text.lines()
        .map(str::trim_end)
        .collect::<Vec<_>>()
        .join("\n")
        .trim()
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::{MachineFacts, ScreenInfo};
    use crate::i18n::Lang;

    #[test]
    fn html_becomes_readable_text() {
        assert_eq!(
            to_text("<p>Bonjour,<br>c&#39;est <b>réparé</b> &amp; testé.</p><p>Fin</p>"),
            "Bonjour,\nc'est réparé & testé.\nFin"
        );
    }

    #[test]
    fn server_html_is_sanitised() {
        let dirty = r#"<p onclick="x()">Bonjour <b>Mme Durand</b></p><script>alert(1)</script><img src="http://evil/x.png"><a href="javascript:alert(1)">lien</a><a href="https://glpi.example/t">ok</a><iframe src="https://x"></iframe>"#;
        let clean = sanitize(dirty);
        assert!(
            clean.contains("<p>Bonjour <b>Mme Durand</b></p>"),
            "{clean}"
        );
        for bad in ["script", "onclick", "<img", "javascript:", "iframe"] {
            assert!(!clean.contains(bad), "{bad} survived: {clean}");
        }
        assert!(
            clean.contains(r#"href="https://glpi.example/t""#),
            "{clean}"
        );
        assert!(clean.contains("noopener"), "{clean}");
    }

    #[test]
    fn markup_is_escaped() {
        assert_eq!(
            paragraphs("<script>alert('x')</script> & co"),
            "<p>&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; co</p>"
        );
        assert_eq!(escape(r#"a"b"#), "a&quot;b");
    }

    #[test]
    fn blank_lines_make_paragraphs_and_single_breaks_stay() {
        assert_eq!(
            paragraphs("one\ntwo\r\n\r\nthree\n\n\n"),
            "<p>one<br>two</p><p>three</p>"
        );
        assert_eq!(paragraphs("  \n\n"), "");
    }

    #[test]
    fn the_block_is_short_escaped_and_translated() {
        let facts = MachineFacts {
            hostname: "SALLE12-PC03".into(),
            domain: Some("college.example.org".into()),
            serial: None,
            uuid: None,
            mac_addresses: vec!["00:11:22:33:44:55".into()],
            os: "Debian <12>".into(),
            kernel: None,
            user: "prof".into(),
            uptime_secs: 90_061,
            memory_total_bytes: 8 << 30,
            memory_available_bytes: 2 << 30,
            disk_free_bytes: Some(50 << 30),
            ip_addresses: vec!["192.0.2.7".into()],
            screens: vec![ScreenInfo {
                name: "HDMI-1".into(),
                width: 1920,
                height: 1080,
                scale: 1.0,
                x: 0,
                y: 0,
            }],
        };
        let html = facts_block(&facts, Lang::Fr);
        assert!(html.contains("SALLE12-PC03"));
        assert!(html.contains("Debian &lt;12&gt;"), "{html}");
        assert!(html.contains("1 j 1 h"));
        assert!(html.contains("Écran 1, 1920 × 1080"), "{html}");
        assert!(facts_block(&facts, Lang::En).contains("Screen 1, 1920 × 1080"));
        assert!(facts_block(&facts, Lang::En).contains("Computer name"));
    }

    #[test]
    fn each_screenshot_is_captioned_with_the_screen_its_number_names() {
        let screen = |name: &str, x: i32, width: u32| ScreenInfo {
            name: name.into(),
            width,
            height: 1080,
            scale: 1.0,
            x,
            y: 0,
        };
        let image = |name: &str| crate::report::Attachment {
            name: name.into(),
            mime: "image/jpeg".into(),
            bytes: vec![0xff, 0xd8],
        };
        // Captured right screen first: ecran-1.jpg is still the left one, "Écran 1 (gauche)".
        let report = crate::report::Report {
            id: uuid::Uuid::nil(),
            created_at_ms: 0,
            lang: Lang::Fr,
            subject: "Écran".into(),
            description: "Voir les captures.".into(),
            category: None,
            phone: None,
            location: None,
            facts: MachineFacts {
                screens: vec![screen("DP-1", 1920, 1280), screen("HDMI-1", 0, 1920)],
                ..MachineFacts::default()
            },
            attachments: vec![image("ecran-2.jpg"), image("ecran-1.jpg")],
        };
        let html = ticket_body(&report);
        assert!(
            html.contains("Écran 1 (gauche), 1920 × 1080</strong> — ecran-1.jpg"),
            "{html}"
        );
        assert!(
            html.contains("Écran 2 (droite), 1280 × 1080</strong> — ecran-2.jpg"),
            "{html}"
        );
    }
}
