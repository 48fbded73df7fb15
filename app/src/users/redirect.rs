//! Where to go after signing in: only a path on this site, read exactly as a browser will read it.
use url::{Position, Url};

/// Any origin serves as the base: all that matters is whether `next` stays on it.
const BASE: &str = "http://keel.invalid/";

/// The after-sign-in destination: `next` when, parsed by the WHATWG URL rules browsers use and
/// relative to this site, it is a path on this same origin; "/" otherwise. The answer is the
/// parser's own serialisation (control characters percent-encoded, tabs and newlines dropped,
/// backslashes turned into slashes), so the browser is sent exactly what was checked.
pub fn safe_next(next: Option<&str>) -> String {
    next.and_then(same_origin_path)
        .unwrap_or_else(|| "/".to_string())
}

fn same_origin_path(next: &str) -> Option<String> {
    // The sign-in page sends a path; anything else (an absolute URL, even one to this very site,
    // or a path behind spaces or control characters that browsers would skip) is not one.
    if !next.starts_with('/') {
        return None;
    }
    let base = Url::parse(BASE).ok()?;
    let url = base.join(next).ok()?;
    if url.origin() != base.origin() {
        return None;
    }
    let path = &url[Position::BeforePath..];
    // "/.//evil.example" keeps this origin but serialises to a path that, sent on its own, is
    // scheme-relative.
    if path.starts_with("//") || path.starts_with("/\\") {
        return None;
    }
    // Back to the sign-in page would be a loop.
    if url.path() == "/login" || url.path().starts_with("/login/") {
        return None;
    }
    Some(path.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn next(p: &str) -> String {
        safe_next(Some(p))
    }

    #[test]
    fn a_path_on_this_site_is_kept_with_its_query_and_fragment() {
        assert_eq!(next("/contacts?q=1"), "/contacts?q=1");
        assert_eq!(next("/deals/42#notes"), "/deals/42#notes");
        assert_eq!(next("/"), "/");
    }

    #[test]
    fn nothing_given_means_the_start_page() {
        assert_eq!(safe_next(None), "/");
        assert_eq!(next(""), "/");
    }

    #[test]
    fn an_absolute_url_is_refused_even_to_this_site() {
        assert_eq!(next("https://evil.example"), "/");
        assert_eq!(next("http://keel.invalid/contacts"), "/");
        assert_eq!(next("javascript:alert(1)"), "/");
    }

    #[test]
    fn a_scheme_relative_url_is_refused() {
        assert_eq!(next("//evil.example"), "/");
        assert_eq!(next("//evil.example/contacts"), "/");
    }

    #[test]
    fn a_backslash_that_browsers_read_as_a_slash_is_refused() {
        assert_eq!(next("/\\evil.example"), "/");
        assert_eq!(next("\\\\evil.example"), "/");
        assert_eq!(next("/\\/evil.example"), "/");
    }

    #[test]
    fn tabs_and_newlines_that_browsers_drop_cannot_make_a_scheme_relative_url() {
        // `next=/%09/evil.example` arrives percent-decoded.
        assert_eq!(next("/\t/evil.example"), "/");
        assert_eq!(next("/\n/evil.example"), "/");
        assert_eq!(next("/\r\n/evil.example"), "/");
        assert_eq!(next("/\t\\evil.example"), "/");
    }

    #[test]
    fn dot_segments_that_collapse_to_a_scheme_relative_path_are_refused() {
        assert_eq!(next("/.//evil.example"), "/");
        assert_eq!(next("/x/..//evil.example"), "/");
        assert_eq!(next("/%2e//evil.example"), "/");
    }

    #[test]
    fn a_path_behind_spaces_or_control_characters_is_refused() {
        assert_eq!(next(" /contacts"), "/");
        assert_eq!(next("\t//evil.example"), "/");
        assert_eq!(next("\u{0}/contacts"), "/");
    }

    #[test]
    fn control_characters_inside_a_path_are_sent_percent_encoded() {
        assert_eq!(next("/contacts?q=a b"), "/contacts?q=a%20b");
        assert_eq!(next("/con\u{0}tacts"), "/con%00tacts");
        assert!(!next("/x\u{7f}y").contains('\u{7f}'));
    }

    #[test]
    fn the_sign_in_page_itself_is_not_a_destination() {
        assert_eq!(next("/login"), "/");
        assert_eq!(next("/login?next=/contacts"), "/");
        assert_eq!(next("/x/../login"), "/");
    }
}
