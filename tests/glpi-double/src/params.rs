//! Request parameters the way GLPI's `APIRest::parseIncomingParams` sees them: the query string
//! parsed with PHP's `parse_str` (`criteria[0][field]=2`, `forcedisplay[]=12`), overridden by the
//! JSON body (or the multipart `uploadManifest`), overridden by the `Session-Token`, `App-Token`
//! and `Authorization` headers.

use serde_json::{Map, Value};

/// A PHP request value: a string or an ordered array.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum PhpValue {
    Str(String),
    Array(PhpArray),
}

/// An ordered PHP array (insertion order, unique keys).
pub(crate) type PhpArray = Vec<(String, PhpValue)>;

impl PhpValue {
    pub fn as_str(&self) -> Option<&str> {
        match self {
            PhpValue::Str(s) => Some(s),
            PhpValue::Array(_) => None,
        }
    }

    pub fn as_array(&self) -> Option<&PhpArray> {
        match self {
            PhpValue::Array(a) => Some(a),
            PhpValue::Str(_) => None,
        }
    }

    /// Looks a key up in an array value.
    pub fn get(&self, key: &str) -> Option<&PhpValue> {
        self.as_array().and_then(|a| array_get(a, key))
    }
}

/// Looks a key up in a PHP array.
pub(crate) fn array_get<'a>(array: &'a PhpArray, key: &str) -> Option<&'a PhpValue> {
    array.iter().find(|(k, _)| k == key).map(|(_, v)| v)
}

/// PHP's `max_input_vars`: variables past this count are dropped.
const MAX_INPUT_VARS: usize = 1000;
/// PHP's `max_input_nesting_level`: deeper variables are dropped.
const MAX_INPUT_NESTING_LEVEL: usize = 64;

/// PHP's `parse_str`: `a[b][]=1&a[b][]=2&c=3` → `{a: {b: {0: 1, 1: 2}}, c: 3}`.
pub(crate) fn parse_query(query: &str) -> PhpArray {
    let mut root = PhpArray::new();
    for (key, value) in form_urlencoded::parse(query.as_bytes()).take(MAX_INPUT_VARS) {
        let Some(path) = key_path(&key) else { continue };
        if path.len() > MAX_INPUT_NESTING_LEVEL + 1 {
            continue;
        }
        insert(&mut root, &path, PhpValue::Str(value.into_owned()));
    }
    root
}

/// Splits `a[b][]` into `["a", Some("b"), None]`-like segments (`None` = append).
fn key_path(key: &str) -> Option<Vec<Option<String>>> {
    let key = key.trim_start_matches(' ');
    let (base, mut rest) = match key.find('[') {
        // PHP keeps a key with an unclosed bracket as a plain name.
        Some(i) if key[i..].contains(']') => (&key[..i], &key[i..]),
        _ => (key, ""),
    };
    if base.is_empty() {
        return None;
    }
    // PHP turns spaces, dots and an unclosed bracket of the base name into underscores.
    let base: String = base
        .chars()
        .map(|c| if matches!(c, ' ' | '.' | '[') { '_' } else { c })
        .collect();
    let mut path = vec![Some(base)];
    while let Some(inner) = rest.strip_prefix('[') {
        let Some(end) = inner.find(']') else { break };
        let segment = &inner[..end];
        path.push((!segment.is_empty()).then(|| segment.to_owned()));
        rest = &inner[end + 1..];
    }
    Some(path)
}

fn insert(array: &mut PhpArray, path: &[Option<String>], value: PhpValue) {
    let Some((first, tail)) = path.split_first() else {
        return;
    };
    let key = first.clone().unwrap_or_else(|| next_index(array));
    let position = array.iter().position(|(k, _)| *k == key);
    if tail.is_empty() {
        match position {
            Some(i) => array[i].1 = value,
            None => array.push((key, value)),
        }
        return;
    }
    let index = match position {
        Some(i) => {
            if !matches!(array[i].1, PhpValue::Array(_)) {
                array[i].1 = PhpValue::Array(PhpArray::new());
            }
            i
        }
        None => {
            array.push((key, PhpValue::Array(PhpArray::new())));
            array.len() - 1
        }
    };
    if let PhpValue::Array(child) = &mut array[index].1 {
        insert(child, tail, value);
    }
}

/// The key PHP gives to `[]`: one more than the largest integer key, or 0.
fn next_index(array: &PhpArray) -> String {
    array
        .iter()
        .filter_map(|(k, _)| k.parse::<i64>().ok())
        .max()
        .map_or(0, |max| max + 1)
        .to_string()
}

/// All parameters of one request.
#[derive(Debug, Clone, Default)]
pub(crate) struct Params {
    /// The parsed query string.
    pub query: PhpArray,
    /// Top-level keys of the JSON body or of the `uploadManifest`.
    pub body: Map<String, Value>,
    pub header_session_token: Option<String>,
    pub header_app_token: Option<String>,
    pub header_user_token: Option<String>,
    /// Basic authentication (`login`, `password`).
    pub basic: Option<(String, String)>,
}

impl Params {
    /// A scalar parameter as a string: body first, then query (PHP's override order).
    pub fn scalar(&self, name: &str) -> Option<String> {
        if let Some(value) = self.body.get(name) {
            return json_scalar(value);
        }
        array_get(&self.query, name)
            .and_then(PhpValue::as_str)
            .map(str::to_owned)
    }

    /// A flag parameter, with PHP truthiness (`""`, `"0"` and `"false"` are false).
    pub fn flag(&self, name: &str) -> bool {
        if let Some(value) = self.body.get(name) {
            return json_truthy(value);
        }
        array_get(&self.query, name).is_some_and(|v| match v {
            PhpValue::Str(s) => php_truthy(s),
            PhpValue::Array(a) => !a.is_empty(),
        })
    }

    /// An array-or-scalar query parameter (`criteria`, `forcedisplay`, `searchText`, `sort`).
    pub fn query_value(&self, name: &str) -> Option<&PhpValue> {
        array_get(&self.query, name)
    }

    pub fn session_token(&self) -> Option<String> {
        self.header_session_token
            .clone()
            .or_else(|| self.scalar("session_token"))
    }

    pub fn app_token(&self) -> Option<String> {
        self.header_app_token
            .clone()
            .or_else(|| self.scalar("app_token"))
    }

    pub fn user_token(&self) -> Option<String> {
        self.header_user_token
            .clone()
            .or_else(|| self.scalar("user_token"))
    }

    /// Login and password, from Basic authentication or the `login`/`password` parameters.
    pub fn credentials(&self) -> (Option<String>, Option<String>) {
        match &self.basic {
            Some((login, password)) => (Some(login.clone()), Some(password.clone())),
            None => (self.scalar("login"), self.scalar("password")),
        }
    }
}

/// PHP's truthiness of a request string.
pub(crate) fn php_truthy(s: &str) -> bool {
    !(s.is_empty() || s == "0" || s == "false")
}

/// PHP's truthiness of a decoded JSON value.
pub(crate) fn json_truthy(value: &Value) -> bool {
    match value {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64().is_some_and(|f| f != 0.0),
        Value::String(s) => php_truthy(s),
        Value::Array(a) => !a.is_empty(),
        Value::Object(_) => true,
    }
}

/// A JSON scalar as PHP would print it (`true` → "1", `false`/`null` → "").
pub(crate) fn json_scalar(value: &Value) -> Option<String> {
    match value {
        Value::Null => None,
        Value::Bool(true) => Some("1".to_owned()),
        Value::Bool(false) => Some(String::new()),
        Value::Number(n) => Some(n.to_string()),
        Value::String(s) => Some(s.clone()),
        Value::Array(_) | Value::Object(_) => None,
    }
}

/// A JSON value as an integer, PHP-style (numbers, numeric strings, booleans).
pub(crate) fn json_int(value: &Value) -> Option<i64> {
    match value {
        Value::Number(n) => n.as_i64().or_else(|| n.as_f64().map(|f| f as i64)),
        Value::String(s) => s.trim().parse::<i64>().ok(),
        Value::Bool(b) => Some(i64::from(*b)),
        _ => None,
    }
}

/// A JSON value as text, PHP-style; `None` for null and containers.
pub(crate) fn json_text(value: Option<&Value>) -> Option<String> {
    value.and_then(json_scalar)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &str) -> PhpValue {
        PhpValue::Str(v.to_owned())
    }

    #[test]
    fn parses_nested_and_appended_keys() {
        let q = parse_query(
            "criteria[0][field]=2&criteria[0][value]=5&criteria[1][link]=OR&forcedisplay[]=12&forcedisplay[]=19&range=0-9",
        );
        let criteria = array_get(&q, "criteria")
            .and_then(PhpValue::as_array)
            .cloned()
            .unwrap_or_default();
        assert_eq!(criteria.len(), 2);
        assert_eq!(criteria[0].1.get("field"), Some(&s("2")));
        assert_eq!(criteria[1].1.get("link"), Some(&s("OR")));
        let fd = array_get(&q, "forcedisplay")
            .and_then(PhpValue::as_array)
            .cloned()
            .unwrap_or_default();
        assert_eq!(
            fd,
            vec![("0".to_owned(), s("12")), ("1".to_owned(), s("19"))]
        );
        assert_eq!(array_get(&q, "range"), Some(&s("0-9")));
    }

    #[test]
    fn url_decoding_and_odd_keys() {
        let q = parse_query("a%5B0%5D=x+y&b.c=1&d[=2&=3");
        assert_eq!(array_get(&q, "a").and_then(|a| a.get("0")), Some(&s("x y")));
        assert_eq!(array_get(&q, "b_c"), Some(&s("1")));
        assert_eq!(array_get(&q, "d_"), Some(&s("2")));
        assert_eq!(q.len(), 3);
    }

    #[test]
    fn deep_nesting_is_dropped_like_php() {
        let deep = format!("a{}=1&b=2", "[x]".repeat(100));
        let q = parse_query(&deep);
        assert_eq!(q, vec![("b".to_owned(), s("2"))]);
    }
}
