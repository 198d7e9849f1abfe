//! Text search values: `Search::makeTextSearchValue` (HTML-decoded, `^`/`$` anchors, `null`) and
//! SQL `LIKE` with `%` as the only wildcard, case-insensitive.

use crate::encode::decode_html;

/// The outcome of `Search::makeTextSearchValue`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum TextPattern {
    IsNull,
    /// A `LIKE` pattern: `%` matches any run of characters.
    Like(String),
}

/// Port of `Search::makeTextSearchValue`.
pub(crate) fn text_pattern(value: &str) -> TextPattern {
    let value = decode_html(value);
    if value == "NULL" || value == "null" {
        return TextPattern::IsNull;
    }
    let value = value.trim();
    if value == "^" {
        return TextPattern::Like("%".to_owned());
    }
    if value.is_empty() || value == "^$" || value == "$" {
        return TextPattern::Like(String::new());
    }
    let mut pattern = match value.strip_prefix('^') {
        Some(rest) => rest.trim_start().to_owned(),
        None => format!("%{value}"),
    };
    match pattern.strip_suffix('$') {
        Some(rest) => pattern = rest.trim_end().to_owned(),
        None => pattern.push('%'),
    }
    TextPattern::Like(pattern)
}

/// SQL `LIKE`, case-insensitive, with `%` as the only wildcard.
pub(crate) fn like(pattern: &str, text: &str) -> bool {
    let pattern = pattern.to_lowercase();
    let text = text.to_lowercase();
    let parts: Vec<&str> = pattern.split('%').collect();
    let [first, middle @ .., last] = parts.as_slice() else {
        return text == pattern;
    };
    let Some(mut rest) = text.strip_prefix(first) else {
        return false;
    };
    for part in middle {
        match rest.find(part) {
            Some(i) => rest = &rest[i + part.len()..],
            None => return false,
        }
    }
    rest.len() >= last.len() && rest.ends_with(last)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_semantics() {
        assert!(like("%abc%", "xxABCyy"));
        assert!(like("abc%", "abcdef"));
        assert!(!like("abc%", "xabc"));
        assert!(like("%def", "abcdef"));
        assert!(like("a%c%e", "abcde"));
        assert!(!like("", "x"));
        assert!(like("", ""));
        assert!(like("%", ""));
    }

    #[test]
    fn text_patterns() {
        assert_eq!(text_pattern("uuid"), TextPattern::Like("%uuid%".into()));
        assert_eq!(text_pattern("^uuid$"), TextPattern::Like("uuid".into()));
        assert_eq!(text_pattern("null"), TextPattern::IsNull);
        assert_eq!(text_pattern("^"), TextPattern::Like("%".into()));
    }
}
