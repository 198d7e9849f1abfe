//! `GET /search/Ticket`: GLPI's search engine for the ticket options a client needs.
//!
//! Supported options: 1 name, 2 id, 3 priority, 4 requester, 5 technician (always empty here),
//! 7 category, 10 urgency, 11 impact, 12 status, 14 type, 15 opening date, 16 close date,
//! 17 solve date, 18 time to resolve (always empty), 19 date_mod, 21 content. Search types:
//! `contains`, `notcontains`, `equals`, `notequals`, `lessthan`, `morethan`, `under`, `notunder`.
//!
//! Links combine left to right like GLPI's generated SQL, where AND binds tighter than OR
//! (`a OR b AND c` = `a OR (b AND c)`); `AND NOT` / `OR NOT` negate the criterion that follows;
//! nested `criteria[i][criteria][…]` groups are parenthesised. Text matching follows
//! `Search::makeTextSearchValue`: the value is HTML-decoded and matched case-insensitively with
//! SQL `LIKE` semantics (`%` is a wildcard, `^`/`$` anchor) against the **stored, encoded** text.
//!
//! This module reads the request parameters; the rest is split by concern: `fields` (the search
//! option table, cell values and `listSearchOptions`), `criteria` (the `criteria[…]` parser and its
//! evaluation), `matching` (one criterion against one ticket), `text` (`makeTextSearchValue` and
//! `LIKE`) and `answer` (columns, sorting, paging and the JSON answer).

mod answer;
mod criteria;
mod fields;
mod matching;
mod text;

use serde_json::{json, Value};

use crate::error::ApiError;
use crate::params::PhpValue;
use crate::GlpiVersion;
use criteria::{parse_criteria, Node};

pub(crate) use fields::list_search_options;
pub(crate) use text::{like, text_pattern, TextPattern};

/// A parsed search request.
#[derive(Debug, Clone)]
pub(crate) struct SearchRequest {
    criteria: Vec<Node>,
    forcedisplay: Vec<u32>,
    sort: Vec<Value>,
    order: Vec<Value>,
    start: usize,
    end: usize,
    version: GlpiVersion,
}

impl SearchRequest {
    /// Reads `criteria`, `forcedisplay`, `sort`, `order` and `range` like `API::searchItems`.
    pub fn parse(
        criteria: Option<&PhpValue>,
        forcedisplay: Option<&PhpValue>,
        sort: Option<&PhpValue>,
        order: Option<&PhpValue>,
        range: Option<String>,
        base_url: &str,
        version: GlpiVersion,
    ) -> Result<Self, ApiError> {
        let criteria = match criteria.and_then(PhpValue::as_array) {
            Some(array) => parse_criteria(array, base_url, version)?,
            None => Vec::new(),
        };
        let forcedisplay = match forcedisplay {
            Some(PhpValue::Array(items)) => items.iter().filter_map(|(_, v)| php_int(v)).collect(),
            Some(scalar) => php_int(scalar).into_iter().collect(),
            None => Vec::new(),
        };
        // GLPI 10 answers `"sort":["1"]` by default, GLPI 11 `"sort":[0]` (V.11).
        let default_sort = match version {
            GlpiVersion::V10 => json!("1"),
            GlpiVersion::V11 => json!(0),
        };
        let sort = match sort {
            Some(PhpValue::Array(items)) => items
                .iter()
                .filter_map(|(_, v)| v.as_str().map(|s| json!(s)))
                .collect(),
            Some(scalar) => match php_int(scalar) {
                Some(v) => vec![json!(v)],
                None => vec![default_sort],
            },
            None => vec![default_sort],
        };
        let order = match order {
            Some(PhpValue::Array(items)) => items
                .iter()
                .filter_map(|(_, v)| v.as_str().map(|s| json!(s)))
                .collect(),
            Some(PhpValue::Str(s)) if s == "ASC" || s == "DESC" => vec![json!(s)],
            _ => vec![json!("ASC")],
        };
        let (start, end) = match range {
            Some(range) => parse_range(&range).ok_or_else(|| ApiError::bad_range(base_url))?,
            None => (0, crate::items::LIST_LIMIT - 1),
        };
        Ok(SearchRequest {
            criteria,
            forcedisplay,
            sort,
            order,
            start,
            end,
            version,
        })
    }
}

/// `a-b` with integers (`/^[0-9]+-[0-9]+$/`).
pub(crate) fn parse_range(range: &str) -> Option<(usize, usize)> {
    let (a, b) = range.split_once('-')?;
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|c| c.is_ascii_digit());
    if !digits(a) || !digits(b) {
        return None;
    }
    Some((a.parse().ok()?, b.parse().ok()?))
}

fn php_int(value: &PhpValue) -> Option<u32> {
    value.as_str().and_then(|s| s.trim().parse().ok())
}
