//! One criterion against one ticket: `contains` / `notcontains` (with `makeTextCriteria`'s NULL
//! rules and numeric operators), `equals`, `lessthan` / `morethan`, `under` / `notunder`.

use super::criteria::SearchType;
use super::fields::{cell, Cell, Kind, SearchOption};
use super::text::{like, text_pattern, TextPattern};
use crate::state::{status, Caller, Store, Ticket};

pub(super) fn leaf_matches(
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::parse_range;

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
