//! GraphiQL at `GET /graphql` works offline: its files come from the binary, and a real
//! Chromium (driven through chromedriver, with every host but loopback unresolvable) loads
//! the schema and shows its documentation.

use std::process::Stdio;
use std::time::Duration;

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};

use crate::helpers::{TestApp, eventually, spawn_app};
use crate::procs::free_port;

/// The page as a browser asks for it.
async fn page(app: &TestApp) -> (reqwest::header::HeaderMap, String) {
    let response = app
        .http
        .get(format!("{}/graphql", app.address))
        .header("Accept", "text/html")
        .send()
        .await
        .expect("sent");
    assert_eq!(response.status(), 200);
    let headers = response.headers().clone();
    (headers, response.text().await.expect("text"))
}

/// The local URLs the page loads (`src` and `href` attributes).
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

#[tokio::test]
async fn graphiql_is_served_from_the_binary_with_its_licences() {
    let app = spawn_app().await;
    let (headers, html) = page(&app).await;
    assert!(
        !html.contains("http://") && !html.contains("https://"),
        "{html}"
    );
    let policy = headers
        .get("content-security-policy")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    assert!(policy.contains("script-src 'self'"), "{policy}");
    let urls = local_urls(&html);
    assert!(urls.len() >= 6, "{urls:?}");
    for url in &urls {
        let response = app
            .http
            .get(format!("{}{url}", app.address))
            .send()
            .await
            .expect("sent");
        assert_eq!(response.status(), 200, "{url}");
        let cache = response.headers().get("cache-control").cloned();
        assert!(
            cache.is_some_and(|c| c.to_str().unwrap_or_default().contains("immutable")),
            "{url}"
        );
        assert!(!response.bytes().await.expect("body").is_empty(), "{url}");
    }
    let licence_dir = urls[0].rsplit_once('/').expect("a folder").0.to_owned();
    for licence in ["LICENSE.graphiql", "LICENSE.react", "LICENSE.react-dom"] {
        let text = app
            .http
            .get(format!("{}{licence_dir}/{licence}", app.address))
            .send()
            .await
            .expect("sent")
            .text()
            .await
            .expect("text");
        assert!(text.contains("MIT License"), "{licence}: {text}");
    }
    let stale = app
        .http
        .get(format!(
            "{}/graphiql/graphiql-0.0.1/graphiql.min.js",
            app.address
        ))
        .send()
        .await
        .expect("sent");
    assert_eq!(
        stale.status(),
        404,
        "another version's URL is not this file"
    );
}

/// Chromium and chromedriver, or None when they are not installed and this run does not
/// require them (scripts/test.sh installs them and sets RELOOP_REQUIRE_BROWSER=1).
fn browser() -> Option<(String, String)> {
    let find = |names: &[&str]| {
        names.iter().find_map(|name| {
            std::process::Command::new("which")
                .arg(name)
                .output()
                .ok()
                .filter(|o| o.status.success())
                .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        })
    };
    let found =
        find(&["chromium", "chromium-browser", "google-chrome"]).zip(find(&["chromedriver"]));
    let required = std::env::var("RELOOP_REQUIRE_BROWSER").is_ok_and(|v| v == "1");
    assert!(
        found.is_some() || !required,
        "RELOOP_REQUIRE_BROWSER=1, but chromium and chromedriver are not both installed"
    );
    if found.is_none() {
        eprintln!(
            "SKIPPED: the GraphiQL browser test needs chromium and chromedriver \
             (`apt-get install chromium chromium-driver`; scripts/test.sh installs them)"
        );
    }
    found
}

/// chromedriver on a free port, answering `/status` (killed when dropped).
async fn start_driver(chromedriver: &str) -> (tokio::process::Child, String) {
    let port = free_port();
    let child = tokio::process::Command::new(chromedriver)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("start chromedriver");
    let url = format!("http://127.0.0.1:{port}");
    let http = reqwest::Client::new();
    eventually(Duration::from_secs(30), "chromedriver to answer", || {
        let status = http.get(format!("{url}/status")).send();
        async move {
            let body: Value = status.await.ok()?.json().await.ok()?;
            (body["value"]["ready"] == true).then_some(())
        }
    })
    .await;
    (child, url)
}

/// A headless Chromium session that can resolve no host but loopback: a page that needed
/// a CDN would fail to load.
async fn offline_session(driver: &str, chromium: &str) -> Client {
    let mut capabilities = serde_json::Map::new();
    capabilities.insert(
        "goog:chromeOptions".to_owned(),
        json!({"binary": chromium, "args": [
            "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
            "--window-size=1280,900", "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
        ]}),
    );
    ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(capabilities)
        .connect(driver)
        .await
        .expect("a Chromium session")
}

/// The visible text of the first element matching `css`, once it contains `expected`.
async fn text_with(browser: &Client, css: &str, expected: &str) -> String {
    eventually(
        Duration::from_secs(30),
        &format!("{css} to show {expected:?}"),
        || async move {
            let element = browser.find(Locator::Css(css)).await.ok()?;
            let text = element.text().await.ok()?;
            text.contains(expected).then_some(text)
        },
    )
    .await
}

#[tokio::test]
async fn a_browser_offline_loads_graphiql_and_browses_the_schema_docs() {
    let Some((chromium, chromedriver)) = browser() else {
        return;
    };
    let app = spawn_app().await;
    let (_driver, driver_url) = start_driver(&chromedriver).await;
    let browser = offline_session(&driver_url, &chromium).await;
    browser
        .goto(&format!("{}/graphql", app.address))
        .await
        .expect("open GraphiQL");
    let docs = browser
        .wait()
        .at_most(Duration::from_secs(30))
        .for_element(Locator::Css(
            r#"button[aria-label="Show Documentation Explorer"]"#,
        ))
        .await
        .expect("GraphiQL rendered its toolbar");
    docs.click().await.expect("open the docs");
    // The explorer lists the root types once the introspection query came back.
    let root = text_with(&browser, ".graphiql-doc-explorer", "Mutation").await;
    assert!(
        root.contains("Query") && root.contains("Subscription"),
        "{root}"
    );
    browser
        .find(Locator::XPath(
            "//*[contains(@class,'graphiql-doc-explorer')]//a[normalize-space()='Query']",
        ))
        .await
        .expect("a link to Query")
        .click()
        .await
        .expect("open Query");
    // Query's fields, with the descriptions from the resolvers' doc comments.
    let query = text_with(&browser, ".graphiql-doc-explorer", "pickupOrders").await;
    assert!(query.contains("The signed-in user"), "{query}");
    let loaded: Value = browser
        .execute(
            "return performance.getEntriesByType('resource').map(e => e.name)",
            vec![],
        )
        .await
        .expect("resource list");
    let urls: Vec<&str> = loaded
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    assert!(
        urls.iter().all(|u| u.starts_with(&app.address)),
        "only this server: {urls:?}"
    );
    browser.close().await.ok();
}
