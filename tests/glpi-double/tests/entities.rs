//! Entities as measured on real GLPI 10.0.14 and 11.0.6 (`docs/DEPLOYMENT.md`, "What was checked
//! against a real GLPI"): `getMyEntities` lists complete names (encoded on 10), the children of a
//! recursive assignment only with `is_recursive=1`; `entities_id` chooses among the user's
//! entities, any other is refused; without it the ticket goes to the active entity.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{Api, PROF_ID};
use guichet_glpi_double::{DoubleConfig, GlpiDouble, GlpiVersion, UserSpec};
use reqwest::StatusCode;
use serde_json::{json, Value};

const TWO_TOKEN: &str = "2222222222222222222222222222222222222222";

fn start(version: GlpiVersion) -> GlpiDouble {
    let mut config = DoubleConfig::of(version);
    config
        .users
        .push(UserSpec::self_service(8, "deux", "deux", TWO_TOKEN).in_entities(&[1, 2]));
    config.entities.push(guichet_glpi_double::EntitySpec {
        id: 4,
        completename: "Root entity > Lycée & <co>".into(),
    });
    GlpiDouble::start(config).expect("double starts")
}

fn names(answer: &Value) -> Vec<(u64, String)> {
    answer["myentities"]
        .as_array()
        .expect("myentities")
        .iter()
        .map(|e| {
            (
                e["id"].as_u64().unwrap(),
                e["name"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[tokio::test]
async fn get_my_entities_lists_complete_names_encoded_on_10_only() {
    for version in [GlpiVersion::V10, GlpiVersion::V11] {
        let double = start(version);
        let two = Api::login(&double, TWO_TOKEN).await;
        let listed = names(&two.get("/getMyEntities").await.body);
        let gt = if version == GlpiVersion::V10 {
            "&#62;"
        } else {
            ">"
        };
        assert_eq!(
            listed,
            [
                (1, format!("Root entity {gt} Collège Jean Moulin")),
                (2, format!("Root entity {gt} Lycée Victor Hugo")),
            ],
            "{version:?}"
        );
        assert_eq!(
            names(&two.get("/getMyEntities?is_recursive=1").await.body),
            listed
        );
        // The root entity, recursively: the root alone, its children with `is_recursive`.
        let prof = Api::prof(&double).await;
        assert_eq!(
            names(&prof.get("/getMyEntities").await.body),
            [(0, "Root entity".into())]
        );
        let all = names(
            &prof
                .get_with(
                    "/getMyEntities?is_recursive=1",
                    &[("X-GLPI-Sanitized-Content", "false")],
                )
                .await
                .body,
        );
        assert_eq!(all.len(), 5, "{all:?}");
        let odd = &all.iter().find(|(id, _)| *id == 4).unwrap().1;
        match version {
            GlpiVersion::V10 => assert_eq!(odd, "Root entity &#62; Lycée &#38; &#60;co&#62;"),
            GlpiVersion::V11 => assert_eq!(odd, "Root entity > Lycée & <co>"),
        }
    }
}

#[tokio::test]
async fn entities_id_chooses_among_the_user_s_entities_and_only_those() {
    for version in [GlpiVersion::V10, GlpiVersion::V11] {
        let double = start(version);
        let two = Api::login(&double, TWO_TOKEN).await;
        let create = |entity: Option<u64>| {
            let mut input = json!({"name": "Écran noir", "content": "x", "_users_id_requester": 8});
            if let Some(entity) = entity {
                input["entities_id"] = json!(entity);
            }
            json!({ "input": input })
        };
        let id = |answer: &common::Answer| answer.body["id"].as_u64().unwrap();
        let default = two.post("/Ticket", &create(None)).await;
        assert_eq!(default.status, StatusCode::CREATED, "{}", default.text);
        assert_eq!(
            double.ticket(id(&default)).unwrap().entity_id,
            1,
            "the active entity"
        );
        let chosen = two.post("/Ticket", &create(Some(2))).await;
        assert_eq!(double.ticket(id(&chosen)).unwrap().entity_id, 2);
        for foreign in [0, 3, 99] {
            let refused = two.post("/Ticket", &create(Some(foreign))).await;
            assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{foreign}");
            assert_eq!(
                refused.body,
                json!([
                    "ERROR_GLPI_ADD",
                    "You don't have permission to perform this action."
                ])
            );
        }
        // The root entity's requester may file in any entity below it.
        let prof = Api::prof(&double).await;
        let answer = prof
            .post(
                "/Ticket",
                &json!({"input": {"name": "x", "content": "x", "_users_id_requester": PROF_ID,
                    "entities_id": 3}}),
            )
            .await;
        assert_eq!(double.ticket(id(&answer)).unwrap().entity_id, 3);
        assert_eq!(
            double.tickets().len(),
            3,
            "{version:?}: refused creates stored nothing"
        );
    }
}
