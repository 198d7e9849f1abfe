//! GLPI 10's HTML sanitizer (`Glpi\Toolbox\Sanitizer`): how input strings are encoded before
//! storage (`<` → `&#60;`, `>` → `&#62;`, `&` → `&#38;`, quotes untouched) and decoded for raw reads.
//!
//! Like GLPI, both directions are guarded by `isHtmlEncoded`: a value that already looks encoded is
//! stored as is, and a value that does not look encoded is returned as is.

/// Current mapping, in GLPI's order (`&` first, so encoding is a single pass).
const CHARS_MAPPING: [(&str, &str); 3] = [("&", "&#38;"), ("<", "&#60;"), (">", "&#62;")];
/// Mapping of GLPI < 10 data, still recognised on decode.
const LEGACY_CHARS_MAPPING: [(&str, &str); 2] = [("<", "&lt;"), (">", "&gt;")];

/// Encodes a raw input string like GLPI does before storing it.
pub fn encode_html(value: &str) -> String {
    if is_html_encoded(value) {
        return value.to_owned();
    }
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '&' => out.push_str("&#38;"),
            '<' => out.push_str("&#60;"),
            '>' => out.push_str("&#62;"),
            other => out.push(other),
        }
    }
    out
}

/// Decodes a stored string like GLPI does for `X-GLPI-Sanitized-Content: false`.
pub fn decode_html(value: &str) -> String {
    if !is_html_encoded(value) {
        return value.to_owned();
    }
    let uses_current = CHARS_MAPPING
        .iter()
        .any(|(_, entity)| value.contains(entity));
    let mut mapping: Vec<(&str, &str)> = if uses_current {
        CHARS_MAPPING.to_vec()
    } else {
        let mut legacy = LEGACY_CHARS_MAPPING.to_vec();
        if has_legacy_quoted_img(value) {
            legacy.push(("\"", "&quot;"));
        }
        legacy
    };
    // GLPI applies the reversed mapping with str_replace, one pair after the other.
    mapping.reverse();
    mapping
        .into_iter()
        .fold(value.to_owned(), |acc, (raw, entity)| {
            acc.replace(entity, raw)
        })
}

/// GLPI's `Sanitizer::isHtmlEncoded`: no raw `<`, `>` or `&` outside an entity, and at least one
/// of the entities the sanitizer produces.
pub(crate) fn is_html_encoded(value: &str) -> bool {
    let has_special = value.char_indices().any(|(i, c)| match c {
        '<' | '>' => true,
        '&' => !starts_entity(&value[i + 1..]),
        _ => false,
    });
    !has_special
        && CHARS_MAPPING
            .iter()
            .chain(LEGACY_CHARS_MAPPING.iter())
            .any(|(_, entity)| value.contains(entity))
}

/// Whether the text after a `&` matches `#?[a-z0-9]+;` (case-insensitive).
fn starts_entity(rest: &str) -> bool {
    let body = rest.strip_prefix('#').unwrap_or(rest);
    let len = body.bytes().take_while(u8::is_ascii_alphanumeric).count();
    len > 0 && body[len..].starts_with(';')
}

/// GLPI's special case `/&lt;img\s+(alt|src|width)=&quot;/`.
fn has_legacy_quoted_img(value: &str) -> bool {
    value.match_indices("&lt;img").any(|(i, m)| {
        let rest = &value[i + m.len()..];
        let trimmed = rest.trim_start();
        trimmed.len() < rest.len()
            && ["alt=&quot;", "src=&quot;", "width=&quot;"]
                .iter()
                .any(|attr| trimmed.starts_with(attr))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_the_three_special_chars_and_leaves_quotes() {
        assert_eq!(
            encode_html(r#"<b>"a" & 'b'</b>"#),
            r#"&#60;b&#62;"a" &#38; 'b'&#60;/b&#62;"#
        );
        assert_eq!(encode_html("plain"), "plain");
    }

    #[test]
    fn already_encoded_values_are_kept() {
        assert_eq!(encode_html("&#60;p&#62;"), "&#60;p&#62;");
        assert_eq!(encode_html("a &lt; b"), "a &lt; b");
        // `&amp;` is not one of the sanitizer's entities, so the value is encoded again.
        assert_eq!(encode_html("a &amp; b"), "a &#38;amp; b");
    }

    #[test]
    fn decode_round_trips() {
        for raw in [
            "<b>&</b>",
            "AT&T &#60;",
            "x > y && z",
            "\"quoted\"",
            "nothing special",
        ] {
            assert_eq!(decode_html(&encode_html(raw)), raw, "{raw}");
        }
    }

    #[test]
    fn decode_leaves_unencoded_values_alone() {
        assert_eq!(decode_html("a < b"), "a < b");
        assert_eq!(decode_html("&lt;p&gt;"), "<p>");
    }
}
