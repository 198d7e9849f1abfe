//! The entity a requester's tickets go to, chosen once in Settings, against the GLPI double in
//! its 10 and 11 modes: the entities listed by name (`getMyEntities`), the choice saved in the
//! user's settings and sent as `entities_id`, GLPI's default without a choice, and IT's
//! `server.entity` winning over the user's and locking it.

#![allow(clippy::expect_used, clippy::unwrap_used)] // Tests fail loudly by design.

use guichet_core::api::Guichet;
use guichet_core::clock::SystemClock;
use guichet_core::config::Lockable;
use guichet_core::credentials::OsKeyring;
use guichet_core::i18n::Lang;
use guichet_core::protocol::ipc::{EntityChoice, Preferences};
use guichet_core::protocol::view::{Entity, SubmitOutcome};
use guichet_core::report::ReportInput;
use guichet_glpi_double::{DoubleConfig, GlpiDouble, GlpiVersion, UserSpec};
use std::path::Path;
use std::sync::Arc;

const TOKEN: &str = "2222222222222222222222222222222222222222";

fn double(version: GlpiVersion) -> GlpiDouble {
    let mut config = DoubleConfig::of(version);
    config
        .users
        .push(UserSpec::self_service(8, "deux", "deux", TOKEN).in_entities(&[2, 1]));
    GlpiDouble::start(config).expect("double")
}

/// Guichet with IT's file pointing at `double` (`extra` lines added to `[server]`).
fn guichet(dir: &Path, double: &GlpiDouble, extra: &str) -> Guichet {
    let system = dir.join("guichet.toml");
    std::fs::write(
        &system,
        format!(
            "language = \"fr\"\n[server]\nkind = \"glpi\"\nurl = \"{}\"\nuser_token = \"{TOKEN}\"\n{extra}",
            double.base_url()
        ),
    )
    .expect("IT's file");
    Guichet::from_layers(
        Some(&system),
        dir.join("data"),
        Arc::new(SystemClock),
        // The token is in IT's file: the keyring is never asked.
        Arc::new(OsKeyring),
    )
    .expect("guichet")
}

async fn file_ticket(g: &Guichet) -> u64 {
    let input = ReportInput {
        subject: "Vidéoprojecteur".into(),
        description: "Le vidéoprojecteur de la salle 4 ne s'allume plus.".into(),
        ..ReportInput::default()
    };
    let report = g.build_report(&input, Vec::new(), Vec::new()).unwrap();
    match g.submit(report).await.unwrap() {
        SubmitOutcome::Sent { ticket, .. } => ticket,
        other => panic!("not sent: {other:?}"),
    }
}

fn choose(choice: EntityChoice) -> Preferences {
    Preferences {
        entity: Some(choice),
        ..Preferences::default()
    }
}

#[tokio::test]
async fn the_entity_chosen_once_in_settings_is_where_tickets_go() {
    for version in [GlpiVersion::V10, GlpiVersion::V11] {
        let glpi = double(version);
        let dir = tempfile::tempdir().unwrap();
        let g = guichet(dir.path(), &glpi, "");
        let view = g.settings(0);
        assert!(view.entities, "GLPI offers the choice");
        assert_eq!(view.entity, None);
        let list = g.entities().await.expect("entities");
        assert_eq!(
            list.entities,
            [
                Entity {
                    id: 1,
                    name: "Root entity > Collège Jean Moulin".into()
                },
                Entity {
                    id: 2,
                    name: "Root entity > Lycée Victor Hugo".into()
                },
            ],
            "{version:?}: by name, decoded once"
        );
        assert_eq!((list.chosen, list.locked), (None, false));
        // No choice: GLPI's default (the user's active entity), no `entities_id` sent.
        let ticket = file_ticket(&g).await;
        assert_eq!(glpi.ticket(ticket).unwrap().entity_id, 2, "{version:?}");

        g.save_preferences(choose(EntityChoice::Entity { id: 1 }))
            .expect("saved");
        let g = g.reloaded().unwrap();
        assert_eq!(g.settings(0).entity, Some(1));
        assert_eq!(g.entities().await.unwrap().chosen, Some(1));
        let ticket = file_ticket(&g).await;
        assert_eq!(
            glpi.ticket(ticket).unwrap().entity_id,
            1,
            "{version:?}: the user's choice"
        );
        let saved = std::fs::read_to_string(dir.path().join("data/settings.toml")).unwrap();
        assert!(saved.contains("entity = 1"), "{saved}");

        // Back to GLPI's default.
        g.save_preferences(choose(EntityChoice::Default))
            .expect("saved");
        let g = g.reloaded().unwrap();
        assert_eq!(g.settings(0).entity, None);
        let ticket = file_ticket(&g).await;
        assert_eq!(glpi.ticket(ticket).unwrap().entity_id, 2, "{version:?}");
    }
}

#[tokio::test]
async fn it_s_entity_wins_and_locks_the_choice() {
    let glpi = double(GlpiVersion::V11);
    let dir = tempfile::tempdir().unwrap();
    // A choice saved before IT set the entity is ignored, not lost.
    std::fs::create_dir_all(dir.path().join("data")).unwrap();
    std::fs::write(dir.path().join("data/settings.toml"), "entity = 1\n").unwrap();
    let g = guichet(dir.path(), &glpi, "entity = 2\n");
    let view = g.settings(0);
    assert!(view.locked.contains(&Lockable::Entity), "{:?}", view.locked);
    assert_eq!(view.entity, Some(2));
    let list = g.entities().await.unwrap();
    assert_eq!((list.chosen, list.locked), (Some(2), true));
    let error = g
        .save_preferences(choose(EntityChoice::Entity { id: 1 }))
        .expect_err("locked");
    assert!(
        error.report(Lang::Fr).message.contains("informatique"),
        "{:?}",
        error.report(Lang::Fr)
    );
    g.save_preferences(choose(EntityChoice::Entity { id: 2 }))
        .expect("IT's own value is accepted");
    let ticket = file_ticket(&g).await;
    assert_eq!(glpi.ticket(ticket).unwrap().entity_id, 2);
}

#[tokio::test]
async fn rt_and_no_help_desk_have_no_entities() {
    let dir = tempfile::tempdir().unwrap();
    let g = Guichet::from_layers(
        None,
        dir.path().join("data"),
        Arc::new(SystemClock),
        Arc::new(OsKeyring),
    )
    .unwrap();
    assert!(!g.settings(0).entities);
    assert!(g.entities().await.is_err(), "no help desk to ask");
    let system = dir.path().join("rt.toml");
    std::fs::write(
        &system,
        "[server]\nkind = \"rt\"\nurl = \"http://127.0.0.1:9/REST/2.0\"\ntoken = \"t\"\nrequestor = \"prof@example.org\"\n",
    )
    .unwrap();
    let rt = Guichet::from_layers(
        Some(&system),
        dir.path().join("rt"),
        Arc::new(SystemClock),
        Arc::new(OsKeyring),
    )
    .unwrap();
    assert_eq!(rt.config_problem_list(), Vec::new());
    assert!(!rt.settings(0).entities, "RT hides the choice");
}
