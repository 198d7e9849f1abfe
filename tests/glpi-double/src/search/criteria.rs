//! Search criteria: the `criteria[…]` parser (links, search types, nested groups) and their
//! evaluation with SQL precedence.

use super::fields::{option_on, SearchOption};
use super::matching::leaf_matches;
use crate::error::ApiError;
use crate::params::{PhpArray, PhpValue};
use crate::state::{Caller, Store, Ticket};
use crate::GlpiVersion;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum SearchType {
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
pub(super) struct Link {
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
pub(super) enum Node {
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

pub(super) fn parse_criteria(
    array: &PhpArray,
    base_url: &str,
    version: GlpiVersion,
) -> Result<Vec<Node>, ApiError> {
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
                children: parse_criteria(children, base_url, version)?,
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
            .and_then(|id| option_on(version, id))
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

pub(super) fn collect_fields(nodes: &[Node], ids: &mut Vec<u32>) {
    for node in nodes {
        match node {
            Node::Leaf { option, .. } => ids.push(option.id),
            Node::Group { children, .. } => collect_fields(children, ids),
        }
    }
}

/// Evaluates criteria left to right, AND binding tighter than OR (SQL precedence).
pub(super) fn eval(nodes: &[Node], store: &Store, caller: &Caller, ticket: &Ticket) -> bool {
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
