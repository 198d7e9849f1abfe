//! The registry of help-desk kinds: an address the user types in Settings is recognised by what
//! answers there (GLPI's `initSession`, RT's `GET /REST/2.0/rt`), not assumed to be GLPI, and a
//! kind that needs more than a secret to sign in says so.

#![allow(clippy::expect_used, clippy::unwrap_used)] // Tests fail loudly by design.

use guichet_core::config::{DeskConfig, HttpConfig};
use guichet_core::connector::registry::{SignInNeeds, KINDS};
use guichet_glpi_double::{DoubleConfig, GlpiDouble};
use guichet_test_support::not_glpi::{Answer, NotGlpi};

/// Something that answers as RT's REST2 does before any token: 401 and a JSON message.
fn rt_like() -> NotGlpi {
    NotGlpi::start(|_method, path| {
        if path.starts_with("/REST/2.0/") {
            Answer::new(401, "application/json", r#"{"message":"Unauthorized"}"#)
        } else {
            Answer::new(404, "text/html", "<html>Not Found</html>")
        }
    })
}

#[tokio::test]
async fn a_typed_in_address_is_recognised_by_what_answers_there() {
    assert_eq!(KINDS, ["glpi", "rt"]);

    let double = GlpiDouble::start(DoubleConfig::default()).expect("double");
    let glpi = HttpConfig::new(double.base_url(), 5, 2);
    let desk = DeskConfig::typed_in(&glpi, None).await.expect("a GLPI");
    assert_eq!(desk.kind(), "glpi");

    let rt = rt_like();
    let http = HttpConfig::new(format!("http://{}", rt.addr()), 5, 2);
    let desk = DeskConfig::typed_in(&http, Some("prof@example.org"))
        .await
        .expect("an RT");
    assert_eq!(desk.kind(), "rt");
    assert!(
        !desk.has_credentials(),
        "no token before the user's is applied"
    );
    // RT knows its requesters by e-mail address: without one, the user is asked for it.
    assert_eq!(
        DeskConfig::typed_in(&http, None)
            .await
            .expect_err("no address"),
        SignInNeeds::Email
    );
    assert_eq!(
        DeskConfig::typed_in(&http, Some("prof"))
            .await
            .expect_err("not an address"),
        SignInNeeds::Email
    );

    // A portal, or nothing: the first kind, whose doctor then says what answered instead.
    let portal = NotGlpi::start(|_, _| Answer::new(200, "text/html", "<html>Wi-Fi</html>"));
    let http = HttpConfig::new(portal.base_url(), 5, 2);
    let desk = DeskConfig::typed_in(&http, None)
        .await
        .expect("the first kind");
    assert_eq!(desk.kind(), KINDS[0]);

    // Nothing listening: the first kind at once, without asking every kind in turn.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").expect("a port");
    let http = HttpConfig::new(
        format!("http://{}", closed.local_addr().expect("addr")),
        5,
        2,
    );
    drop(closed);
    let desk = DeskConfig::typed_in(&http, None)
        .await
        .expect("the first kind");
    assert_eq!(desk.kind(), KINDS[0]);
}
