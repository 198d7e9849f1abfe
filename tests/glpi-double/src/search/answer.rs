//! The answer of a search: its columns, sorting and paging, and the JSON body with its
//! `content-range`.

use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::Value;

use super::criteria::{collect_fields, eval};
use super::fields::{cell, option, option_on, sort_key, SearchOption, DEFAULT_VIEW};
use super::SearchRequest;
use crate::error::ApiError;
use crate::state::{Caller, Store, Ticket};

impl SearchRequest {
    /// Columns of the answer, in GLPI's order: id, name, display options, searched options, sort.
    fn columns(&self) -> Vec<&'static SearchOption> {
        let mut ids: Vec<u32> = vec![2, 1];
        if self.forcedisplay.is_empty() {
            ids.extend(DEFAULT_VIEW);
        } else {
            ids.extend(&self.forcedisplay);
        }
        collect_fields(&self.criteria, &mut ids);
        ids.extend(self.sort_fields());
        let mut columns: Vec<&'static SearchOption> = Vec::new();
        for id in ids {
            if let Some(o) = option_on(self.version, id) {
                if !columns.iter().any(|c| c.id == o.id) {
                    columns.push(o);
                }
            }
        }
        columns
    }

    fn sort_fields(&self) -> Vec<u32> {
        self.sort
            .iter()
            .filter_map(|v| {
                v.as_u64()
                    .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
            })
            .filter_map(|v| u32::try_from(v).ok())
            .collect()
    }

    /// Runs the search over the tickets the caller can see.
    pub fn run(&self, store: &Store, caller: &Caller) -> Result<SearchResult, ApiError> {
        let mut hits: Vec<&Ticket> = store
            .tickets
            .values()
            .filter(|t| Store::can_see(caller, t))
            .filter(|t| eval(&self.criteria, store, caller, t))
            .collect();
        let descending = self.order.first().and_then(Value::as_str) == Some("DESC");
        let sort_option = self
            .sort_fields()
            .first()
            .and_then(|id| option(*id))
            .or_else(|| option(1));
        if let Some(sort_option) = sort_option {
            hits.sort_by(|a, b| {
                let ordering =
                    sort_key(store, a, sort_option).cmp(&sort_key(store, b, sort_option));
                let ordering = if descending {
                    ordering.reverse()
                } else {
                    ordering
                };
                ordering.then(a.id.cmp(&b.id))
            });
        }
        let total = hits.len();
        if self.start > total {
            return Err(ApiError::range_exceeds_total(total, &store.base_url));
        }
        let limit = self.end.saturating_add(1).saturating_sub(self.start);
        let columns = self.columns();
        let rows: Vec<Row> = hits
            .iter()
            .skip(self.start)
            .take(limit)
            .map(|t| {
                Row(columns
                    .iter()
                    .map(|o| (o.id.to_string(), cell(store, t, o).into_json()))
                    .collect())
            })
            .collect();
        // GLPI clamps the end of the range to `totalcount - 1`, hence `0--1/0` when nothing matches.
        let end = if total == 0 {
            -1
        } else {
            i64::try_from(self.end.min(total - 1)).unwrap_or(i64::MAX)
        };
        Ok(SearchResult {
            totalcount: total,
            count: rows.len(),
            sort: self.sort.clone(),
            order: self.order.clone(),
            data: (!rows.is_empty()).then_some(rows),
            content_range: format!("{}-{end}/{total}", self.start),
        })
    }
}

/// The JSON answer of `searchItems`.
#[derive(Debug, serde::Serialize)]
pub(crate) struct SearchResult {
    pub totalcount: usize,
    pub count: usize,
    pub sort: Vec<Value>,
    pub order: Vec<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data: Option<Vec<Row>>,
    #[serde(rename = "content-range")]
    pub content_range: String,
}

/// One result row: option ids (as strings) to values, in column order.
#[derive(Debug)]
pub(crate) struct Row(Vec<(String, Value)>);

impl Serialize for Row {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (key, value) in &self.0 {
            map.serialize_entry(key, value)?;
        }
        map.end()
    }
}
