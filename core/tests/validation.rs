//! Every kind of bad input gets its own clear, translated error, and nothing is half-built.

#![allow(clippy::expect_used, clippy::unwrap_used)] // Tests and benches fail loudly by design.

use guichet_core::facts::MachineFacts;
use guichet_core::i18n::Lang;
use guichet_core::report::{
    AttachmentSource, Category, Field, Limits, Report, ReportDraft, ValidationError,
};
use std::path::PathBuf;

fn categories() -> Vec<Category> {
    vec![
        Category {
            id: 1,
            name: "Matériel".into(),
        },
        Category {
            id: 4,
            name: "Matériel > Imprimante".into(),
        },
        Category {
            id: 2,
            name: "Réseau".into(),
        },
    ]
}

fn draft() -> ReportDraft {
    ReportDraft {
        subject: "Imprimante bloquée".into(),
        description: "L'imprimante de la salle 12 affiche un bourrage papier.".into(),
        category: Some("Imprimante".into()),
        phone: Some("01 23 45 67 89".into()),
        location: Some("Salle 12".into()),
        attachments: vec![],
    }
}

fn build(d: &ReportDraft) -> Result<Report, Vec<ValidationError>> {
    build_with(d, &Limits::default())
}

fn build_with(d: &ReportDraft, limits: &Limits) -> Result<Report, Vec<ValidationError>> {
    Report::build(
        d,
        limits,
        &categories(),
        MachineFacts::default(),
        0,
        Lang::Fr,
    )
    .map_err(|e| e.0)
}

/// The single error a draft produces, with its French and English messages.
fn only_error(d: &ReportDraft, limits: &Limits) -> (ValidationError, String, String) {
    let errors = build_with(d, limits).expect_err("draft must be refused");
    assert_eq!(errors.len(), 1, "{errors:?}");
    let e = errors[0].clone();
    let (fr, en) = (e.message(Lang::Fr), e.message(Lang::En));
    assert_ne!(fr, en, "both languages exist");
    assert!(
        !fr.contains('{') && !en.contains('{'),
        "placeholders filled: {fr} / {en}"
    );
    (e, fr, en)
}

fn tmp_file(dir: &tempfile::TempDir, name: &str, len: usize) -> PathBuf {
    let path = dir.path().join(name);
    std::fs::write(&path, vec![b'x'; len]).expect("write");
    path
}

#[test]
fn a_good_draft_becomes_a_report() {
    let report = build(&draft()).expect("valid");
    assert_eq!(
        report.category,
        Some(Category {
            id: 4,
            name: "Matériel > Imprimante".into()
        })
    );
    assert_eq!(
        report.phone.as_ref().and_then(|p| p.number.as_deref()),
        Some("+33 1 23 45 67 89")
    );
    assert_eq!(report.location.as_deref(), Some("Salle 12"));
    // Ids and full paths work too, in any case.
    for c in ["4", "matériel > imprimante", "  Réseau "] {
        assert!(
            build(&ReportDraft {
                category: Some(c.into()),
                ..draft()
            })
            .is_ok(),
            "{c}"
        );
    }
}

#[test]
fn subject_missing_or_too_long() {
    let limits = Limits::default();
    let (e, fr, en) = only_error(
        &ReportDraft {
            subject: "   ".into(),
            ..draft()
        },
        &limits,
    );
    assert_eq!(e, ValidationError::SubjectMissing);
    assert_eq!(e.field(), Field::Subject);
    assert!(fr.contains("sujet") && en.contains("subject"));
    let (e, fr, en) = only_error(
        &ReportDraft {
            subject: "é".repeat(121),
            ..draft()
        },
        &limits,
    );
    assert_eq!(e, ValidationError::SubjectTooLong { len: 121, max: 120 });
    assert!(fr.contains("121") && en.contains("at most 120"));
}

#[test]
fn description_empty_short_or_long() {
    let limits = Limits::default();
    let (e, _, _) = only_error(
        &ReportDraft {
            description: "\n \n".into(),
            ..draft()
        },
        &limits,
    );
    assert_eq!(e, ValidationError::DescriptionMissing);
    let (e, fr, _) = only_error(
        &ReportDraft {
            description: "ça marche pas".into(),
            ..draft()
        },
        &limits,
    );
    assert_eq!(e, ValidationError::DescriptionTooShort { len: 13, min: 15 });
    assert!(
        fr.contains("poste concerné"),
        "guidance in the message: {fr}"
    );
    let (e, _, en) = only_error(
        &ReportDraft {
            description: "a".repeat(5001),
            ..draft()
        },
        &limits,
    );
    assert_eq!(
        e,
        ValidationError::DescriptionTooLong {
            len: 5001,
            max: 5000
        }
    );
    assert!(en.contains("One problem per report"));
}

#[test]
fn phone_invalid() {
    let (e, fr, en) = only_error(
        &ReportDraft {
            phone: Some("12 34".into()),
            ..draft()
        },
        &Limits::default(),
    );
    assert_eq!(
        e,
        ValidationError::PhoneInvalid {
            value: "12 34".into()
        }
    );
    assert_eq!(e.field(), Field::Phone);
    assert!(fr.contains("« 12 34 »") && en.contains("\"12 34\""));
    for ok in [
        "+33 6 12 34 56 78",
        "poste 1234",
        "01 23 45 67 89 poste 12",
        "",
    ] {
        assert!(
            build(&ReportDraft {
                phone: Some(ok.into()),
                ..draft()
            })
            .is_ok(),
            "{ok}"
        );
    }
}

#[test]
fn category_unknown() {
    let (e, fr, _) = only_error(
        &ReportDraft {
            category: Some("Cafetière".into()),
            ..draft()
        },
        &Limits::default(),
    );
    assert_eq!(
        e,
        ValidationError::CategoryUnknown {
            value: "Cafetière".into()
        }
    );
    assert!(fr.contains("Cafetière"));
    let (e, _, _) = only_error(
        &ReportDraft {
            category: Some("99".into()),
            ..draft()
        },
        &Limits::default(),
    );
    assert_eq!(e.field(), Field::Category);
}

#[test]
fn too_many_attachments() {
    let dir = tempfile::tempdir().expect("tempdir");
    let files = (0..6)
        .map(|i| AttachmentSource::Path(tmp_file(&dir, &format!("f{i}.txt"), 10)))
        .collect();
    let (e, _, en) = only_error(
        &ReportDraft {
            attachments: files,
            ..draft()
        },
        &Limits::default(),
    );
    assert_eq!(e, ValidationError::TooManyAttachments { count: 6, max: 5 });
    assert!(en.contains("at most 5"));
}

#[test]
fn attachment_unreadable() {
    let missing = AttachmentSource::Path("/nonexistent/dir/capture.png".into());
    let (e, _, en) = only_error(
        &ReportDraft {
            attachments: vec![missing],
            ..draft()
        },
        &Limits::default(),
    );
    assert!(
        matches!(&e, ValidationError::AttachmentUnreadable { name, .. } if name == "capture.png"),
        "{e:?}"
    );
    assert!(en.contains("capture.png"));
    let dir = tempfile::tempdir().expect("tempdir");
    let folder = dir.path().join("folder.zip");
    std::fs::create_dir(&folder).expect("mkdir");
    let (e, _, _) = only_error(
        &ReportDraft {
            attachments: vec![AttachmentSource::Path(folder)],
            ..draft()
        },
        &Limits::default(),
    );
    assert!(matches!(e, ValidationError::AttachmentUnreadable { .. }));
}

#[test]
fn attachment_too_large_and_total_too_large_with_configurable_limits() {
    let dir = tempfile::tempdir().expect("tempdir");
    let limits = Limits {
        attachment_max_bytes: 1000,
        attachments_total_max_bytes: 1500,
        ..Limits::default()
    };
    let big = AttachmentSource::Path(tmp_file(&dir, "big.pdf", 1001));
    let (e, fr, en) = only_error(
        &ReportDraft {
            attachments: vec![big],
            ..draft()
        },
        &limits,
    );
    assert_eq!(
        e,
        ValidationError::AttachmentTooLarge {
            name: "big.pdf".into(),
            size: 1001,
            max: 1000
        }
    );
    assert!(fr.contains("big.pdf") && en.contains("1000 B"), "{en}");
    let two = vec![
        AttachmentSource::Path(tmp_file(&dir, "a.pdf", 800)),
        AttachmentSource::Bytes {
            name: "b.png".into(),
            bytes: vec![1; 800],
        },
    ];
    let (e, _, _) = only_error(
        &ReportDraft {
            attachments: two,
            ..draft()
        },
        &limits,
    );
    assert_eq!(
        e,
        ValidationError::AttachmentsTotalTooLarge {
            total: 1600,
            max: 1500
        }
    );
    // The defaults are 10 MiB per file and 20 MiB in all.
    assert_eq!(Limits::default().attachment_max_bytes, 10 * 1024 * 1024);
    assert_eq!(
        Limits::default().attachments_total_max_bytes,
        20 * 1024 * 1024
    );
}

#[test]
fn attachment_type_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    for name in ["setup.exe", "photo.webp", "noextension"] {
        let (e, fr, en) = only_error(
            &ReportDraft {
                attachments: vec![AttachmentSource::Path(tmp_file(&dir, name, 5))],
                ..draft()
            },
            &Limits::default(),
        );
        assert!(
            matches!(&e, ValidationError::AttachmentTypeRefused { name: n, .. } if n == name),
            "{e:?}"
        );
        assert!(en.contains("pdf"), "lists what is accepted: {en}");
        // The list is this computer's (IT's), whatever the help desk: never "the help desk
        // does not accept".
        assert!(
            en.contains("This computer") && en.contains("IT department"),
            "{en}"
        );
        assert!(!en.contains("help desk"), "{en}");
        assert!(
            fr.contains("Ce poste") && fr.contains("service informatique"),
            "{fr}"
        );
    }
    assert!(build(&ReportDraft {
        attachments: vec![AttachmentSource::Path(tmp_file(&dir, "Capture.PNG", 5))],
        ..draft()
    })
    .is_ok());
}

#[test]
fn attachment_name_with_separators_or_not_utf8() {
    for bad in [
        "../../etc/passwd.txt",
        "dir\\file.txt",
        "",
        "..",
        "a\nb.txt",
    ] {
        let source = AttachmentSource::Bytes {
            name: bad.into(),
            bytes: vec![1],
        };
        let (e, _, _) = only_error(
            &ReportDraft {
                attachments: vec![source],
                ..draft()
            },
            &Limits::default(),
        );
        assert!(
            matches!(e, ValidationError::AttachmentNameInvalid { .. }),
            "{bad:?}: {e:?}"
        );
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let backslash = tmp_file(&dir, "a\\b.txt", 3);
    let (e, _, _) = only_error(
        &ReportDraft {
            attachments: vec![AttachmentSource::Path(backslash)],
            ..draft()
        },
        &Limits::default(),
    );
    assert!(matches!(e, ValidationError::AttachmentNameInvalid { .. }));
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let name = std::ffi::OsStr::from_bytes(b"caf\xe9.txt");
        let path = dir.path().join(name);
        std::fs::write(&path, b"x").expect("write");
        let (e, fr, _) = only_error(
            &ReportDraft {
                attachments: vec![AttachmentSource::Path(path)],
                ..draft()
            },
            &Limits::default(),
        );
        assert!(
            matches!(&e, ValidationError::AttachmentNameNotUtf8 { lossy } if lossy == "caf\u{FFFD}.txt"),
            "{e:?}"
        );
        assert!(fr.contains("Renommez"));
    }
}

#[test]
fn empty_attachment_is_refused() {
    let source = AttachmentSource::Bytes {
        name: "vide.txt".into(),
        bytes: vec![],
    };
    let (e, _, _) = only_error(
        &ReportDraft {
            attachments: vec![source],
            ..draft()
        },
        &Limits::default(),
    );
    assert_eq!(
        e,
        ValidationError::AttachmentEmpty {
            name: "vide.txt".into()
        }
    );
}

#[test]
fn all_problems_are_reported_at_once_in_form_order() {
    let bad = ReportDraft {
        subject: String::new(),
        description: "court".into(),
        category: Some("Cafetière".into()),
        phone: Some("abc".into()),
        location: None,
        attachments: vec![AttachmentSource::Bytes {
            name: "x.exe".into(),
            bytes: vec![1],
        }],
    };
    let fields: Vec<Field> = build(&bad)
        .expect_err("invalid")
        .iter()
        .map(ValidationError::field)
        .collect();
    assert_eq!(
        fields,
        vec![
            Field::Subject,
            Field::Description,
            Field::Category,
            Field::Phone,
            Field::Attachments
        ]
    );
}

#[test]
fn user_text_cannot_inject_markup() {
    let report = build(&ReportDraft {
        subject: "<b>urgent</b>".into(),
        description: "<img src=x onerror=alert(1)>\n\nSalle 12 & 13".into(),
        ..draft()
    })
    .expect("valid");
    let body = guichet_core::html::ticket_body(&report);
    assert!(
        body.starts_with("<p>&lt;img src=x onerror=alert(1)&gt;</p><p>Salle 12 &amp; 13</p>"),
        "{body}"
    );
    assert!(!body.contains("<img"));
    assert!(
        body.contains(&report.id.to_string()),
        "the client id travels in the body"
    );
    assert!(body.contains("+33 1 23 45 67 89"));
}
