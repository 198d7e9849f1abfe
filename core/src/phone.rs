//! Phone numbers as people type them: French national numbers, international `+33 …` / `0033 …`
//! forms, other international numbers, and internal extensions ("poste 1234", "ext. 12", "x12").

use serde::{Deserialize, Serialize};
use std::fmt;

/// A phone number that passed validation, kept in a normalised, readable form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Phone {
    /// The main number in international form (`+33 1 23 45 67 89`), or `None` for an extension alone.
    pub number: Option<String>,
    /// An internal extension, digits only.
    pub extension: Option<String>,
}

impl fmt::Display for Phone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.number, &self.extension) {
            (Some(n), Some(e)) => write!(f, "{n} (poste {e})"),
            (Some(n), None) => f.write_str(n),
            (None, Some(e)) => write!(f, "poste {e}"),
            (None, None) => Ok(()),
        }
    }
}

/// Words that introduce an extension, longest first so "ext." wins over "x".
const EXTENSION_MARKERS: [&str; 7] = ["extension", "poste", "ext.", "ext", "p.", "x", "#"];

/// Parses a phone number. Returns `None` when the text is not a number we recognise.
pub fn parse(input: &str) -> Option<Phone> {
    let text = input.trim();
    if text.is_empty() || text.chars().count() > 40 {
        return None;
    }
    let lower = text.to_lowercase();
    let (main, extension) = split_extension(&lower)?;
    let extension = match extension {
        Some(e) => Some(digits_only(e, 1, 6)?),
        None => None,
    };
    let main = main.trim();
    if main.is_empty() {
        return extension.map(|e| Phone {
            number: None,
            extension: Some(e),
        });
    }
    let number = normalise_number(main)?;
    Some(Phone {
        number: Some(number),
        extension,
    })
}

/// Splits "01 23 45 67 89 poste 12" into the number and the extension text.
fn split_extension(text: &str) -> Option<(&str, Option<&str>)> {
    for marker in EXTENSION_MARKERS {
        if let Some(pos) = find_marker(text, marker) {
            let (main, rest) = text.split_at(pos);
            let ext = rest[marker.len()..]
                .trim_start_matches([' ', ':', '.'])
                .trim();
            if ext.is_empty() {
                return None;
            }
            return Some((
                main.trim_end_matches([' ', ',', ';', '-', '(']),
                Some(ext.trim_end_matches(')')),
            ));
        }
    }
    Some((text, None))
}

/// Finds a marker that stands as a word of its own ("x12" and "poste 12" but not the x in "0x").
fn find_marker(text: &str, marker: &str) -> Option<usize> {
    text.match_indices(marker).map(|(i, _)| i).find(|&i| {
        let before_ok = text[..i]
            .chars()
            .next_back()
            .is_none_or(|c| !c.is_ascii_alphanumeric());
        let after = text[i + marker.len()..].chars().next();
        let after_ok = after.is_none_or(|c| !c.is_ascii_alphabetic());
        before_ok && after_ok
    })
}

fn digits_only(text: &str, min: usize, max: usize) -> Option<String> {
    let t = text.trim();
    (t.len() >= min && t.len() <= max && t.bytes().all(|b| b.is_ascii_digit()))
        .then(|| t.to_owned())
}

/// Accepts separators people use (spaces, dots, dashes, slashes, a "(0)" trunk prefix) and
/// returns the number in international form.
fn normalise_number(text: &str) -> Option<String> {
    let mut plus = false;
    let mut digits = String::new();
    let compact = text.replace("(0)", "");
    for (i, c) in compact.chars().enumerate() {
        match c {
            '+' if i == 0 => plus = true,
            '0'..='9' => digits.push(c),
            ' ' | '.' | '-' | '/' | '(' | ')' | '\u{a0}' => {}
            _ => return None,
        }
    }
    if !plus {
        if let Some(rest) = digits.strip_prefix("00") {
            digits = rest.to_owned();
            plus = true;
        }
    }
    if plus {
        if let Some(national) = digits.strip_prefix("33") {
            return french(national);
        }
        // Another country: E.164 allows at most 15 digits, country code included.
        return (9..=15)
            .contains(&digits.len())
            .then(|| format!("+{digits}"));
    }
    // A national French number: 0 then nine digits, the first of which is not 0.
    let national = digits.strip_prefix('0')?;
    if national.len() == 9 {
        french(national)
    } else {
        None
    }
}

fn french(national: &str) -> Option<String> {
    let national = national
        .strip_prefix('0')
        .filter(|n| n.len() == 9)
        .unwrap_or(national);
    let b = national.as_bytes();
    if b.len() != 9 || b[0] == b'0' || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let pairs: Vec<&str> = (1..9).step_by(2).map(|i| &national[i..i + 2]).collect();
    Some(format!("+33 {} {}", &national[..1], pairs.join(" ")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn number(s: &str) -> Option<String> {
        parse(s).and_then(|p| p.number)
    }

    #[test]
    fn french_formats_are_accepted_and_normalised() {
        for input in [
            "01 23 45 67 89",
            "0123456789",
            "01.23.45.67.89",
            "01-23-45-67-89",
            "+33 1 23 45 67 89",
            "+33 (0)1 23 45 67 89",
            "+33123456789",
            "0033 1 23 45 67 89",
        ] {
            assert_eq!(
                number(input).as_deref(),
                Some("+33 1 23 45 67 89"),
                "{input}"
            );
        }
        assert_eq!(
            number("06 12 34 56 78").as_deref(),
            Some("+33 6 12 34 56 78")
        );
    }

    #[test]
    fn extensions_are_accepted() {
        let p = parse("01 23 45 67 89 poste 1234").expect("number with extension");
        assert_eq!(p.extension.as_deref(), Some("1234"));
        assert_eq!(
            parse("poste 42").and_then(|p| p.extension).as_deref(),
            Some("42")
        );
        assert_eq!(
            parse("+33 1 23 45 67 89 ext. 7")
                .and_then(|p| p.extension)
                .as_deref(),
            Some("7")
        );
        assert_eq!(
            parse("0123456789 x12").and_then(|p| p.extension).as_deref(),
            Some("12")
        );
        assert_eq!(
            parse("poste 42").map(|p| p.to_string()).as_deref(),
            Some("poste 42")
        );
    }

    #[test]
    fn other_countries_are_accepted() {
        assert_eq!(number("+32 2 123 45 67").as_deref(), Some("+3221234567"));
    }

    #[test]
    fn garbage_is_refused() {
        for input in [
            "",
            "abc",
            "12345",
            "01 23 45 67",
            "01 23 45 67 89 10",
            "00 23 45 67 89",
            "poste",
            "poste abc",
            "+33 0 00 00 00 00",
            "1234567890",
            "01 23 45 67 8a",
            "+1",
        ] {
            assert_eq!(parse(input), None, "{input:?} should be refused");
        }
    }
}
