//! GLPI 11 mode, point by point after `shared/glpi-api.md` section V.11, each checked against the
//! same request on the GLPI 10 mode where the two differ.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{Api, PROF_ID};
use guichet_glpi_double::{DoubleConfig, GlpiDouble, GlpiVersion};
use reqwest::StatusCode;
use serde_json::json;

const SUBJECT: &str = "Test <b>gras</b> & co";

fn start(version: GlpiVersion) -> GlpiDouble {
    GlpiDouble::start(DoubleConfig::of(version)).expect("double starts")
}

#[tokio::test]
async fn the_version_is_in_the_configuration() {
    for version in [GlpiVersion::V10, GlpiVersion::V11] {
        let double = start(version);
        let api = Api::prof(&double).await;
        let cfg = api.get("/getGlpiConfig").await;
        assert_eq!(cfg.body["cfg_glpi"]["version"], version.number());
    }
}

#[tokio::test]
async fn texts_are_stored_and_returned_raw_with_no_sanitizing_header() {
    let double = start(GlpiVersion::V11);
    let api = Api::prof(&double).await;
    let answer = api
        .post(
            "/Ticket",
            &json!({"input": {"name": SUBJECT, "content": "<p>2 &lt; 3 &amp; 4</p>",
                "_users_id_requester": PROF_ID}}),
        )
        .await;
    assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.text);
    // Only the message of a 201 stays encoded.
    let message = answer.body["message"].as_str().unwrap();
    assert!(
        message.contains("Test &#60;b&#62;gras&#60;/b&#62; &#38; co"),
        "{message}"
    );
    let id = answer.body["id"].as_u64().unwrap();
    let plain = api.get(&format!("/Ticket/{id}")).await;
    assert_eq!(plain.body["name"], SUBJECT);
    assert_eq!(plain.body["content"], "<p>2 &lt; 3 &amp; 4</p>");
    let asked_raw = api
        .get_with(
            &format!("/Ticket/{id}"),
            &[("X-GLPI-Sanitized-Content", "false")],
        )
        .await;
    assert_eq!(asked_raw.body["content"], "<p>2 &lt; 3 &amp; 4</p>");
    let found = api
        .get("/search/Ticket?criteria[0][field]=2&criteria[0][searchtype]=equals&criteria[0][value]=1&forcedisplay[0]=21")
        .await;
    assert_eq!(found.body["data"][0]["1"], SUBJECT);
    assert_eq!(found.body["data"][0]["21"], "<p>2 &lt; 3 &amp; 4</p>");
    assert_eq!(double.ticket(id).unwrap().stored_name, SUBJECT);
}

#[tokio::test]
async fn externalid_is_kept_on_11_found_by_option_87_and_dropped_by_10() {
    let search = "/search/Ticket?criteria[0][field]=87&criteria[0][searchtype]=contains\
        &criteria[0][value]=^ref-42$&forcedisplay[0]=2";
    for version in [GlpiVersion::V10, GlpiVersion::V11] {
        let double = start(version);
        let api = Api::prof(&double).await;
        for externalid in ["ref-42", "ref-420"] {
            let answer = api
                .post(
                    "/Ticket",
                    &json!({"input": {"name": "x", "content": "y", "externalid": externalid,
                        "_users_id_requester": PROF_ID}}),
                )
                .await;
            assert_eq!(answer.status, StatusCode::CREATED);
        }
        let found = api.get(search).await;
        let row = api.get("/Ticket/1").await;
        match version {
            GlpiVersion::V10 => {
                assert_eq!(found.status, StatusCode::BAD_REQUEST, "{}", found.text);
                assert_eq!(found.body[0], "ERROR");
                assert!(row.body.get("externalid").is_none());
                assert_eq!(double.ticket(1).unwrap().externalid, None);
            }
            GlpiVersion::V11 => {
                assert_eq!(found.status, StatusCode::OK, "{}", found.text);
                assert_eq!(found.body["totalcount"], 1);
                assert_eq!(found.body["data"][0]["2"], 1);
                assert_eq!(row.body["externalid"], "ref-42");
                // No unique index: the same key twice makes two tickets.
                let again = api
                    .post(
                        "/Ticket",
                        &json!({"input": {"name": "x", "externalid": "ref-42",
                            "_users_id_requester": PROF_ID}}),
                    )
                    .await;
                assert_eq!(again.status, StatusCode::CREATED);
                assert_eq!(api.get(search).await.body["totalcount"], 2);
            }
        }
    }
}

#[tokio::test]
async fn a_refused_type_in_a_multipart_create_is_a_500_page_and_the_ticket_exists() {
    let double = start(GlpiVersion::V11);
    let api = Api::prof(&double).await;
    let manifest =
        json!({"input": {"name": "Écran", "content": "voir", "_users_id_requester": PROF_ID}});
    let answer = api
        .post_multipart(
            "/Ticket",
            &manifest,
            &[
                ("file0", "photo.png", b"png bytes"),
                ("file1", "outil.exe", b"MZ"),
            ],
        )
        .await;
    assert_eq!(answer.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(answer
        .header("content-type")
        .unwrap()
        .starts_with("text/html"));
    assert!(answer.text.contains("<html"), "{}", answer.text);
    let tickets = double.tickets();
    assert_eq!(tickets.len(), 1, "created anyway");
    let names: Vec<&str> = tickets[0]
        .documents
        .iter()
        .map(|d| d.filename.as_str())
        .collect();
    assert_eq!(names, ["photo.png"], "without the refused file");
    // `POST /Document` still answers 400.
    let doc = api
        .post_multipart(
            "/Document",
            &json!({"input": {"itemtype": "Ticket", "items_id": tickets[0].id}}),
            &[("file0", "outil.exe", b"MZ")],
        )
        .await;
    assert_eq!(doc.status, StatusCode::BAD_REQUEST);
    assert_eq!(doc.body[0], "ERROR_GLPI_ADD");
}

#[tokio::test]
async fn every_file_of_a_create_is_kept_two_parts_of_one_array_included() {
    for (version, kept) in [(GlpiVersion::V10, 1), (GlpiVersion::V11, 2)] {
        let double = start(version);
        let api = Api::prof(&double).await;
        let answer = api
            .post_multipart(
                "/Ticket",
                &json!({"input": {"name": "x", "content": "y", "_users_id_requester": PROF_ID}}),
                &[("file[]", "a.png", b"aaaa"), ("file[]", "b.png", b"bbbb")],
            )
            .await;
        assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.text);
        let id = answer.body["id"].as_u64().unwrap();
        assert_eq!(
            double.ticket(id).unwrap().documents.len(),
            kept,
            "{version:?}"
        );
    }
}

#[tokio::test]
async fn the_search_sort_shape_changed() {
    for (version, sort) in [
        (GlpiVersion::V10, json!(["1"])),
        (GlpiVersion::V11, json!([0])),
    ] {
        let double = start(version);
        let api = Api::prof(&double).await;
        api.create_ticket("x", "y").await;
        let found = api.get("/search/Ticket?forcedisplay[0]=2").await;
        assert_eq!(found.body["sort"], sort, "{version:?}");
        assert_eq!(found.body["data"][0]["2"], 1);
    }
}

#[tokio::test]
async fn the_survey_scale_goes_to_10_and_a_low_score_needs_a_comment() {
    let double = GlpiDouble::start(DoubleConfig {
        survey_max_rate: 10,
        survey_comment_required_up_to: Some(3),
        ..DoubleConfig::glpi11()
    })
    .expect("double");
    double.enable_surveys(true);
    let api = Api::prof(&double).await;
    let id = api.create_ticket("x", "y").await;
    double.add_solution(id, "fait").unwrap();
    let closed = api
        .followup(id, json!({"add_close": 1, "content": "merci"}))
        .await;
    assert_eq!(closed.status, StatusCode::CREATED, "{}", closed.text);
    let rate = |score: i64, comment: &str| json!({"input": {"tickets_id": id, "satisfaction": score, "comment": comment}});
    let refused = api
        .put(&format!("/TicketSatisfaction/{id}"), &rate(2, ""))
        .await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{}", refused.text);
    assert_eq!(refused.body[0], "ERROR_GLPI_UPDATE");
    let with_comment = api
        .put(&format!("/TicketSatisfaction/{id}"), &rate(2, "lent"))
        .await;
    assert_eq!(with_comment.status, StatusCode::OK, "{}", with_comment.text);
    let nine = api
        .put(&format!("/TicketSatisfaction/{id}"), &rate(9, ""))
        .await;
    assert_eq!(nine.status, StatusCode::OK, "{}", nine.text);
    let row = api.get(&format!("/TicketSatisfaction/{id}")).await;
    assert_eq!(row.body["satisfaction"], 9);
    assert_eq!(row.body["satisfaction_scaled_to_5"], 4);
}
