//! A real headless Chromium driven through chromedriver (WebDriver, the `fantoccini`
//! crate), shared by the GraphiQL and console tests: found on the machine (or the test
//! skips, unless `RELOOP_REQUIRE_BROWSER=1`, which scripts/test.sh sets), unable to resolve
//! any host but loopback, and waited on through page state, never fixed sleeps.

use std::process::Stdio;
use std::time::Duration;

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};

use super::eventually;
use crate::procs::free_port;

/// How long a page may take to show what a test waits for.
pub const PAGE_PATIENCE: Duration = Duration::from_secs(30);

/// Chromium and chromedriver, or None when they are not installed and this run does not
/// require them (scripts/test.sh installs them and sets RELOOP_REQUIRE_BROWSER=1).
pub fn browser() -> Option<(String, String)> {
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
            "SKIPPED: this browser test needs chromium and chromedriver \
             (`apt-get install chromium chromium-driver`; scripts/test.sh installs them)"
        );
    }
    found
}

/// chromedriver on a free port, answering `/status` (killed when dropped).
pub async fn start_driver(chromedriver: &str) -> (tokio::process::Child, String) {
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

/// A headless Chromium session of `width`×`height` that can resolve no host but loopback
/// (a page that needed a CDN would fail to load), saving downloads into `downloads`.
pub async fn offline_session(
    driver: &str,
    chromium: &str,
    (width, height): (u32, u32),
    downloads: Option<&std::path::Path>,
) -> Client {
    let mut options = json!({"binary": chromium, "args": [
        "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        format!("--window-size={width},{height}"),
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
    ]});
    if let Some(folder) = downloads {
        options["prefs"] = json!({
            "download.default_directory": folder, "download.prompt_for_download": false,
        });
    }
    let mut capabilities = serde_json::Map::new();
    capabilities.insert("goog:chromeOptions".to_owned(), options);
    ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(capabilities)
        .connect(driver)
        .await
        .expect("a Chromium session")
}

/// The visible text of the first element matching `css`, once it contains `expected`.
pub async fn text_with(browser: &Client, css: &str, expected: &str) -> String {
    eventually(
        PAGE_PATIENCE,
        &format!("{css} to show {expected:?}"),
        || async move {
            let element = browser.find(Locator::Css(css)).await.ok()?;
            let text = element.text().await.ok()?;
            text.contains(expected).then_some(text)
        },
    )
    .await
}

/// The first element matching `css`, once there is one.
pub async fn element(browser: &Client, css: &str) -> Element {
    browser
        .wait()
        .at_most(PAGE_PATIENCE)
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("no {css} on the page: {e}"))
}

/// The URLs of every resource the page loaded.
pub async fn loaded_urls(browser: &Client) -> Vec<String> {
    let loaded: Value = browser
        .execute(
            "return performance.getEntriesByType('resource').map(e => e.name)",
            vec![],
        )
        .await
        .expect("resource list");
    loaded
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}
