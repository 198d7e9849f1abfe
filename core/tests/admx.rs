//! The Group Policy template (`packaging/windows/guichet.admx`) and its two languages describe
//! settings the agent reads: every value a policy writes is named after a setting
//! `config::managed` knows, under the key it reads, and every string and presentation the
//! template refers to exists in French and in English.

#![allow(clippy::expect_used, clippy::unwrap_used)] // Tests fail loudly by design.

use guichet_core::config::managed::{ManagedLayer, RegValue, ValueError, POLICY_KEY};
use std::path::{Path, PathBuf};

fn packaging() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../packaging/windows")
}

fn read(name: &str) -> String {
    let path = packaging().join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Every text between `open` and the next `close` in `xml`, in order.
fn between<'a>(xml: &'a str, open: &str, close: char) -> Vec<&'a str> {
    xml.match_indices(open)
        .filter_map(|(at, _)| {
            let rest = &xml[at + open.len()..];
            rest.find(close).map(|end| &rest[..end])
        })
        .collect()
}

/// Every `attribute="…"` value in `xml`, in order.
fn attributes<'a>(xml: &'a str, attribute: &str) -> Vec<&'a str> {
    between(xml, &format!(" {attribute}=\""), '"')
}

/// Every `$(kind.id)` reference in `xml`.
fn references<'a>(xml: &'a str, kind: &str) -> Vec<&'a str> {
    between(xml, &format!("$({kind}."), ')')
}

#[test]
fn every_policy_writes_a_setting_the_agent_reads() {
    let admx = read("guichet.admx");
    let keys = attributes(&admx, "key");
    assert!(!keys.is_empty());
    assert!(keys.iter().all(|key| *key == POLICY_KEY), "{keys:?}");

    let names = attributes(&admx, "valueName");
    assert_eq!(
        names.len(),
        admx.matches("<policy ").count(),
        "one value per policy"
    );
    let layer = ManagedLayer {
        source: PathBuf::from(POLICY_KEY),
        values: names
            .iter()
            .map(|name| ((*name).to_owned(), RegValue::Number(1)))
            .collect(),
    };
    let (_, problems) = layer.table();
    let unknown: Vec<_> = problems
        .iter()
        .filter(|p| p.detail == ValueError::Unknown)
        .collect();
    assert!(
        unknown.is_empty(),
        "not settings Guichet reads: {unknown:?}"
    );
    for expected in [
        "server.url",
        "server.kind",
        "server.app_token",
        "server.queue",
        "locked",
    ] {
        assert!(names.contains(&expected), "no policy for {expected}");
    }
}

#[test]
fn every_string_exists_in_french_and_in_english() {
    let admx = read("guichet.admx");
    for lang in ["fr-FR", "en-US"] {
        let adml = read(&format!("{lang}/guichet.adml"));
        let strings = attributes(&adml, "id");
        for id in references(&admx, "string") {
            assert!(strings.contains(&id), "{lang}: no string {id}");
            assert!(
                strings.contains(&format!("{id}_Help").as_str())
                    || !admx.contains(&format!("explainText=\"$(string.{id}_Help)\"")),
                "{lang}: no help for {id}"
            );
        }
        let presented = attributes(&adml, "refId");
        for id in references(&admx, "presentation") {
            assert!(strings.contains(&id), "{lang}: no presentation {id}");
            assert!(presented.contains(&id), "{lang}: {id} presents no element");
        }
    }
}
