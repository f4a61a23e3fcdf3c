//! `/console` is served from the binary like GraphiQL: the page uncached with a strict
//! policy, every file it loads under a versioned URL cached forever, with its media type.

use crate::helpers::spawn_app;

/// The `src` and `href` attributes of a page.
fn local_urls(html: &str) -> Vec<String> {
    let mut urls = Vec::new();
    for attribute in ["src=\"", "href=\""] {
        for (at, _) in html.match_indices(attribute) {
            let rest = &html[at + attribute.len()..];
            urls.push(rest[..rest.find('"').unwrap_or(0)].to_owned());
        }
    }
    urls
}

/// Every file under `console/`, as a path relative to it.
fn console_files(dir: &std::path::Path, prefix: &str, into: &mut Vec<String>) {
    for entry in std::fs::read_dir(dir).expect("console/") {
        let entry = entry.expect("entry");
        let name = format!("{prefix}{}", entry.file_name().to_string_lossy());
        if entry.file_type().expect("type").is_dir() {
            console_files(&entry.path(), &format!("{name}/"), into);
        } else {
            into.push(name);
        }
    }
}

#[tokio::test]
async fn the_console_is_served_from_the_binary_with_a_strict_policy_and_cache_forever_files() {
    let app = spawn_app().await;
    let page = app
        .http
        .get(format!("{}/console", app.address))
        .send()
        .await
        .expect("sent");
    assert_eq!(page.status(), 200);
    let header = |response: &reqwest::Response, name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    assert_eq!(header(&page, "content-type"), "text/html; charset=utf-8");
    assert_eq!(header(&page, "cache-control"), "no-cache");
    let policy = header(&page, "content-security-policy");
    for rule in [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "connect-src 'self'",
        "frame-ancestors 'none'",
    ] {
        assert!(policy.contains(rule), "{rule} in {policy}");
    }
    assert!(!policy.contains("unsafe-inline"), "{policy}");
    let html = page.text().await.expect("html");
    assert!(!html.contains("http://") && !html.contains("https://"));
    assert!(
        !html.contains("<script>") && !html.contains("style="),
        "no inline script or style: {html}"
    );

    let urls = local_urls(&html);
    let folder = urls
        .iter()
        .find_map(|u| u.strip_suffix("/app.js"))
        .expect("the page loads app.js")
        .to_owned();
    assert!(folder.starts_with("/console/assets/"), "{folder}");
    // Every file of console/ (but the page) is served from that folder.
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("console");
    let mut files = Vec::new();
    console_files(&root, "", &mut files);
    files.retain(|f| f != "index.html");
    assert!(files.len() >= 10, "{files:?}");
    for file in &files {
        let response = app
            .http
            .get(format!("{}{folder}/{file}", app.address))
            .send()
            .await
            .expect("sent");
        assert_eq!(
            response.status(),
            200,
            "{file} is not served: list it in src/http/console.rs"
        );
        let expected = match file.rsplit_once('.').map(|(_, e)| e) {
            Some("js") => "text/javascript; charset=utf-8",
            Some("css") => "text/css; charset=utf-8",
            Some("svg") => "image/svg+xml",
            _ => "text/markdown; charset=utf-8",
        };
        assert_eq!(header(&response, "content-type"), expected, "{file}");
        assert_eq!(
            header(&response, "cache-control"),
            "public, max-age=31536000, immutable",
            "{file}"
        );
        assert_eq!(header(&response, "x-content-type-options"), "nosniff");
        let body = response.bytes().await.expect("body");
        let on_disk = std::fs::read(root.join(file)).expect("file");
        assert_eq!(body.as_ref(), on_disk.as_slice(), "{file} as built");
    }
    let stale = app
        .http
        .get(format!("{}/console/assets/0000/app.js", app.address))
        .send()
        .await
        .expect("sent");
    assert_eq!(
        stale.status(),
        404,
        "another version's URL is not this file"
    );
}
