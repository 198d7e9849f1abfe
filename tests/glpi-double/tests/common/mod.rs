//! Helpers shared by the integration tests: a small reqwest-based GLPI client.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use guichet_glpi_double::{DoubleConfig, GlpiDouble};
use reqwest::header::HeaderMap;
use reqwest::multipart::{Form, Part};
use reqwest::StatusCode;
use serde_json::{json, Value};

pub const PROF_TOKEN: &str = "0123456789abcdef0123456789abcdef01234567";
pub const PROF_ID: u64 = 7;

pub fn admin_token() -> String {
    "a".repeat(40)
}

pub fn start() -> GlpiDouble {
    GlpiDouble::start(DoubleConfig::default()).expect("double starts")
}

/// An answer: status, headers and the JSON body (`Value::Null` when the body is not JSON).
#[derive(Debug)]
pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Value,
    pub text: String,
}

impl Answer {
    async fn read(response: reqwest::Response) -> Answer {
        let status = response.status();
        let headers = response.headers().clone();
        let text = response.text().await.expect("body");
        let body = serde_json::from_str(&text).unwrap_or(Value::Null);
        Answer {
            status,
            headers,
            body,
            text,
        }
    }

    pub fn header(&self, name: &str) -> Option<String> {
        self.headers
            .get(name)
            .map(|v| v.to_str().unwrap().to_owned())
    }
}

/// A logged-in API client.
pub struct Api {
    pub http: reqwest::Client,
    pub base: String,
    pub session: String,
}

impl Api {
    pub async fn login(double: &GlpiDouble, user_token: &str) -> Api {
        let http = reqwest::Client::new();
        let base = double.base_url();
        let answer = Answer::read(
            http.get(format!("{base}/initSession"))
                .header("Authorization", format!("user_token {user_token}"))
                .send()
                .await
                .expect("initSession"),
        )
        .await;
        assert_eq!(answer.status, StatusCode::OK, "{}", answer.text);
        let session = answer.body["session_token"].as_str().unwrap().to_owned();
        Api {
            http,
            base,
            session,
        }
    }

    pub async fn prof(double: &GlpiDouble) -> Api {
        Self::login(double, PROF_TOKEN).await
    }

    pub async fn admin(double: &GlpiDouble) -> Api {
        Self::login(double, &admin_token()).await
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub async fn get(&self, path: &str) -> Answer {
        self.get_with(path, &[]).await
    }

    pub async fn get_with(&self, path: &str, headers: &[(&str, &str)]) -> Answer {
        let mut request = self
            .http
            .get(self.url(path))
            .header("Session-Token", &self.session);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        Answer::read(request.send().await.expect("GET")).await
    }

    pub async fn get_bytes(&self, path: &str) -> (StatusCode, Vec<u8>) {
        let response = self
            .http
            .get(self.url(path))
            .header("Session-Token", &self.session)
            .header("Accept", "application/octet-stream")
            .send()
            .await
            .expect("GET bytes");
        (
            response.status(),
            response.bytes().await.expect("bytes").to_vec(),
        )
    }

    pub async fn post(&self, path: &str, body: &Value) -> Answer {
        let request = self
            .http
            .post(self.url(path))
            .header("Session-Token", &self.session)
            .json(body);
        Answer::read(request.send().await.expect("POST")).await
    }

    pub async fn post_raw(&self, path: &str, content_type: &str, body: &'static str) -> Answer {
        let request = self
            .http
            .post(self.url(path))
            .header("Session-Token", &self.session)
            .header("Content-Type", content_type)
            .body(body);
        Answer::read(request.send().await.expect("POST")).await
    }

    pub async fn put(&self, path: &str, body: &Value) -> Answer {
        let request = self
            .http
            .put(self.url(path))
            .header("Session-Token", &self.session)
            .json(body);
        Answer::read(request.send().await.expect("PUT")).await
    }

    /// Multipart POST: `uploadManifest` plus `(part name, file name, bytes)` files.
    pub async fn post_multipart(
        &self,
        path: &str,
        manifest: &Value,
        files: &[(&str, &str, &[u8])],
    ) -> Answer {
        let mut form = Form::new().text("uploadManifest", manifest.to_string());
        for (part, filename, bytes) in files {
            form = form.part(
                (*part).to_owned(),
                Part::bytes(bytes.to_vec())
                    .file_name((*filename).to_owned())
                    .mime_str("application/octet-stream")
                    .unwrap(),
            );
        }
        let request = self
            .http
            .post(self.url(path))
            .header("Session-Token", &self.session)
            .multipart(form);
        Answer::read(request.send().await.expect("POST multipart")).await
    }

    /// Creates a ticket with `_users_id_requester` = the default requester; returns its id.
    pub async fn create_ticket(&self, name: &str, content: &str) -> u64 {
        let answer = self
            .post(
                "/Ticket",
                &json!({ "input": { "name": name, "content": content, "_users_id_requester": PROF_ID } }),
            )
            .await;
        assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.text);
        answer.body["id"].as_u64().unwrap()
    }

    pub async fn followup(&self, ticket: u64, extra: Value) -> Answer {
        let mut input = json!({ "itemtype": "Ticket", "items_id": ticket });
        for (key, value) in extra.as_object().unwrap() {
            input[key] = value.clone();
        }
        self.post("/ITILFollowup", &json!({ "input": input })).await
    }
}
