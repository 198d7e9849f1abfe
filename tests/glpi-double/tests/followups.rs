//! Followups, approving and refusing solutions, technician actions, satisfaction surveys.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{start, Api};
use reqwest::StatusCode;
use serde_json::json;

const NO_PERMISSION: &str =
    r#"["ERROR_GLPI_ADD","You don't have permission to perform this action."]"#;

#[tokio::test]
async fn followups_need_content_and_move_date_mod() {
    let double = start();
    let api = Api::prof(&double).await;
    let ticket = api.create_ticket("t", "x").await;
    let before = double.ticket(ticket).unwrap().date_mod;

    let empty = api.followup(ticket, json!({})).await;
    assert_eq!(empty.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        empty.text,
        r#"["ERROR_GLPI_ADD","You can't add a followup without description"]"#
    );

    let added = api
        .followup(ticket, json!({ "content": "<p>Toujours & encore</p>" }))
        .await;
    assert_eq!(added.status, StatusCode::CREATED);
    let followup = added.body["id"].as_u64().unwrap();
    assert_eq!(
        added.header("location"),
        Some(format!("{}/ITILFollowup/{followup}", double.base_url()))
    );
    let view = double.ticket(ticket).unwrap();
    assert_ne!(view.date_mod, before);
    assert_eq!(view.followups[0].content, "<p>Toujours & encore</p>");
    assert_eq!(view.followups[0].users_id, 7);

    let listed = api.get(&format!("/Ticket/{ticket}/ITILFollowup")).await;
    assert_eq!(
        listed.body[0]["content"],
        "&#60;p&#62;Toujours &#38; encore&#60;/p&#62;"
    );
    assert_eq!(listed.header("content-range"), Some("0-0/1".to_owned()));
}

#[tokio::test]
async fn approve_closes_and_accepts_the_solution() {
    let double = start();
    double.enable_surveys(true);
    let api = Api::prof(&double).await;
    let ticket = api.create_ticket("t", "x").await;
    let solution = double.add_solution(ticket, "Redémarrez").unwrap();
    assert_eq!(double.ticket(ticket).unwrap().status, 5);
    assert_eq!(
        double
            .add_solution(ticket, "again")
            .map_err(|e| e.to_string()),
        Err("The item is already solved, did anyone pushed a solution before you?".to_owned())
    );

    // Presence counts: `false` still approves; empty content becomes "Solution approved".
    let approve = api.followup(ticket, json!({ "add_close": false })).await;
    assert_eq!(approve.status, StatusCode::CREATED, "{}", approve.text);
    let view = double.ticket(ticket).unwrap();
    assert_eq!(view.status, 6);
    assert_eq!(view.solutions[0].id, solution);
    assert_eq!(view.solutions[0].status, 3);
    assert_eq!(view.followups.last().unwrap().content, "Solution approved");
    let survey = view.satisfaction.clone().unwrap();
    assert_eq!((survey.satisfaction, survey.comment.clone()), (None, None));

    let solutions = api.get(&format!("/Ticket/{ticket}/ITILSolution")).await;
    assert_eq!(solutions.body[0]["status"], 3);
    let by_ticket = api.get(&format!("/TicketSatisfaction/{ticket}")).await;
    assert_eq!(by_ticket.body["type"], 1);
    assert_eq!(by_ticket.body["satisfaction"], serde_json::Value::Null);
    let sub_list = api
        .get(&format!("/Ticket/{ticket}/TicketSatisfaction"))
        .await;
    assert_eq!(sub_list.body.as_array().unwrap().len(), 1);

    // A closed ticket takes no more followups.
    let closed = api
        .followup(ticket, json!({ "content": "encore moi" }))
        .await;
    assert_eq!(closed.status, StatusCode::BAD_REQUEST);
    assert_eq!(closed.text, NO_PERMISSION);

    // Satisfaction: stored as given (range not checked), comment encoded.
    let put = api
        .put(
            &format!("/TicketSatisfaction/{ticket}"),
            &json!({ "input": { "tickets_id": ticket, "satisfaction": 6, "comment": "Rapide & <efficace>" } }),
        )
        .await;
    assert_eq!(put.status, StatusCode::OK, "{}", put.text);
    assert_eq!(
        put.body,
        json!([{ survey.id.to_string(): true, "message": "" }])
    );
    let survey = double.ticket(ticket).unwrap().satisfaction.unwrap();
    assert_eq!(survey.satisfaction, Some(6));
    assert_eq!(survey.comment.as_deref(), Some("Rapide & <efficace>"));
    let stored = api.get(&format!("/TicketSatisfaction/{ticket}")).await;
    assert_eq!(stored.body["comment"], "Rapide &#38; &#60;efficace&#62;");
    assert!(stored.body["date_answered"].is_string());

    let missing = api
        .put(
            &format!("/TicketSatisfaction/{ticket}"),
            &json!({ "input": { "satisfaction": 4 } }),
        )
        .await;
    assert_eq!(missing.status, StatusCode::BAD_REQUEST);
    assert_eq!(missing.body[0], "ERROR_GLPI_UPDATE");
}

#[tokio::test]
async fn refuse_needs_a_reason_and_reopens() {
    let double = start();
    double.enable_surveys(true);
    let api = Api::prof(&double).await;
    let ticket = api.create_ticket("t", "x").await;
    double.add_solution(ticket, "essayez ça").unwrap();

    let no_reason = api.followup(ticket, json!({ "add_reopen": 1 })).await;
    assert_eq!(no_reason.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        no_reason.text,
        r#"["ERROR_GLPI_ADD","If you want to reopen this item, you must specify a reason"]"#
    );
    assert_eq!(double.ticket(ticket).unwrap().status, 5);

    let refuse = api
        .followup(
            ticket,
            json!({ "add_reopen": 1, "content": "Toujours en panne" }),
        )
        .await;
    assert_eq!(refuse.status, StatusCode::CREATED);
    let view = double.ticket(ticket).unwrap();
    // The technician acted (solution), so the ticket counts as assigned.
    assert_eq!(view.status, 2);
    assert_eq!(view.solutions[0].status, 4);
    assert!(view.satisfaction.is_none());
}

#[tokio::test]
async fn refuse_without_technician_goes_back_to_new() {
    let double = start();
    let api = Api::prof(&double).await;
    let ticket = api.create_ticket("t", "x").await;
    // Solved through the API (not `add_solution`), so no technician counts as assigned.
    let admin = Api::admin(&double).await;
    let put = admin
        .put(
            &format!("/Ticket/{ticket}"),
            &json!({ "input": { "status": 5 } }),
        )
        .await;
    assert_eq!(put.status, StatusCode::OK);
    let refuse = api
        .followup(ticket, json!({ "add_reopen": true, "content": "non" }))
        .await;
    assert_eq!(refuse.status, StatusCode::CREATED);
    assert_eq!(double.ticket(ticket).unwrap().status, 1);
}

#[tokio::test]
async fn plain_requester_followup_reopens_a_solved_ticket() {
    let double = start();
    let api = Api::prof(&double).await;
    let ticket = api.create_ticket("t", "x").await;
    double.add_solution(ticket, "done").unwrap();
    assert_eq!(
        api.followup(ticket, json!({ "content": "pas vraiment" }))
            .await
            .status,
        StatusCode::CREATED
    );
    let view = double.ticket(ticket).unwrap();
    assert_eq!(view.status, 2);
    assert_eq!(view.solutions[0].status, 4);
}

#[tokio::test]
async fn without_requester_actor_approve_and_refuse_change_nothing() {
    let double = start();
    let api = Api::prof(&double).await;
    let created = api
        .post(
            "/Ticket",
            &json!({ "input": { "name": "orphan", "content": "x" } }),
        )
        .await;
    let ticket = created.body["id"].as_u64().unwrap();
    double.add_solution(ticket, "done").unwrap();

    let approve = api.followup(ticket, json!({ "add_close": 1 })).await;
    assert_eq!(approve.status, StatusCode::CREATED);
    let refuse = api
        .followup(ticket, json!({ "add_reopen": 1, "content": "non" }))
        .await;
    assert_eq!(refuse.status, StatusCode::CREATED);
    let view = double.ticket(ticket).unwrap();
    assert_eq!(view.status, 5);
    assert_eq!(view.solutions[0].status, 2);
}

#[tokio::test]
async fn followups_on_other_tickets_are_refused() {
    let double = start();
    let api = Api::prof(&double).await;
    let admin = Api::admin(&double).await;
    let foreign = admin
        .post(
            "/Ticket",
            &json!({ "input": { "name": "x", "content": "y" } }),
        )
        .await;
    let answer = api
        .followup(
            foreign.body["id"].as_u64().unwrap(),
            json!({ "content": "hi" }),
        )
        .await;
    assert_eq!(answer.text, NO_PERMISSION);
    assert_eq!(
        api.followup(12345, json!({ "content": "hi" })).await.text,
        NO_PERMISSION
    );
}

#[tokio::test]
async fn technician_followups_are_visible_to_the_requester() {
    let double = start();
    let api = Api::prof(&double).await;
    let ticket = api.create_ticket("t", "x").await;
    let id = double
        .add_tech_followup(ticket, "Je passe à 14h <b>demain</b>")
        .unwrap();
    let listed = api.get(&format!("/Ticket/{ticket}/ITILFollowup")).await;
    assert_eq!(listed.body[0]["id"], id);
    assert_eq!(listed.body[0]["users_id"], 2);
    let raw = api
        .get_with(
            &format!("/ITILFollowup/{id}"),
            &[("X-GLPI-Sanitized-Content", "false")],
        )
        .await;
    assert_eq!(raw.body["content"], "Je passe à 14h <b>demain</b>");
    assert_eq!(
        double
            .add_tech_followup(999, "x")
            .map_err(|e| e.to_string()),
        Err("Item not found".to_owned())
    );
}
