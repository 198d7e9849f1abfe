//! Script payloads a technician could write into a followup or a solution (`tests/e2e_xss.rs`).
//!
//! Every vector, if it ever ran, would run [`canary`]: count itself in `top.__xss`, rename the
//! document to [`TITLE_MARK`], and ask the agent through Tauri's IPC bridge, as the window's own
//! code does, to post a followup saying [`IPC_MARK`]. The script has no space, no `&`, no `"` and
//! no `<`/`>`, so it fits unquoted attributes, double-quoted attributes and entity-encoded text.
//!
//! GLPI 10 stores text HTML-encoded (`<` → `&#60;`) and hands it back decoded under
//! `X-GLPI-Sanitized-Content: false`, as the double does (`encode_html` / `decode_html`), keeping
//! a value that already looks encoded as it is; the connector gives that HTML to ammonia as it is,
//! never decoding it again (`shared/glpi-api.md` V.11). What ammonia is given is
//! [`Vector::markup`]: the vector itself for raw HTML; for the entity-encoded variants, what GLPI's
//! one decoding makes of them (real markup for a value GLPI took as already encoded, the text
//! itself otherwise).

use base64::Engine as _;

/// What a payload that ran asks the agent to post as a followup.
pub const IPC_MARK: &str = "XSS-IPC-payload-ran";
/// What a payload that ran names the document.
pub const TITLE_MARK: &str = "XSS";
/// The harmless word that opens the solution.
pub const SOLUTION_LABEL: &str = "Solution-témoin";

/// The script every payload runs if it runs, for `ticket`: the canary, then an `act` request
/// through `window.__TAURI__` when the app exposes it, else `window.__TAURI_INTERNALS__`.
pub fn canary(ticket: u64) -> String {
    format!(
        "top.__xss=(top.__xss||0)+1;top.document.title='{TITLE_MARK}';\
         (top.__TAURI__?.core??top.__TAURI_INTERNALS__).invoke('act',{{action:{{ticket:{ticket},\
         kind:{{type:'followup',message:'{IPC_MARK}'}},attachments:[],confirmed:false}}}})"
    )
}

/// The harmless word that opens followup `index`'s text, shown whatever the sanitiser removes.
pub fn label(index: usize) -> String {
    format!("témoin-{index:02}")
}

/// One payload, as the technician typed it and as the sanitiser receives it.
#[derive(Debug, Clone)]
pub struct Vector {
    pub name: &'static str,
    /// What the technician wrote (given to `add_tech_followup`).
    pub sent: String,
    /// What reaches ammonia after GLPI's and the connector's decoding.
    pub markup: String,
}

/// Raw HTML payloads: they reach the sanitiser as written. `{js}` is the canary, `{js_url}` it
/// percent-encoded, `{js_u}` it with its first letter as a JavaScript `\u` escape, `{b64}` a
/// base64 HTML page running it.
const RAW: &[(&str, &str)] = &[
    ("script", r#"<script>{js}</script>"#),
    ("script, mixed case", r#"<ScRiPt>{js}</sCrIpT>"#),
    (
        "script split by script",
        r#"<scr<script>ipt>{js}</scr</script>ipt>"#,
    ),
    (
        "script src data:",
        r#"<script src="data:text/javascript,{js}"></script>"#,
    ),
    ("img onerror", r#"<img src="x" onerror="{js}">"#),
    ("img onerror, unquoted", r#"<img src=x onerror={js}>"#),
    (
        "img onerror, tag unclosed",
        r#"<img src="x" onerror="{js}""#,
    ),
    ("img src quote unclosed", r#"<img src="x onerror={js}//"#),
    (
        "img onerror, unicode escape",
        r#"<img src=x onerror="{js_u}">"#,
    ),
    (
        "img onerror, template literal",
        r#"<img src=x onerror=eval(`{js}`)>"#,
    ),
    (
        "attribute breakout, double quote",
        r#""><script>{js}</script>"#,
    ),
    (
        "attribute breakout, single quote",
        r#"'><svg onload="{js}">"#,
    ),
    ("svg onload", r#"<svg onload="{js}"></svg>"#),
    ("svg/onload", r#"<svg/onload={js}>"#),
    ("svg script", r#"<svg><script>{js}</script></svg>"#),
    (
        "svg animate onbegin",
        r#"<svg><animate onbegin="{js}" attributeName="x" dur="1s"/></svg>"#,
    ),
    (
        "svg xlink:href javascript:",
        r#"<svg><a xlink:href="javascript:{js}"><text x="20" y="20">lien-svg</text></a></svg>"#,
    ),
    ("a javascript:", r#"<a href="javascript:{js}">lien</a>"#),
    (
        "a javascript:, mixed case and spaces",
        r#"<a href="  JaVaScRiPt:{js}">lien</a>"#,
    ),
    (
        "a &#106;avascript:",
        r#"<a href="&#106;avascript:{js}">lien</a>"#,
    ),
    (
        "a &#0000106 without semicolons",
        r#"<a href="&#0000106&#0000097vascript:{js}">lien</a>"#,
    ),
    (
        "a jav&#x09;ascript:",
        r#"<a href="jav&#x09;ascript:{js}">lien</a>"#,
    ),
    (
        "a java<TAB>script:",
        "<a href=\"java\tscript:{js}\">lien</a>",
    ),
    (
        "a java<LF>script:",
        "<a href=\"java\nscript:{js}\">lien</a>",
    ),
    (
        "a javascript: as hex entities",
        r#"<a href="&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;&#x3A;{js}">lien</a>"#,
    ),
    (
        "a javascript&colon;",
        r#"<a href="javascript&colon;{js}">lien</a>"#,
    ),
    (
        "a javascript: percent-encoded",
        r#"<a href="javascript:{js_url}">lien</a>"#,
    ),
    (
        "a data:text/html;base64",
        r#"<a href="data:text/html;base64,{b64}">lien</a>"#,
    ),
    (
        "a https with onmouseover and onclick",
        r#"<a href="https://example.org/" onmouseover="{js}" onclick="{js}">survol</a>"#,
    ),
    (
        "iframe srcdoc",
        r#"<iframe srcdoc="<script>{js}</script>"></iframe>"#,
    ),
    (
        "iframe javascript:",
        r#"<iframe src="javascript:{js}"></iframe>"#,
    ),
    (
        "iframe data:base64",
        r#"<iframe src="data:text/html;base64,{b64}"></iframe>"#,
    ),
    (
        "object javascript:",
        r#"<object data="javascript:{js}"></object>"#,
    ),
    (
        "object data:base64",
        r#"<object data="data:text/html;base64,{b64}"></object>"#,
    ),
    ("embed javascript:", r#"<embed src="javascript:{js}">"#),
    (
        "math mglyph style (mXSS)",
        r#"<math><mtext><table><mglyph><style><img src=x onerror="{js}">"#,
    ),
    (
        "svg p style (mXSS)",
        r#"<svg></p><style><a id="</style><img src=1 onerror={js}>">"#,
    ),
    (
        "noscript title (mXSS)",
        r#"<noscript><p title="</noscript><img src=x onerror={js}>">"#,
    ),
    (
        "comment breakout",
        r#"<!--<img src="--><img src=x onerror={js}//">"#,
    ),
    (
        "CDATA breakout",
        r#"<![CDATA[><img src=x onerror={js}//]]>"#,
    ),
    (
        "style expression()",
        r#"<div style="width:expression({js})">css-expression</div>"#,
    ),
    (
        "style url(javascript:)",
        r#"<div style="background-image:url(javascript:{js})">css-url</div>"#,
    ),
    (
        "style element url(javascript:)",
        r#"<style>body{background:url("javascript:{js}")}</style>"#,
    ),
    ("body onload", r#"<body onload="{js}">"#),
    (
        "details open ontoggle",
        r#"<details open ontoggle="{js}"><summary>détails</summary>ouvert</details>"#,
    ),
    (
        "input autofocus onfocus",
        r#"<input autofocus onfocus="{js}">"#,
    ),
    (
        "textarea autofocus onfocus",
        r#"<textarea autofocus onfocus="{js}"></textarea>"#,
    ),
    (
        "custom element onfocusin",
        r#"<xss id="x" tabindex="1" onfocusin="{js}">focus</xss>"#,
    ),
    (
        "meta refresh javascript:",
        r#"<meta http-equiv="refresh" content="0;url=javascript:{js}">"#,
    ),
    (
        "base href javascript:",
        r#"<base href="javascript:{js}//"><a href="relatif">relatif</a>"#,
    ),
    (
        "form action javascript:",
        r#"<form action="javascript:{js}"><button type="submit">envoyer</button></form>"#,
    ),
    (
        "button formaction javascript:",
        r#"<form><button formaction="javascript:{js}">envoyer</button></form>"#,
    ),
    (
        "input type=image onerror",
        r#"<input type="image" src="x" onerror="{js}">"#,
    ),
    (
        "video source onerror",
        r#"<video><source onerror="{js}"></video>"#,
    ),
    ("audio onerror", r#"<audio src="x" onerror="{js}"></audio>"#),
    (
        "marquee onstart",
        r#"<marquee onstart="{js}">défile</marquee>"#,
    ),
    (
        "div with pointer, focus and animation handlers",
        r#"<div tabindex="0" onmouseover="{js}" onmouseenter="{js}" onclick="{js}" onfocus="{js}" onanimationstart="{js}">survol</div>"#,
    ),
    (
        "table background javascript:",
        r#"<table background="javascript:{js}"><tr><td>tableau</td></tr></table>"#,
    ),
    (
        "isindex onerror",
        r#"<isindex type=image src=1 onerror="{js}">"#,
    ),
    (
        "link import data:",
        r#"<link rel="import" href="data:text/html;base64,{b64}">"#,
    ),
    ("template literal", r#"${{js}} `${{js}}`"#),
    (
        "framework template",
        r#"{{constructor.constructor(`{js}`)()}}"#,
    ),
];

/// Payloads written as entities: (name, as sent, as ammonia gets it after GLPI's one decoding).
const ENCODED: &[(&str, &str, &str)] = &[
    (
        "entity-encoded img (GLPI keeps it as is)",
        r#"&#60;img src=x onerror="{js}"&#62;"#,
        r#"<img src=x onerror="{js}">"#,
    ),
    (
        "double-encoded img",
        r#"&#38;#60;img src=x onerror="{js}"&#38;#62;"#,
        r#"&#60;img src=x onerror="{js}"&#62;"#,
    ),
    (
        "legacy &lt; encoded img",
        r#"&lt;img src=x onerror="{js}"&gt;"#,
        r#"<img src=x onerror="{js}">"#,
    ),
    (
        "escaped script as editor text",
        r#"<p>&lt;script&gt;{js}&lt;/script&gt;</p>"#,
        r#"<p>&lt;script&gt;{js}&lt;/script&gt;</p>"#,
    ),
    (
        "escaped img as editor text",
        r#"<p>&lt;img src=x onerror="{js}"&gt;</p>"#,
        r#"<p>&lt;img src=x onerror="{js}"&gt;</p>"#,
    ),
];

/// Fills a template's placeholders for `js`.
fn fill(template: &str, js: &str) -> String {
    let url: String = js.bytes().map(|b| format!("%{b:02X}")).collect();
    let unicode = format!("\\u{:04x}{}", u32::from(js.as_bytes()[0]), &js[1..]);
    let page = base64::engine::general_purpose::STANDARD.encode(format!("<script>{js}</script>"));
    template
        .replace("{js_url}", &url)
        .replace("{js_u}", &unicode)
        .replace("{b64}", &page)
        .replace("{js}", js)
}

/// The whole corpus for payloads that would act on `ticket`.
pub fn corpus(ticket: u64) -> Vec<Vector> {
    let js = canary(ticket);
    let raw = RAW.iter().map(|(name, template)| {
        let html = fill(template, &js);
        Vector {
            name,
            sent: html.clone(),
            markup: html,
        }
    });
    let encoded = ENCODED.iter().map(|(name, sent, markup)| Vector {
        name,
        sent: fill(sent, &js),
        markup: fill(markup, &js),
    });
    raw.chain(encoded).collect()
}

/// Followup `index`'s text: its harmless word, then the vector.
pub fn followup(index: usize, vector: &Vector) -> String {
    format!("{} {}", label(index), vector.sent)
}

/// What ammonia must receive for followup `index`.
pub fn followup_markup(index: usize, vector: &Vector) -> String {
    format!("{} {}", label(index), vector.markup)
}

/// The solution: its harmless word, then every vector, each after a word of its own.
pub fn solution(corpus: &[Vector]) -> String {
    let mut text = format!("<p>{SOLUTION_LABEL} : imprimante réparée.</p>");
    for (index, vector) in corpus.iter().enumerate() {
        text.push_str(&format!("\nsolution-{index:02} {}", vector.sent));
    }
    text
}
