//! Where a page may send the visitor after logging in (`/login?next=…`): only somewhere
//! on the portal itself. The target is resolved as a browser would resolve it (WHATWG URL
//! parsing, which turns `\` into `/`, drops tabs and newlines, and reads `//host` as
//! another host) against the portal's origin, and kept only when the result has that
//! same origin. Checking the text instead (`starts_with('/')`) let `/\evil.example`
//! through, which browsers follow to `//evil.example`.

use url::Url;

/// The path, query and fragment that `next` leads to, when it stays on `origin` (the
/// portal's `scheme://host[:port]`); `None` for anything that would leave it, for an
/// unparsable target, and for an unparsable origin.
pub fn local_target(next: &str, origin: &str) -> Option<String> {
    let base = Url::parse(origin).ok()?;
    if !matches!(base.scheme(), "http" | "https") {
        return None;
    }
    let resolved = base.join(next).ok()?;
    if resolved.origin() != base.origin() || !resolved.username().is_empty() || resolved.password().is_some() {
        return None;
    }
    // Only the parts after the origin: what is returned can never name another host,
    // whatever the origin it was checked against.
    let mut target = resolved.path().to_owned();
    if !target.starts_with('/') || target.starts_with("//") {
        return None;
    }
    if let Some(query) = resolved.query() {
        target.push('?');
        target.push_str(query);
    }
    if let Some(fragment) = resolved.fragment() {
        target.push('#');
        target.push_str(fragment);
    }
    Some(target)
}

#[cfg(test)]
mod tests {
    use super::*;

    const PORTAL: &str = "https://95598.example.cn";

    #[test]
    fn paths_on_the_portal_are_kept() {
        assert_eq!(local_target("/account/bills", PORTAL).as_deref(), Some("/account/bills"));
        assert_eq!(local_target("/account/bills?page=2#top", PORTAL).as_deref(), Some("/account/bills?page=2#top"));
        assert_eq!(local_target("https://95598.example.cn/staff", PORTAL).as_deref(), Some("/staff"));
        assert_eq!(local_target("/a/../staff", PORTAL).as_deref(), Some("/staff"));
        assert_eq!(local_target("/", "http://127.0.0.1:3000").as_deref(), Some("/"));
    }

    #[test]
    fn anything_that_leaves_the_portal_is_refused() {
        let nasty = [
            "//evil.example",
            "/\\evil.example",
            "\\\\evil.example",
            "\\/evil.example",
            "https://evil.example",
            "http://95598.example.cn/",
            "https://95598.example.cn.evil.example/",
            "https://95598.example.cn@evil.example/",
            "https://user:pass@95598.example.cn/",
            "//95598.example.cn@evil.example",
            "/\t/evil.example",
            "/\n/evil.example",
            "\t//evil.example",
            " //evil.example",
            "/\r\n\\evil.example",
            "javascript:alert(1)",
            "data:text/html,<script>alert(1)</script>",
            "HTTPS://EVIL.EXAMPLE",
            "///evil.example",
            "//%65vil.example",
        ];
        for next in nasty {
            assert_eq!(local_target(next, PORTAL), None, "{next:?}");
        }
    }

    #[test]
    fn scheme_relative_forms_stay_on_the_portal() {
        // With the portal's own scheme and no `//`, browsers read these as paths.
        assert_eq!(local_target("https:evil.example", PORTAL).as_deref(), Some("/evil.example"));
        assert_eq!(local_target("https:/evil.example", PORTAL).as_deref(), Some("/evil.example"));
    }

    #[test]
    fn encoded_separators_stay_in_the_path() {
        // Percent-encoded slashes and backslashes are path characters, not separators: the
        // browser stays on the portal.
        for next in ["/%2F%2Fevil.example", "/%5Cevil.example", "/%5C%5Cevil.example"] {
            let target = local_target(next, PORTAL).expect(next);
            assert!(target.starts_with('/') && !target.starts_with("//"), "{next:?} -> {target}");
            assert_eq!(
                Url::parse(PORTAL).and_then(|b| b.join(&target)).map(|u| u.host_str().map(str::to_owned)),
                Ok(Some("95598.example.cn".to_owned())),
                "{next:?}"
            );
        }
    }

    #[test]
    fn a_bad_origin_allows_nothing() {
        assert_eq!(local_target("/account", "not a url"), None);
        assert_eq!(local_target("/account", "file:///etc"), None);
    }
}
