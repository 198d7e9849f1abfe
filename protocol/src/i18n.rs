//! The Rust message catalogue (French first, English complete). The tray, notifications, CLI and
//! validation errors read it; the web UI has its own catalogue under `ui/src/locales` with the same
//! keys for shared messages.

use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::OnceLock;

/// Names the language a Guichet process speaks, above the locale (see [`Lang::from_env`]).
pub const LANG_ENV: &str = "GUICHET_LANG";

/// A language Guichet speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// French, the default: Guichet's users are French public servants.
    #[default]
    Fr,
    /// English.
    En,
}

impl Lang {
    /// Parses a locale such as `fr_FR.UTF-8`, `en-GB` or `en`. Anything not English is French:
    /// Guichet's users are French public servants.
    pub fn from_locale(locale: &str) -> Lang {
        let l = locale.trim().to_ascii_lowercase();
        if l.starts_with("en") {
            Lang::En
        } else {
            Lang::Fr
        }
    }

    /// The user's language: `GUICHET_LANG` (the agent passes its own down to the windows it
    /// starts), else the usual POSIX variables, in their order of precedence.
    pub fn from_env() -> Lang {
        [LANG_ENV, "LC_ALL", "LC_MESSAGES", "LANG"]
            .iter()
            .filter_map(|var| std::env::var(var).ok())
            .find(|v| !v.is_empty() && v != "C" && v != "POSIX")
            .map(|v| Lang::from_locale(&v))
            .unwrap_or_default()
    }

    /// The language's ISO 639-1 code (`fr`, `en`), as the catalogue files and the UI name it.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Fr => "fr",
            Lang::En => "en",
        }
    }
}

type Catalogue = HashMap<String, String>;

fn catalogue(lang: Lang) -> &'static Catalogue {
    static FR: OnceLock<Catalogue> = OnceLock::new();
    static EN: OnceLock<Catalogue> = OnceLock::new();
    let (cell, source) = match lang {
        Lang::Fr => (&FR, include_str!("../locales/fr.json")),
        Lang::En => (&EN, include_str!("../locales/en.json")),
    };
    // The catalogues are compiled in and checked by tests, so a parse failure cannot reach users;
    // an empty map still degrades to showing keys rather than panicking.
    cell.get_or_init(|| serde_json::from_str(source).unwrap_or_default())
}

/// Looks up `key` in `lang`, falling back to French, then to the key itself, and fills the
/// `{name}` placeholders from `args`.
pub fn t(lang: Lang, key: &str, args: &[(&str, &dyn std::fmt::Display)]) -> String {
    let template = catalogue(lang)
        .get(key)
        .or_else(|| catalogue(Lang::Fr).get(key))
        .map(String::as_str)
        .unwrap_or(key);
    substitute(template, args)
}

/// Replaces each `{name}` of `template` by its value in one pass over the template, so that a
/// value containing braces (a file named `{max}.pdf`) is never itself substituted. A brace that
/// opens no known name is kept as written.
fn substitute(template: &str, args: &[(&str, &dyn std::fmt::Display)]) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let value = after.find('}').and_then(|close| {
            let name = &after[..close];
            let (_, value) = args.iter().find(|(n, _)| *n == name)?;
            Some((value.to_string(), close))
        });
        match value {
            Some((text, close)) => {
                out.push_str(&text);
                rest = &after[close + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// All keys of a catalogue, for completeness tests.
pub fn keys(lang: Lang) -> Vec<&'static str> {
    let mut k: Vec<&str> = catalogue(lang).keys().map(String::as_str).collect();
    k.sort_unstable();
    k
}

/// A byte count for people: "1.5 Mio" / "1.5 MiB".
pub fn human_size(lang: Lang, bytes: u64) -> String {
    let units: [&str; 4] = match lang {
        Lang::Fr => ["o", "Kio", "Mio", "Gio"],
        Lang::En => ["B", "KiB", "MiB", "GiB"],
    };
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit < units.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    let text = if unit == 0 {
        format!("{bytes}")
    } else {
        format!("{value:.1}")
    };
    let text = if lang == Lang::Fr {
        text.replace('.', ",")
    } else {
        text
    };
    format!("{text} {}", units[unit])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_with_braces_is_never_substituted_again() {
        let name = "{max}.pdf";
        let got = substitute(
            "« {name} » dépasse {max} ({size})",
            &[("name", &name), ("max", &"10 Mio"), ("size", &"12 Mio")],
        );
        assert_eq!(got, "« {max}.pdf » dépasse 10 Mio (12 Mio)");
        assert_eq!(
            substitute("{unknown} and { open", &[("x", &1)]),
            "{unknown} and { open"
        );
        assert_eq!(substitute("tail {x", &[("x", &1)]), "tail {x");
        assert_eq!(substitute("{x}{x}", &[("x", &"é")]), "éé");
    }

    #[test]
    fn catalogues_parse_and_have_the_same_keys() {
        for lang in [Lang::Fr, Lang::En] {
            let src = match lang {
                Lang::Fr => include_str!("../locales/fr.json"),
                Lang::En => include_str!("../locales/en.json"),
            };
            assert!(
                serde_json::from_str::<Catalogue>(src).is_ok(),
                "{lang:?} catalogue parses"
            );
        }
        assert_eq!(keys(Lang::Fr), keys(Lang::En));
        assert!(keys(Lang::Fr).len() > 40);
    }

    #[test]
    fn placeholders_are_filled() {
        let msg = t(
            Lang::En,
            "validation.attachments.too_many",
            &[("count", &7), ("max", &5)],
        );
        assert_eq!(msg, "Too many attachments (7): at most 5 per report.");
        assert_eq!(t(Lang::Fr, "no.such.key", &[]), "no.such.key");
    }

    #[test]
    fn locales_map_to_languages() {
        assert_eq!(Lang::from_locale("en_GB.UTF-8"), Lang::En);
        assert_eq!(Lang::from_locale("fr_FR.UTF-8"), Lang::Fr);
        assert_eq!(Lang::from_locale("de_DE"), Lang::Fr);
    }

    #[test]
    fn sizes_read_naturally() {
        assert_eq!(human_size(Lang::En, 10 * 1024 * 1024), "10.0 MiB");
        assert_eq!(human_size(Lang::Fr, 1536), "1,5 Kio");
        assert_eq!(human_size(Lang::En, 12), "12 B");
    }
}
