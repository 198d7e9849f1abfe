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

use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::{json, Value};

use crate::encode::decode_html;
use crate::error::ApiError;
use crate::params::{PhpArray, PhpValue};
use crate::state::{fmt_stamp, status, Caller, Store, Ticket};

/// How an option's value is read and compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// The ticket name (GLPI `itemlink`: `equals` compares the id).
    Name,
    Id,
    Number,
    Status,
    Requester,
    Technician,
    Category,
    Date,
    Text,
}

/// A search option of `Ticket::rawSearchOptions`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SearchOption {
    id: u32,
    name: &'static str,
    table: &'static str,
    field: &'static str,
    kind: Kind,
}

const fn opt(
    id: u32,
    name: &'static str,
    table: &'static str,
    field: &'static str,
    kind: Kind,
) -> SearchOption {
    SearchOption {
        id,
        name,
        table,
        field,
        kind,
    }
}

const OPTIONS: [SearchOption; 16] = [
    opt(1, "Title", "glpi_tickets", "name", Kind::Name),
    opt(2, "ID", "glpi_tickets", "id", Kind::Id),
    opt(3, "Priority", "glpi_tickets", "priority", Kind::Number),
    opt(4, "Requester", "glpi_users", "name", Kind::Requester),
    opt(5, "Technician", "glpi_users", "name", Kind::Technician),
    opt(
        7,
        "Category",
        "glpi_itilcategories",
        "completename",
        Kind::Category,
    ),
    opt(10, "Urgency", "glpi_tickets", "urgency", Kind::Number),
    opt(11, "Impact", "glpi_tickets", "impact", Kind::Number),
    opt(12, "Status", "glpi_tickets", "status", Kind::Status),
    opt(14, "Type", "glpi_tickets", "type", Kind::Number),
    opt(15, "Opening date", "glpi_tickets", "date", Kind::Date),
    opt(16, "Closing date", "glpi_tickets", "closedate", Kind::Date),
    opt(
        17,
        "Resolution date",
        "glpi_tickets",
        "solvedate",
        Kind::Date,
    ),
    opt(
        18,
        "Time to resolve",
        "glpi_tickets",
        "time_to_resolve",
        Kind::Date,
    ),
    opt(19, "Last update", "glpi_tickets", "date_mod", Kind::Date),
    opt(21, "Description", "glpi_tickets", "content", Kind::Text),
];

/// GLPI's default display preferences for Ticket (used when there is no `forcedisplay`).
const DEFAULT_VIEW: [u32; 8] = [12, 19, 15, 3, 4, 5, 7, 18];

fn option(id: u32) -> Option<&'static SearchOption> {
    OPTIONS.iter().find(|o| o.id == id)
}

/// `listSearchOptions/Ticket`.
pub(crate) fn list_search_options() -> Value {
    let mut map = serde_json::Map::new();
    map.insert("common".into(), json!({ "name": "Characteristics" }));
    for o in &OPTIONS {
        let searchtypes: &[&str] = match o.kind {
            Kind::Name | Kind::Text => &["contains", "notcontains"],
            Kind::Id | Kind::Status => &["equals", "notequals"],
            Kind::Number => &["contains", "notcontains", "equals", "notequals"],
            Kind::Requester | Kind::Technician => {
                &["equals", "notequals", "contains", "notcontains"]
            }
            Kind::Category => &[
                "contains",
                "notcontains",
                "equals",
                "notequals",
                "under",
                "notunder",
            ],
            Kind::Date => &[
                "equals",
                "notequals",
                "lessthan",
                "morethan",
                "contains",
                "notcontains",
            ],
        };
        map.insert(
            o.id.to_string(),
            json!({
                "name": o.name,
                "table": o.table,
                "field": o.field,
                "datatype": match o.kind {
                    Kind::Name => "itemlink",
                    Kind::Id | Kind::Number => "number",
                    Kind::Status => "specific",
                    Kind::Requester | Kind::Technician | Kind::Category => "dropdown",
                    Kind::Date => "datetime",
                    Kind::Text => "text",
                },
                "nosearch": false,
                "nodisplay": false,
                "available_searchtypes": searchtypes,
                "uid": format!("Ticket.{}", o.field),
            }),
        );
    }
    Value::Object(map)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SearchType {
    Contains,
    NotContains,
    Equals,
    NotEquals,
    LessThan,
    MoreThan,
    Under,
    NotUnder,
}

impl SearchType {
    fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "contains" => SearchType::Contains,
            "notcontains" => SearchType::NotContains,
            "equals" => SearchType::Equals,
            "notequals" => SearchType::NotEquals,
            "lessthan" => SearchType::LessThan,
            "morethan" => SearchType::MoreThan,
            "under" => SearchType::Under,
            "notunder" => SearchType::NotUnder,
            _ => return None,
        })
    }
}

/// `AND` / `OR`, possibly followed by `NOT`.
#[derive(Debug, Clone, Copy, Default)]
struct Link {
    or: bool,
    not: bool,
}

impl Link {
    fn parse(s: Option<&str>) -> Self {
        let s = s.unwrap_or("AND").trim().to_ascii_uppercase();
        Link {
            or: s.starts_with("OR"),
            not: s.ends_with("NOT"),
        }
    }
}

#[derive(Debug, Clone)]
enum Node {
    Leaf {
        link: Link,
        option: &'static SearchOption,
        searchtype: SearchType,
        value: String,
    },
    Group {
        link: Link,
        children: Vec<Node>,
    },
}

/// A parsed search request.
#[derive(Debug, Clone)]
pub(crate) struct SearchRequest {
    criteria: Vec<Node>,
    forcedisplay: Vec<u32>,
    sort: Vec<Value>,
    order: Vec<Value>,
    start: usize,
    end: usize,
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
    ) -> Result<Self, ApiError> {
        let criteria = match criteria.and_then(PhpValue::as_array) {
            Some(array) => parse_criteria(array, base_url)?,
            None => Vec::new(),
        };
        let forcedisplay = match forcedisplay {
            Some(PhpValue::Array(items)) => items.iter().filter_map(|(_, v)| php_int(v)).collect(),
            Some(scalar) => php_int(scalar).into_iter().collect(),
            None => Vec::new(),
        };
        let sort = match sort {
            Some(PhpValue::Array(items)) => items
                .iter()
                .filter_map(|(_, v)| v.as_str().map(|s| json!(s)))
                .collect(),
            Some(scalar) => match php_int(scalar) {
                Some(v) => vec![json!(v)],
                None => vec![json!("1")],
            },
            None => vec![json!("1")],
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
        })
    }

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
            if let Some(o) = option(id) {
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

fn parse_criteria(array: &PhpArray, base_url: &str) -> Result<Vec<Node>, ApiError> {
    let mut nodes = Vec::new();
    for (_, criterion) in array {
        if criterion.as_array().is_none() {
            return Err(ApiError::generic("Malformed search criteria", base_url));
        }
        let get = |key: &str| criterion.get(key);
        let link = Link::parse(get("link").and_then(PhpValue::as_str));
        if let Some(children) = get("criteria").and_then(PhpValue::as_array) {
            nodes.push(Node::Group {
                link,
                children: parse_criteria(children, base_url)?,
            });
            continue;
        }
        let (Some(field), Some(searchtype), Some(value)) = (
            get("field").and_then(PhpValue::as_str),
            get("searchtype").and_then(PhpValue::as_str),
            get("value").and_then(PhpValue::as_str),
        ) else {
            return Err(ApiError::generic("Malformed search criteria", base_url));
        };
        let option = Some(field)
            .filter(|f| !f.is_empty() && f.bytes().all(|c| c.is_ascii_digit()))
            .and_then(|f| f.parse::<u32>().ok())
            .and_then(option)
            .ok_or_else(|| ApiError::generic("Bad field ID in search criteria", base_url))?;
        let searchtype = SearchType::parse(searchtype).ok_or_else(|| {
            ApiError::generic(
                "Unknown searchtype in search criteria (GLPI double)",
                base_url,
            )
        })?;
        nodes.push(Node::Leaf {
            link,
            option,
            searchtype,
            value: value.to_owned(),
        });
    }
    Ok(nodes)
}

fn collect_fields(nodes: &[Node], ids: &mut Vec<u32>) {
    for node in nodes {
        match node {
            Node::Leaf { option, .. } => ids.push(option.id),
            Node::Group { children, .. } => collect_fields(children, ids),
        }
    }
}

/// Evaluates criteria left to right, AND binding tighter than OR (SQL precedence).
fn eval(nodes: &[Node], store: &Store, caller: &Caller, ticket: &Ticket) -> bool {
    let mut any_group_true = false;
    let mut current: Option<bool> = None;
    for node in nodes {
        let (link, value) = match node {
            Node::Leaf {
                link,
                option,
                searchtype,
                value,
            } => (
                *link,
                leaf_matches(store, caller, ticket, option, *searchtype, value),
            ),
            Node::Group { link, children } => (*link, eval(children, store, caller, ticket)),
        };
        let value = value != link.not;
        current = Some(match current {
            None => value,
            Some(previous) if link.or => {
                any_group_true |= previous;
                value
            }
            Some(previous) => previous && value,
        });
    }
    any_group_true || current.unwrap_or(true)
}

/// A cell value.
#[derive(Debug, Clone, PartialEq)]
enum Cell {
    Null,
    Int(i64),
    Str(String),
    Many(Vec<String>),
}

impl Cell {
    fn into_json(self) -> Value {
        match self {
            Cell::Null => Value::Null,
            Cell::Int(i) => json!(i),
            Cell::Str(s) => json!(s),
            Cell::Many(mut values) => match values.len() {
                0 => Value::Null,
                1 => json!(values.remove(0)),
                _ => json!(values),
            },
        }
    }

    /// The texts a `LIKE` sees (none for NULL).
    fn texts(&self) -> Vec<String> {
        match self {
            Cell::Null => Vec::new(),
            Cell::Int(i) => vec![i.to_string()],
            Cell::Str(s) => vec![s.clone()],
            Cell::Many(values) => values.clone(),
        }
    }
}

fn cell(store: &Store, ticket: &Ticket, option: &SearchOption) -> Cell {
    let date =
        |d: Option<&time::PrimitiveDateTime>| d.map_or(Cell::Null, |d| Cell::Str(fmt_stamp(d)));
    match option.id {
        1 => Cell::Str(ticket.name.clone()),
        2 => Cell::Int(ticket.id as i64),
        3 => Cell::Int(i64::from(ticket.priority)),
        4 => Cell::Many(
            ticket
                .requester_ids
                .iter()
                .map(|id| store.user(*id).map(|u| u.login.clone()).unwrap_or_default())
                .collect(),
        ),
        5 => Cell::Many(Vec::new()),
        7 => store
            .config
            .categories
            .iter()
            .find(|c| c.id == ticket.category_id)
            .map_or(Cell::Null, |c| {
                Cell::Str(crate::encode::encode_html(&c.completename))
            }),
        10 => Cell::Int(i64::from(ticket.urgency)),
        11 => Cell::Int(i64::from(ticket.impact)),
        12 => Cell::Int(i64::from(ticket.status)),
        14 => Cell::Int(i64::from(ticket.kind)),
        15 => date(Some(&ticket.date)),
        16 => date(ticket.closedate.as_ref()),
        17 => date(ticket.solvedate.as_ref()),
        19 => date(Some(&ticket.date_mod)),
        21 => Cell::Str(ticket.content.clone()),
        _ => Cell::Null,
    }
}

/// Sort key: NULL first, then numbers, then case-insensitive text.
fn sort_key(store: &Store, ticket: &Ticket, option: &SearchOption) -> (u8, i64, String) {
    match cell(store, ticket, option) {
        Cell::Null => (0, 0, String::new()),
        Cell::Int(i) => (1, i, String::new()),
        Cell::Str(s) => (2, 0, s.to_lowercase()),
        Cell::Many(values) => (2, 0, values.join(" ").to_lowercase()),
    }
}

fn leaf_matches(
    store: &Store,
    caller: &Caller,
    ticket: &Ticket,
    option: &SearchOption,
    searchtype: SearchType,
    value: &str,
) -> bool {
    let cell = cell(store, ticket, option);
    match (option.kind, searchtype) {
        (_, SearchType::NotContains) => not_contains(&cell, option.kind, value),
        (_, SearchType::Contains) => contains(&cell, option.kind, value),
        (_, SearchType::NotEquals) => !equals(caller, ticket, &cell, option.kind, value),
        (_, SearchType::Equals) => equals(caller, ticket, &cell, option.kind, value),
        (Kind::Category, SearchType::Under) => under(store, ticket.category_id, value),
        (Kind::Category, SearchType::NotUnder) => !under(store, ticket.category_id, value),
        (Kind::Date, SearchType::LessThan | SearchType::MoreThan) => {
            let (Cell::Str(stored), Some(bound)) = (&cell, normalize_datetime(value)) else {
                return false;
            };
            if searchtype == SearchType::LessThan {
                *stored < bound
            } else {
                *stored > bound
            }
        }
        (_, SearchType::LessThan | SearchType::MoreThan) => {
            let (Cell::Int(stored), Ok(bound)) = (&cell, value.trim().parse::<i64>()) else {
                return false;
            };
            if searchtype == SearchType::LessThan {
                *stored < bound
            } else {
                *stored > bound
            }
        }
        (_, SearchType::Under | SearchType::NotUnder) => false,
    }
}

fn contains(cell: &Cell, kind: Kind, value: &str) -> bool {
    if matches!(kind, Kind::Id | Kind::Number | Kind::Status) {
        if let Cell::Int(stored) = cell {
            let trimmed = value.trim();
            if let Ok(number) = trimmed.parse::<i64>() {
                return *stored == number;
            }
            if let Some(result) = compare_operator(*stored, trimmed) {
                return result;
            }
        }
    }
    match text_pattern(value) {
        TextPattern::IsNull => cell.texts().iter().all(String::is_empty),
        TextPattern::Like(pattern) => cell.texts().iter().any(|text| like(&pattern, text)),
    }
}

/// `Search::makeTextCriteria` with `$not`: NULL values match too, except for `null` and `^$`.
fn not_contains(cell: &Cell, kind: Kind, value: &str) -> bool {
    if *cell == Cell::Null {
        return matches!(text_pattern(value), TextPattern::Like(pattern) if !pattern.is_empty());
    }
    !contains(cell, kind, value)
}

/// `<5`, `>=3`: GLPI's numeric operators in a `contains` value.
fn compare_operator(stored: i64, value: &str) -> Option<bool> {
    let (op, rest) = if let Some(rest) = value.strip_prefix("<=") {
        ("<=", rest)
    } else if let Some(rest) = value.strip_prefix(">=") {
        (">=", rest)
    } else if let Some(rest) = value.strip_prefix('<') {
        ("<", rest)
    } else {
        (">", value.strip_prefix('>')?)
    };
    let bound: i64 = rest.trim().parse().ok()?;
    Some(match op {
        "<=" => stored <= bound,
        ">=" => stored >= bound,
        "<" => stored < bound,
        _ => stored > bound,
    })
}

fn equals(caller: &Caller, ticket: &Ticket, cell: &Cell, kind: Kind, value: &str) -> bool {
    let value = value.trim();
    let number = value.parse::<i64>().ok();
    match kind {
        Kind::Name | Kind::Id => number == Some(ticket.id as i64),
        Kind::Number => matches!(cell, Cell::Int(i) if Some(*i) == number),
        Kind::Status => status_matches(ticket.status, value),
        Kind::Requester => {
            let wanted = if value == "myself" {
                Some(caller.id as i64)
            } else {
                number
            };
            wanted.is_some_and(|id| ticket.requester_ids.iter().any(|r| *r as i64 == id))
        }
        Kind::Technician => false,
        Kind::Category => number == Some(ticket.category_id as i64),
        // Datetime `equals` is a LIKE on the start of the value, without a trailing `:00`.
        Kind::Date => {
            let prefix = value.strip_suffix(":00").unwrap_or(value);
            contains(cell, kind, &format!("^{prefix}"))
        }
        Kind::Text => cell
            .texts()
            .iter()
            .any(|t| t.to_lowercase() == value.to_lowercase()),
    }
}

/// Status values, including GLPI's special ones.
fn status_matches(current: u8, value: &str) -> bool {
    match value {
        "all" => true,
        "notold" => current < status::SOLVED,
        "old" => current >= status::SOLVED,
        "notclosed" => current != status::CLOSED,
        "process" => current == 2 || current == 3,
        other => other.parse::<u8>().is_ok_and(|v| v == current),
    }
}

/// Category `under`: the category itself or one of its descendants.
fn under(store: &Store, category_id: u64, value: &str) -> bool {
    let Ok(root) = value.trim().parse::<u64>() else {
        return false;
    };
    let mut current = category_id;
    for _ in 0..64 {
        if current == 0 {
            return false;
        }
        if current == root {
            return true;
        }
        current = store
            .config
            .categories
            .iter()
            .find(|c| c.id == current)
            .map_or(0, |c| c.parent_id);
    }
    false
}

/// `YYYY-MM-DD[ HH:MM[:SS]]` padded to a full datetime, for comparisons with stored dates.
fn normalize_datetime(value: &str) -> Option<String> {
    let value = value.trim();
    let (date, time) = value.split_once(' ').unwrap_or((value, ""));
    let date_ok = date.len() == 10
        && date.bytes().enumerate().all(|(i, c)| {
            if i == 4 || i == 7 {
                c == b'-'
            } else {
                c.is_ascii_digit()
            }
        });
    if !date_ok {
        return None;
    }
    let time = match time.trim().len() {
        0 => "00:00:00".to_owned(),
        5 => format!("{}:00", time.trim()),
        8 => time.trim().to_owned(),
        _ => return None,
    };
    Some(format!("{date} {time}"))
}

/// The outcome of `Search::makeTextSearchValue`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum TextPattern {
    IsNull,
    /// A `LIKE` pattern: `%` matches any run of characters.
    Like(String),
}

/// Port of `Search::makeTextSearchValue`.
pub(crate) fn text_pattern(value: &str) -> TextPattern {
    let value = decode_html(value);
    if value == "NULL" || value == "null" {
        return TextPattern::IsNull;
    }
    let value = value.trim();
    if value == "^" {
        return TextPattern::Like("%".to_owned());
    }
    if value.is_empty() || value == "^$" || value == "$" {
        return TextPattern::Like(String::new());
    }
    let mut pattern = match value.strip_prefix('^') {
        Some(rest) => rest.trim_start().to_owned(),
        None => format!("%{value}"),
    };
    match pattern.strip_suffix('$') {
        Some(rest) => pattern = rest.trim_end().to_owned(),
        None => pattern.push('%'),
    }
    TextPattern::Like(pattern)
}

/// SQL `LIKE`, case-insensitive, with `%` as the only wildcard.
pub(crate) fn like(pattern: &str, text: &str) -> bool {
    let pattern = pattern.to_lowercase();
    let text = text.to_lowercase();
    let parts: Vec<&str> = pattern.split('%').collect();
    let [first, middle @ .., last] = parts.as_slice() else {
        return text == pattern;
    };
    let Some(mut rest) = text.strip_prefix(first) else {
        return false;
    };
    for part in middle {
        match rest.find(part) {
            Some(i) => rest = &rest[i + part.len()..],
            None => return false,
        }
    }
    rest.len() >= last.len() && rest.ends_with(last)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_semantics() {
        assert!(like("%abc%", "xxABCyy"));
        assert!(like("abc%", "abcdef"));
        assert!(!like("abc%", "xabc"));
        assert!(like("%def", "abcdef"));
        assert!(like("a%c%e", "abcde"));
        assert!(!like("", "x"));
        assert!(like("", ""));
        assert!(like("%", ""));
    }

    #[test]
    fn text_patterns() {
        assert_eq!(text_pattern("uuid"), TextPattern::Like("%uuid%".into()));
        assert_eq!(text_pattern("^uuid$"), TextPattern::Like("uuid".into()));
        assert_eq!(text_pattern("null"), TextPattern::IsNull);
        assert_eq!(text_pattern("^"), TextPattern::Like("%".into()));
    }

    #[test]
    fn ranges() {
        assert_eq!(parse_range("0-49"), Some((0, 49)));
        assert_eq!(parse_range("a-1"), None);
        assert_eq!(parse_range("1-"), None);
        assert_eq!(
            normalize_datetime("2025-01-06"),
            Some("2025-01-06 00:00:00".into())
        );
        assert_eq!(
            normalize_datetime("2025-01-06 08:00"),
            Some("2025-01-06 08:00:00".into())
        );
        assert_eq!(normalize_datetime("NOW"), None);
    }
}
