//! Tickets: creation, requester actor, HTML encoding, reads, rights, PUT, errors, categories.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{start, Api, PROF_ID};
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn create_ticket_with_and_without_requester() {
    let double = start();
    let api = Api::prof(&double).await;

    let with = api
        .post(
            "/Ticket",
            &json!({ "input": { "name": "Imprimante HS", "content": "Bourrage", "_users_id_requester": PROF_ID,
                                 "itilcategories_id": 4, "externalid": "abc-123", "urgency": 4 } }),
        )
        .await;
    assert_eq!(with.status, StatusCode::CREATED);
    let id = with.body["id"].as_u64().unwrap();
    assert_eq!(
        with.body["message"],
        format!("Item successfully added: Imprimante HS ({id})")
    );
    assert_eq!(
        with.header("location"),
        Some(format!("{}/Ticket/{id}", double.base_url()))
    );
    let ticket = double.ticket(id).unwrap();
    assert_eq!(
        (
            ticket.status,
            ticket.requester_ids.clone(),
            ticket.recipient_id
        ),
        (1, vec![PROF_ID], PROF_ID)
    );
    assert_eq!(ticket.category_id, 4);

    let without = api
        .post(
            "/Ticket",
            &json!({ "input": { "name": "Sans demandeur", "content": "x" } }),
        )
        .await;
    let ticket = double.ticket(without.body["id"].as_u64().unwrap()).unwrap();
    assert!(ticket.requester_ids.is_empty());
    assert_eq!(ticket.recipient_id, PROF_ID);

    let item = api.get(&format!("/Ticket/{id}")).await;
    assert_eq!(item.status, StatusCode::OK);
    assert_eq!(item.body["status"], 1);
    assert_eq!(item.body["users_id_recipient"], 7);
    assert!(item.body.get("externalid").is_none());
}

#[tokio::test]
async fn empty_name_is_built_from_content() {
    let double = start();
    let api = Api::prof(&double).await;
    let content = format!("<p>{}</p>", "mot ".repeat(30));
    let answer = api
        .post("/Ticket", &json!({ "input": { "content": content } }))
        .await;
    let ticket = double.ticket(answer.body["id"].as_u64().unwrap()).unwrap();
    assert_eq!(ticket.name.chars().count(), 70);
    assert!(ticket.name.starts_with("mot mot"));
}

#[tokio::test]
async fn names_and_contents_are_stored_html_encoded() {
    let double = start();
    let api = Api::prof(&double).await;
    let id = api
        .create_ticket("<b>Écran & clavier</b> \"HS\"", "<p>x & y</p>")
        .await;

    let ticket = double.ticket(id).unwrap();
    assert_eq!(
        ticket.stored_name,
        "&#60;b&#62;Écran &#38; clavier&#60;/b&#62; \"HS\""
    );
    assert_eq!(ticket.stored_content, "&#60;p&#62;x &#38; y&#60;/p&#62;");
    assert_eq!(ticket.name, "<b>Écran & clavier</b> \"HS\"");
    assert_eq!(ticket.content, "<p>x & y</p>");

    let encoded = api.get(&format!("/Ticket/{id}")).await;
    assert_eq!(encoded.body["name"], ticket.stored_name.as_str());
    assert_eq!(encoded.body["content"], ticket.stored_content.as_str());

    let raw = api
        .get_with(
            &format!("/Ticket/{id}"),
            &[("X-GLPI-Sanitized-Content", "false")],
        )
        .await;
    assert_eq!(raw.body["name"], "<b>Écran & clavier</b> \"HS\"");
    assert_eq!(raw.body["content"], "<p>x & y</p>");

    let listed = api
        .get_with("/Ticket", &[("X-GLPI-Sanitized-Content", "false")])
        .await;
    assert_eq!(listed.body[0]["content"], "<p>x & y</p>");

    let search = api
        .get_with(
            &format!("/search/Ticket?criteria[0][field]=2&criteria[0][searchtype]=equals&criteria[0][value]={id}"),
            &[("X-GLPI-Sanitized-Content", "false")],
        )
        .await;
    assert_eq!(search.body["data"][0]["1"], ticket.stored_name.as_str());

    let created = api
        .post(
            "/Ticket",
            &json!({ "input": { "name": "a<b", "content": "c" } }),
        )
        .await;
    let created_id = created.body["id"].as_u64().unwrap();
    assert_eq!(
        created.body["message"],
        format!("Item successfully added: a&#60;b ({created_id})")
    );
}

#[tokio::test]
async fn requester_sees_only_own_tickets() {
    let double = start();
    let admin = Api::admin(&double).await;
    let prof = Api::prof(&double).await;
    let foreign = admin
        .post(
            "/Ticket",
            &json!({ "input": { "name": "admin only", "content": "x" } }),
        )
        .await;
    let foreign = foreign.body["id"].as_u64().unwrap();
    let own = prof.create_ticket("mine", "x").await;

    let list = prof.get("/Ticket").await;
    assert_eq!(list.status, StatusCode::OK);
    let ids: Vec<u64> = list
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_u64().unwrap())
        .collect();
    assert_eq!(ids, vec![own]);
    assert_eq!(list.header("content-range"), Some("0-0/1".to_owned()));

    let denied = prof.get(&format!("/Ticket/{foreign}")).await;
    assert_eq!(denied.status, StatusCode::FORBIDDEN);
    assert_eq!(
        denied.text,
        r#"["ERROR_RIGHT_MISSING","You don't have permission to perform this action."]"#
    );
    let missing = prof.get("/Ticket/9999").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(missing.text, r#"["ERROR_ITEM_NOT_FOUND","Item not found"]"#);

    assert_eq!(admin.get("/Ticket").await.body.as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn list_pagination_headers() {
    let double = start();
    let api = Api::prof(&double).await;
    for i in 0..3 {
        api.create_ticket(&format!("t{i}"), "x").await;
    }
    let page = api.get("/Ticket?range=0-1").await;
    assert_eq!(page.status, StatusCode::PARTIAL_CONTENT);
    assert_eq!(page.header("content-range"), Some("0-1/3".to_owned()));
    assert_eq!(page.body.as_array().unwrap().len(), 2);
    let beyond = api.get("/Ticket?range=5-9").await;
    assert_eq!(beyond.status, StatusCode::BAD_REQUEST);
    assert_eq!(beyond.body[0], "ERROR_RANGE_EXCEED_TOTAL");
}

#[tokio::test]
async fn put_status_closed_only_on_untouched_tickets() {
    let double = start();
    let api = Api::prof(&double).await;
    let untouched = api.create_ticket("cancel me", "x").await;
    let answer = api
        .put(
            &format!("/Ticket/{untouched}"),
            &json!({ "input": { "status": 6 } }),
        )
        .await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(
        answer.body,
        json!([{ untouched.to_string(): true, "message": "" }])
    );
    assert_eq!(double.ticket(untouched).unwrap().status, 6);

    let touched = api.create_ticket("followed", "x").await;
    assert_eq!(
        api.followup(touched, json!({ "content": "more" }))
            .await
            .status,
        StatusCode::CREATED
    );
    let refused = api
        .put(
            &format!("/Ticket/{touched}"),
            &json!({ "input": { "status": 6 } }),
        )
        .await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert_eq!(refused.body[0], "ERROR_GLPI_UPDATE");

    let solved = api.create_ticket("solved", "x").await;
    double.add_solution(solved, "done").unwrap();
    let refused = api
        .put(
            &format!("/Ticket/{solved}"),
            &json!({ "input": { "status": 6 } }),
        )
        .await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert_eq!(refused.body[0], "ERROR_GLPI_UPDATE");
}

#[tokio::test]
async fn malformed_requests_get_glpi_errors() {
    let double = start();
    let api = Api::prof(&double).await;

    let bad_json = api
        .post_raw("/Ticket", "application/json", "{\"input\": ")
        .await;
    assert_eq!(bad_json.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        bad_json.text,
        r#"["ERROR_JSON_PAYLOAD_INVALID","JSON payload seems not valid"]"#
    );

    let no_input = api.post("/Ticket", &json!({ "name": "x" })).await;
    assert_eq!(no_input.status, StatusCode::BAD_REQUEST);
    assert_eq!(no_input.body[0], "ERROR_BAD_ARRAY");
    assert!(no_input.body[1]
        .as_str()
        .unwrap()
        .starts_with("input parameter must be an array of objects"));

    let unknown = api.get("/NoSuchThing").await;
    assert_eq!(unknown.status, StatusCode::BAD_REQUEST);
    assert_eq!(unknown.body[0], "ERROR_RESOURCE_NOT_FOUND_NOR_COMMONDBTM");
    assert_eq!(
        unknown.body[1],
        format!(
            "resource not found or not an instance of CommonDBTM; view documentation in your browser at {}/#ERROR_RESOURCE_NOT_FOUND_NOR_COMMONDBTM",
            double.base_url()
        )
    );

    let weird = api
        .post_raw("/Ticket", "multipart/form-data; boundary=zzz", "garbage")
        .await;
    assert_eq!(weird.status, StatusCode::BAD_REQUEST);
    assert!(double.tickets().is_empty());
}

#[tokio::test]
async fn categories_need_an_admin_profile() {
    let double = start();
    let prof = Api::prof(&double).await;
    let denied = prof.get("/ITILCategory").await;
    assert_eq!(denied.status, StatusCode::FORBIDDEN);
    assert_eq!(
        denied.text,
        r#"["ERROR_RIGHT_MISSING","You don't have permission to perform this action."]"#
    );

    let admin = Api::admin(&double).await;
    let list = admin.get("/ITILCategory").await;
    assert_eq!(list.status, StatusCode::OK);
    let printer = list
        .body
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == 4)
        .unwrap()
        .clone();
    assert_eq!(printer["completename"], "Matériel &#62; Imprimante");
    assert_eq!(printer["itilcategories_id"], 1);
    assert_eq!(
        (
            printer["is_helpdeskvisible"].clone(),
            printer["is_incident"].clone()
        ),
        (json!(1), json!(1))
    );
    let raw = admin
        .get_with("/ITILCategory", &[("X-GLPI-Sanitized-Content", "false")])
        .await;
    assert!(raw
        .body
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["completename"] == "Matériel > Imprimante"));

    double.set_categories_open(true);
    assert_eq!(prof.get("/ITILCategory").await.status, StatusCode::OK);
}

#[tokio::test]
async fn hostile_requests_get_answers_not_panics() {
    let double = start();
    let api = Api::prof(&double).await;
    let odd_input = json!({ "input": {
        "name": ["x"], "content": { "a": 1 }, "_users_id_requester": "abc", "urgency": 1e300,
        "itilcategories_id": -5, "type": null } });
    assert_eq!(
        api.post("/Ticket", &odd_input).await.status,
        StatusCode::CREATED
    );
    assert_eq!(
        api.post("/ITILFollowup", &json!({ "input": "string" }))
            .await
            .status,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        api.post("/ITILFollowup", &json!({ "input": [1, 2] }))
            .await
            .status,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        api.put(
            "/TicketSatisfaction/abc",
            &json!({ "input": { "tickets_id": "x" } })
        )
        .await
        .status,
        StatusCode::OK
    );
    assert_eq!(
        api.post_raw("/Ticket", "application/json", "[]").await.body[0],
        "ERROR_JSON_PAYLOAD_INVALID"
    );
    assert_eq!(
        api.post_raw("/Ticket", "application/json", "\u{0}\u{1}")
            .await
            .status,
        StatusCode::BAD_REQUEST
    );
    let huge = "18446744073709551615";
    assert_eq!(
        api.get(&format!("/Ticket?range=0-{huge}")).await.status,
        StatusCode::OK
    );
    assert_eq!(
        api.get(&format!("/search/Ticket?range=0-{huge}"))
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(
        api.get("/search/Ticket?range=0-99999999999999999999999")
            .await
            .status,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        api.get("/search/Ticket?criteria=abc").await.status,
        StatusCode::OK
    );
    assert_eq!(
        api.get("/search/Ticket?criteria[0]=abc").await.status,
        StatusCode::BAD_REQUEST
    );
    let deep = format!(
        "/search/Ticket?criteria{}[field]=1",
        "[0][criteria]".repeat(2000)
    );
    assert!(api.get(&deep).await.status.is_success());
    let nested = "/search/Ticket?criteria[0][link]=AND&criteria[0][criteria][0][field]=1&criteria[0][criteria][0][searchtype]=contains&criteria[0][criteria][0][value]=x";
    assert_eq!(api.get(nested).await.status, StatusCode::OK);
    assert_eq!(
        api.get("/Ticket/abc/ITILFollowup").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        api.get("/Ticket/1/Nope").await.body[0],
        "ERROR_RESOURCE_NOT_FOUND_NOR_COMMONDBTM"
    );
    assert_eq!(api.get("/%FF%FE").await.status, StatusCode::BAD_REQUEST);
    let with_body = api
        .http
        .get(format!("{}/Ticket", api.base))
        .header("Session-Token", &api.session)
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(with_body.status(), StatusCode::BAD_REQUEST);
    // Still alive.
    assert_eq!(api.get("/getFullSession").await.status, StatusCode::OK);
}
