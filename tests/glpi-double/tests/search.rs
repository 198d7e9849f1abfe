//! `GET /search/Ticket`: OR on ids, display options, no-match answers, content search, errors.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{start, Api};
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn or_on_ids_with_forcedisplay() {
    let double = start();
    let api = Api::prof(&double).await;
    let a = api.create_ticket("Bravo", "x").await;
    let b = api.create_ticket("alpha & co", "y").await;
    let _c = api.create_ticket("Charlie", "z").await;
    double.add_solution(a, "fixed").unwrap();

    let path = format!(
        "/search/Ticket?criteria[0][field]=2&criteria[0][searchtype]=equals&criteria[0][value]={a}\
         &criteria[1][link]=OR&criteria[1][field]=2&criteria[1][searchtype]=equals&criteria[1][value]={b}\
         &forcedisplay[]=12&forcedisplay[]=19"
    );
    let answer = api.get(&path).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text);
    assert_eq!(answer.body["totalcount"], 2);
    assert_eq!(answer.body["count"], 2);
    assert_eq!(answer.body["sort"], json!(["1"]));
    assert_eq!(answer.body["order"], json!(["ASC"]));
    assert_eq!(answer.body["content-range"], "0-1/2");
    assert_eq!(answer.header("content-range"), Some("0-1/2".to_owned()));
    // Sorted by name: "alpha & co" before "Bravo"; keys in GLPI's column order.
    let data = answer.body["data"].as_array().unwrap();
    assert_eq!(data[0]["2"], b);
    assert_eq!(data[0]["1"], "alpha &#38; co");
    assert_eq!(data[1]["2"], a);
    assert_eq!(data[1]["12"], 5);
    assert_eq!(data[1]["19"], double.ticket(a).unwrap().date_mod);
    let first_row = answer
        .text
        .split("\"data\":[{")
        .nth(1)
        .unwrap()
        .split('}')
        .next()
        .unwrap();
    let keys: Vec<&str> = first_row
        .split(',')
        .map(|pair| pair.split('"').nth(1).unwrap())
        .collect();
    assert_eq!(keys, ["2", "1", "12", "19"]);

    let partial = api.get(&format!("{path}&range=0-0")).await;
    assert_eq!(partial.status, StatusCode::PARTIAL_CONTENT);
    assert_eq!(partial.body["count"], 1);
    assert_eq!(partial.body["content-range"], "0-0/2");
}

#[tokio::test]
async fn no_match_has_no_data_key() {
    let double = start();
    let api = Api::prof(&double).await;
    api.create_ticket("one", "x").await;
    let answer = api
        .get("/search/Ticket?criteria[0][field]=1&criteria[0][searchtype]=contains&criteria[0][value]=nothing-like-this")
        .await;
    assert_eq!(answer.status, StatusCode::OK);
    assert!(answer.body.get("data").is_none(), "{}", answer.text);
    assert_eq!(answer.body["totalcount"], 0);
    assert_eq!(answer.body["count"], 0);
    assert_eq!(answer.body["content-range"], "0--1/0");
    assert_eq!(answer.header("content-range"), None);
}

#[tokio::test]
async fn content_contains_with_myself_finds_only_own_tickets() {
    let double = start();
    let prof = Api::prof(&double).await;
    let admin = Api::admin(&double).await;
    let uuid = "7f9c2ba4-e88f-11ee-9d2a-0242ac120002";
    let own = prof
        .create_ticket("mine", &format!("<p>Panne</p><!-- guichet:{uuid} -->"))
        .await;
    let foreign = admin
        .post("/Ticket", &json!({ "input": { "name": "theirs", "content": format!("guichet:{uuid}"), "_users_id_requester": 2 } }))
        .await;
    assert_eq!(foreign.status, StatusCode::CREATED);

    let query = format!(
        "/search/Ticket?criteria[0][field]=21&criteria[0][searchtype]=contains&criteria[0][value]=guichet:{uuid}\
         &criteria[1][link]=AND&criteria[1][field]=4&criteria[1][searchtype]=equals&criteria[1][value]=myself\
         &forcedisplay[0]=2"
    );
    let answer = prof.get(&query).await;
    assert_eq!(answer.body["totalcount"], 1, "{}", answer.text);
    assert_eq!(answer.body["data"][0]["2"], own);
    assert_eq!(answer.body["data"][0]["4"], "prof");

    // The admin sees both tickets, but only one where it is the requester.
    assert_eq!(admin.get(&query).await.body["data"][0]["1"], "theirs");
    let anchored = prof
        .get("/search/Ticket?criteria[0][field]=1&criteria[0][searchtype]=contains&criteria[0][value]=^MINE$")
        .await;
    assert_eq!(anchored.body["totalcount"], 1);
}

#[tokio::test]
async fn date_and_status_criteria() {
    let double = start();
    let api = Api::prof(&double).await;
    let a = api.create_ticket("a", "x").await;
    let b = api.create_ticket("b", "x").await;
    double.add_solution(b, "ok").unwrap();
    let date_mod = double.ticket(a).unwrap().date_mod;

    let old = api.get("/search/Ticket?criteria[0][field]=12&criteria[0][searchtype]=equals&criteria[0][value]=old").await;
    assert_eq!(old.body["data"][0]["2"], b);
    let after = api
        .get(&format!("/search/Ticket?criteria[0][field]=19&criteria[0][searchtype]=morethan&criteria[0][value]={date_mod}"))
        .await;
    let ids: Vec<u64> = after.body["data"].as_array().map_or(vec![], |d| {
        d.iter().map(|r| r["2"].as_u64().unwrap()).collect()
    });
    assert!(!ids.contains(&a));
    let before = api
        .get("/search/Ticket?criteria[0][field]=19&criteria[0][searchtype]=lessthan&criteria[0][value]=2000-01-01")
        .await;
    assert_eq!(before.body["totalcount"], 0);
}

#[tokio::test]
async fn bad_criteria_are_rejected() {
    let double = start();
    let api = Api::prof(&double).await;
    let answer = api.get("/search/Ticket?criteria[0][field]=9999&criteria[0][searchtype]=equals&criteria[0][value]=1").await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        answer.body,
        json!([
            "ERROR",
            format!(
                "Bad field ID in search criteria; view documentation in your browser at {}/#ERROR",
                double.base_url()
            )
        ])
    );
    let malformed = api.get("/search/Ticket?criteria[0][field]=1").await;
    assert_eq!(malformed.status, StatusCode::BAD_REQUEST);
    assert!(malformed.body[1]
        .as_str()
        .unwrap()
        .starts_with("Malformed search criteria"));
    let range = api.get("/search/Ticket?range=abc").await;
    assert_eq!(range.status, StatusCode::BAD_REQUEST);
}
