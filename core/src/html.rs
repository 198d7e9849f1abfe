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

/// The body of a ticket: the user's description, then how to reach them, the machine facts, and
/// the client reference that makes retries idempotent (see [`crate::outbox`]).
pub fn ticket_body(report: &crate::report::Report) -> String {
    use crate::i18n::t;
    let lang = report.lang;
    let mut html = paragraphs(&report.description);
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
    html.push_str(&report.facts.to_html(lang));
    html.push_str(&format!(
        "<p><small>{} — {} : {}</small></p>",
        escape(&t(lang, "ticket.sent_by", &[])),
        escape(&t(lang, "ticket.reference", &[])),
        report.id
    ));
    html
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
