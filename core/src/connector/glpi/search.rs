//! GLPI's search engine (`GET /search/Ticket`): the criteria Guichet builds, by search option id
//! (2 id, 4 requester, 12 status, 19 last change, 21 content, 87 GLPI 11's `externalid`), and the
//! rows it reads back.

use super::session::Release;
use super::text::{as_i64, as_u64, date_ms, text_of};
use super::{status, GlpiConnector};
use crate::connector::{ChangeStamp, ConnectorError, TicketId, TicketState};
use reqwest::Method;
use serde_json::Value;

impl GlpiConnector {
    /// `GET /search/Ticket` with `query`; the rows (keys are search option ids as strings).
    pub(super) async fn search_tickets<Q: serde::Serialize + ?Sized>(
        &self,
        query: &Q,
    ) -> Result<Vec<Value>, ConnectorError> {
        let value = self
            .call(|_| self.request(Method::GET, "search/Ticket").query(query))
            .await?
            .json()?;
        // No match: GLPI leaves `data` out entirely.
        match value.get("data") {
            None => Ok(Vec::new()),
            Some(Value::Array(rows)) => Ok(rows.clone()),
            Some(_) => Err(ConnectorError::Protocol {
                detail: "search data is not a list".into(),
            }),
        }
    }

    /// This user's tickets that carry the client reference `reference`; their ids. On GLPI 11 by
    /// `externalid` (set on create) or by content, one request; on GLPI 10 by content only.
    pub(super) async fn search_own(&self, reference: &str) -> Result<Vec<u64>, ConnectorError> {
        let release = self.session().await?.release;
        let rows = self
            .search_tickets(&reference_query(reference, release))
            .await?;
        Ok(rows.iter().filter_map(|row| as_u64(&row["2"])).collect())
    }
}

/// The search for a client reference, mine only. GLPI 11 also looks at the content: a report
/// tried on GLPI 10 before the server was upgraded carries its reference only there.
pub(super) fn reference_query(reference: &str, release: Release) -> Vec<(String, String)> {
    let pairs: Vec<(&str, String)> = match release {
        Release::Glpi10 => vec![
            ("criteria[0][field]", "21".into()),
            ("criteria[0][searchtype]", "contains".into()),
            ("criteria[0][value]", reference.into()),
        ],
        Release::Glpi11 => vec![
            ("criteria[0][criteria][0][field]", "87".into()),
            ("criteria[0][criteria][0][searchtype]", "contains".into()),
            // `contains` matches anywhere; `^…$` anchors it to the whole value.
            ("criteria[0][criteria][0][value]", format!("^{reference}$")),
            ("criteria[0][criteria][1][link]", "OR".into()),
            ("criteria[0][criteria][1][field]", "21".into()),
            ("criteria[0][criteria][1][searchtype]", "contains".into()),
            ("criteria[0][criteria][1][value]", reference.into()),
        ],
    };
    let mine = [
        ("criteria[1][link]", "AND".to_owned()),
        ("criteria[1][field]", "4".into()),
        ("criteria[1][searchtype]", "equals".into()),
        ("criteria[1][value]", "myself".into()),
        ("forcedisplay[0]", "2".into()),
    ];
    pairs
        .into_iter()
        .chain(mine)
        .map(|(k, v)| (k.to_owned(), v))
        .collect()
}

/// One search for every ticket in `ids`: `id = a OR id = b …`, showing status (12) and last
/// change (19), with a range that fits them all.
pub(super) fn states_query(ids: &[TicketId]) -> Vec<(String, String)> {
    let mut query: Vec<(String, String)> = Vec::with_capacity(ids.len() * 4 + 3);
    for (i, id) in ids.iter().enumerate() {
        if i > 0 {
            query.push((format!("criteria[{i}][link]"), "OR".into()));
        }
        query.push((format!("criteria[{i}][field]"), "2".into()));
        query.push((format!("criteria[{i}][searchtype]"), "equals".into()));
        query.push((format!("criteria[{i}][value]"), id.to_string()));
    }
    query.push(("forcedisplay[0]".into(), "12".into()));
    query.push(("forcedisplay[1]".into(), "19".into()));
    query.push(("range".into(), format!("0-{}", ids.len().saturating_sub(1))));
    query
}

/// A row of [`states_query`]'s answer; `None` when it lacks an id or a known status.
pub(crate) fn state_of(row: &Value) -> Option<TicketState> {
    let stamp = text_of(&row["19"]);
    Some(TicketState {
        id: as_u64(&row["2"])?,
        status: status::ticket_status(as_i64(&row["12"])?)?,
        updated_at_ms: date_ms(&stamp),
        stamp: ChangeStamp::new(stamp),
    })
}
