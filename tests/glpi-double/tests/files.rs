//! Attachments: multipart tickets, rejected files, de-duplication, documents and their rights.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{start, Api, PROF_ID};
use guichet_glpi_double::{DoubleConfig, GlpiDouble};
use reqwest::StatusCode;
use serde_json::json;

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n fake image bytes \x00\x01\x02\xff";

fn manifest(name: &str) -> serde_json::Value {
    json!({ "input": { "name": name, "content": "voir pièces jointes", "_users_id_requester": PROF_ID } })
}

#[tokio::test]
async fn multipart_ticket_keeps_accepted_files_and_reports_rejected_ones() {
    let double = start();
    let api = Api::prof(&double).await;
    let answer = api
        .post_multipart(
            "/Ticket",
            &manifest("Écran noir"),
            &[
                ("file0", "photo.png", PNG),
                ("file1", "capture.webp", b"RIFF....WEBP"),
                ("file2", "notes.txt", b"hello"),
            ],
        )
        .await;
    assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.text);
    let id = answer.body["id"].as_u64().unwrap();
    assert_eq!(
        answer.body["upload_result"]["file1"][0]["error"],
        "Filetype not allowed"
    );
    assert_eq!(
        answer.body["upload_result"]["file1"][0]["display"],
        "capture.webp"
    );
    assert!(answer.body["upload_result"]["file0"][0]
        .get("error")
        .is_none());
    assert_eq!(
        answer.body["upload_result"]["file0"][0]["display"],
        "photo.png"
    );
    assert_eq!(answer.body["upload_result"]["file0"][0]["size"], PNG.len());

    let ticket = double.ticket(id).unwrap();
    let names: Vec<&str> = ticket
        .documents
        .iter()
        .map(|d| d.filename.as_str())
        .collect();
    assert_eq!(names, vec!["photo.png", "notes.txt"]);
    assert_eq!(ticket.documents[0].bytes, PNG);
    assert_eq!(ticket.documents[0].mime, "image/png");
    assert_eq!(
        ticket.documents[1].sha1,
        "aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d"
    );

    let with_documents = api.get(&format!("/Ticket/{id}?with_documents=true")).await;
    let documents = with_documents.body["_documents"].as_array().unwrap();
    assert_eq!(documents.len(), 2);
    assert_eq!(documents[0]["filename"], "photo.png");
    assert_eq!(documents[0]["mime"], "image/png");
    assert_eq!(documents[0]["id"], ticket.documents[0].id);
}

#[tokio::test]
async fn too_big_files_are_rejected_but_the_ticket_is_created() {
    let config = DoubleConfig {
        document_max_size_mib: 1,
        ..DoubleConfig::default()
    };
    let double = GlpiDouble::start(config).unwrap();
    let api = Api::prof(&double).await;
    let big = vec![7_u8; 1024 * 1024 + 1];
    let answer = api
        .post_multipart("/Ticket", &manifest("gros"), &[("file0", "big.pdf", &big)])
        .await;
    assert_eq!(answer.status, StatusCode::CREATED);
    assert_eq!(
        answer.body["upload_result"]["file0"][0]["error"],
        "File is too big"
    );
    assert!(double
        .ticket(answer.body["id"].as_u64().unwrap())
        .unwrap()
        .documents
        .is_empty());
}

#[tokio::test]
async fn identical_bytes_reuse_the_document() {
    let double = start();
    let api = Api::prof(&double).await;
    let first = api
        .post_multipart("/Ticket", &manifest("un"), &[("file0", "a.png", PNG)])
        .await;
    let second = api
        .post_multipart("/Ticket", &manifest("deux"), &[("file0", "b.png", PNG)])
        .await;
    let first = double.ticket(first.body["id"].as_u64().unwrap()).unwrap();
    let second = double.ticket(second.body["id"].as_u64().unwrap()).unwrap();
    assert_eq!(first.documents[0].id, second.documents[0].id);
}

#[tokio::test]
async fn array_parts_keep_the_first_file_and_plain_repeats_the_last() {
    let double = start();
    let api = Api::prof(&double).await;
    let answer = api
        .post_multipart(
            "/Ticket",
            &manifest("parts"),
            &[
                ("files[]", "first.txt", b"1"),
                ("files[]", "second.txt", b"2"),
                ("doc", "old.txt", b"3"),
                ("doc", "new.txt", b"4"),
            ],
        )
        .await;
    assert_eq!(answer.status, StatusCode::CREATED);
    let ticket = double.ticket(answer.body["id"].as_u64().unwrap()).unwrap();
    let names: Vec<&str> = ticket
        .documents
        .iter()
        .map(|d| d.filename.as_str())
        .collect();
    assert_eq!(names, vec!["first.txt", "new.txt"]);
}

#[tokio::test]
async fn self_service_reads_documents_only_as_bytes() {
    let double = start();
    let api = Api::prof(&double).await;
    let answer = api
        .post_multipart("/Ticket", &manifest("doc"), &[("file0", "photo.png", PNG)])
        .await;
    let id = answer.body["id"].as_u64().unwrap();
    let document = double.ticket(id).unwrap().documents[0].id;

    assert_eq!(
        api.get(&format!("/Document/{document}")).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        api.get(&format!("/Ticket/{id}/Document_Item")).await.status,
        StatusCode::FORBIDDEN
    );
    let (status, bytes) = api.get_bytes(&format!("/Document/{document}")).await;
    assert_eq!((status, bytes.as_slice()), (StatusCode::OK, PNG));

    // Someone else's document stays out of reach.
    let admin = Api::admin(&double).await;
    let other = admin
        .post_multipart(
            "/Ticket",
            &json!({ "input": { "name": "x", "content": "y" } }),
            &[("file0", "s.txt", b"secret")],
        )
        .await;
    let other_doc = double
        .ticket(other.body["id"].as_u64().unwrap())
        .unwrap()
        .documents[0]
        .id;
    assert_eq!(
        api.get_bytes(&format!("/Document/{other_doc}")).await.0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        admin.get(&format!("/Document/{other_doc}")).await.body["filename"],
        "s.txt"
    );
}

#[tokio::test]
async fn post_document_links_renames_and_rejects() {
    let double = start();
    let api = Api::prof(&double).await;
    let ticket = api.create_ticket("Imprimante <HS>", "x").await;
    let before = double.ticket(ticket).unwrap().date_mod;

    let manifest = json!({ "input": { "name": "Photo", "itemtype": "Ticket", "items_id": ticket, "_only_if_upload_succeed": 1 } });
    let answer = api
        .post_multipart(
            "/Document",
            &manifest,
            &[
                ("file0", "photo.png", PNG),
                ("file1", "other.txt", b"ignored"),
            ],
        )
        .await;
    assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.text);
    let document = answer.body["id"].as_u64().unwrap();
    let view = double.ticket(ticket).unwrap();
    assert_eq!(
        view.documents.iter().map(|d| d.id).collect::<Vec<_>>(),
        vec![document]
    );
    assert_ne!(view.date_mod, before);
    let admin = Api::admin(&double).await;
    assert_eq!(
        admin.get(&format!("/Document/{document}")).await.body["name"],
        "Document: Ticket - Imprimante &#60;HS&#62;"
    );

    let rejected = api
        .post_multipart(
            "/Document",
            &manifest,
            &[("file0", "capture.webp", b"RIFF")],
        )
        .await;
    assert_eq!(rejected.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        rejected.text,
        r#"["ERROR_GLPI_ADD","File capture.webp not found."]"#
    );
}

#[tokio::test]
async fn multipart_followups_attach_files_to_the_ticket() {
    let double = start();
    let api = Api::prof(&double).await;
    let ticket = api.create_ticket("suite", "x").await;
    let manifest =
        json!({ "input": { "itemtype": "Ticket", "items_id": ticket, "content": "voici le log" } });
    let answer = api
        .post_multipart(
            "/ITILFollowup",
            &manifest,
            &[("file0", "app.log", b"log line")],
        )
        .await;
    assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.text);
    let view = double.ticket(ticket).unwrap();
    assert_eq!(view.followups.len(), 1);
    assert_eq!(view.documents[0].filename, "app.log");
}
