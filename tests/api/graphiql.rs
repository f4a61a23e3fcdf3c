//! GraphiQL at `GET /graphql` works offline: its files come from the binary, and a real
//! Chromium (driven through chromedriver, with every host but loopback unresolvable) loads
//! the schema and shows its documentation.

use std::time::Duration;

use fantoccini::Locator;

use crate::helpers::browser::{browser, loaded_urls, offline_session, start_driver, text_with};
use crate::helpers::{TestApp, spawn_app};

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

#[tokio::test]
async fn a_browser_offline_loads_graphiql_and_browses_the_schema_docs() {
    let Some((chromium, chromedriver)) = browser() else {
        return;
    };
    let app = spawn_app().await;
    let (_driver, driver_url) = start_driver(&chromedriver).await;
    let browser = offline_session(&driver_url, &chromium, (1280, 900), None).await;
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
    let urls = loaded_urls(&browser).await;
    assert!(
        urls.iter().all(|u| u.starts_with(&app.address)),
        "only this server: {urls:?}"
    );
    browser.close().await.ok();
}
