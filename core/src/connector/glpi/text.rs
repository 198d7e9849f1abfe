//! Reading GLPI's values: numbers that may come as strings, texts stored with HTML entities, and
//! dates written as the server's local time without a zone ("2026-11-28 13:30:00").

use serde_json::Value;

/// An integer, whether GLPI wrote it as a number or a string.
pub(super) fn as_i64(v: &Value) -> Option<i64> {
    v.as_i64().or_else(|| v.as_str()?.trim().parse().ok())
}

/// A non-negative integer, whether GLPI wrote it as a number or a string.
pub(super) fn as_u64(v: &Value) -> Option<u64> {
    v.as_u64().or_else(|| v.as_str()?.trim().parse().ok())
}

/// A string value, or an empty one.
pub(super) fn text_of(v: &Value) -> String {
    v.as_str().unwrap_or_default().to_owned()
}

/// A GLPI date ("2026-11-28 13:30:00", seconds optional) as ms since the Unix epoch. GLPI writes
/// its local time without a zone; the help desk and its schools share one, so it is read as this
/// computer's local time. `None` for anything else (an empty date, another format).
pub fn date_ms(text: &str) -> Option<i64> {
    use chrono::{Local, NaiveDateTime, TimeZone};
    let text = text.trim();
    let naive = NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S")
        .or_else(|_| NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M"))
        .ok()?;
    Some(
        Local
            .from_local_datetime(&naive)
            .earliest()?
            .timestamp_millis(),
    )
}

/// Decodes the entities GLPI 10 applies to stored text (`&#60;` `&#62;` `&#38;`, and their named
/// forms), in one pass so that an encoded entity is not decoded twice.
pub fn decode_entities(text: &str) -> String {
    const ENTITIES: [(&str, char); 6] = [
        ("&#60;", '<'),
        ("&#62;", '>'),
        ("&#38;", '&'),
        ("&lt;", '<'),
        ("&gt;", '>'),
        ("&amp;", '&'),
    ];
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(pos) = rest.find('&') {
        out.push_str(&rest[..pos]);
        rest = &rest[pos..];
        match ENTITIES.iter().find(|(e, _)| rest.starts_with(e)) {
            Some((entity, c)) => {
                out.push(*c);
                rest = &rest[entity.len()..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entities_are_decoded_for_display() {
        assert_eq!(decode_entities("&#60;b&#62; &#38;amp;"), "<b> &amp;");
    }

    #[test]
    fn dates_are_read_as_local_time() {
        let a = date_ms("2026-11-28 13:30:00").expect("a date");
        let b = date_ms("2026-11-28 13:31").expect("a date without seconds");
        assert_eq!(b - a, 60_000);
        assert_eq!(date_ms(""), None);
        assert_eq!(date_ms("28/11/2026"), None);
        assert_eq!(date_ms("2026-13-40 99:00:00"), None);
    }
}
