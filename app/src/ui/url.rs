//! URL query strings: percent-encoding and building `?a=1&b=2` from pairs.

/// Percent-encodes everything but unreserved characters (and `/`, harmless in a query value).
pub fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// `path?k=v&…` with empty values left out.
pub fn with_query(path: &str, pairs: &[(&str, &str)]) -> String {
    let query: Vec<String> =
        pairs.iter().filter(|(_, v)| !v.is_empty()).map(|(k, v)| format!("{k}={}", encode(v))).collect();
    if query.is_empty() { path.to_string() } else { format!("{path}?{}", query.join("&")) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_encoded_and_empty_ones_dropped() {
        assert_eq!(encode("/contacts?q=王 伟&x=1"), "/contacts%3Fq%3D%E7%8E%8B%20%E4%BC%9F%26x%3D1");
        assert_eq!(with_query("/contacts", &[("q", "a b"), ("owner", ""), ("desc", "1")]), "/contacts?q=a%20b&desc=1");
        assert_eq!(with_query("/contacts", &[("q", "")]), "/contacts");
    }
}
