//! URL query strings: percent-encoding and building `?a=1&b=2` from pairs.

/// Percent-encodes everything but unreserved characters (and `/`, harmless in a query value).
pub fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Undoes `encode` (and `+` for a space, as forms send it); malformed escapes stay as they are.
pub fn decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'%' => match s
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
            {
                Some(byte) => {
                    out.push(byte);
                    i += 3;
                    continue;
                }
                None => out.push(b'%'),
            },
            b'+' => out.push(b' '),
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// `path?k=v&…` with empty values left out.
pub fn with_query(path: &str, pairs: &[(&str, &str)]) -> String {
    let query: Vec<String> = pairs
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k}={}", encode(v)))
        .collect();
    if query.is_empty() {
        path.to_string()
    } else {
        format!("{path}?{}", query.join("&"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_encoded_and_empty_ones_dropped() {
        assert_eq!(
            encode("/contacts?q=王 伟&x=1"),
            "/contacts%3Fq%3D%E7%8E%8B%20%E4%BC%9F%26x%3D1"
        );
        assert_eq!(
            with_query("/contacts", &[("q", "a b"), ("owner", ""), ("desc", "1")]),
            "/contacts?q=a%20b&desc=1"
        );
        assert_eq!(with_query("/contacts", &[("q", "")]), "/contacts");
        assert_eq!(decode(&encode("王 伟+x,y%")), "王 伟+x,y%");
        assert_eq!(decode("a+b%2"), "a b%2");
    }
}
