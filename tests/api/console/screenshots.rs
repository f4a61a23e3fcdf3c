//! The README's pictures of the console (the board, the report), taken from the real page over `reloop demo`'s
//! living network: only when `RELOOP_CONSOLE_SCREENSHOTS` names a folder
//! (scripts/console-screenshots.sh sets it to docs/); otherwise this test does nothing.

use std::process::Stdio;
use std::time::Duration;

use fantoccini::Locator;

use super::Console;
use crate::helpers::browser::element;
use crate::helpers::{env, eventually};
use crate::procs::{Deployment, free_port};

/// The demo's operator and every demo user's password (`reloop::demo::cast`).
const OPERATOR: &str = "demo.operator@example.com";
const PASSWORD: &str = "reloop demo password";

#[tokio::test]
async fn a_browser_pictures_the_console_over_the_demo_when_asked() {
    let Some(folder) = env("RELOOP_CONSOLE_SCREENSHOTS") else {
        return;
    };
    let data_dir = tempfile::tempdir().expect("temp dir");
    let port = free_port();
    let _demo = Deployment::from_env(vec![])
        .await
        .command_for(env!("CARGO_BIN_EXE_reloop"), data_dir.path())
        .args(["demo", "--seed", "42", "--collectors", "8"])
        .args(["--bookings-per-minute", "30", "--speed", "60"])
        .env("RELOOP_BIND", format!("127.0.0.1:{port}"))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start reloop demo");
    let address = format!("http://127.0.0.1:{port}");
    let http = reqwest::Client::new();
    eventually(Duration::from_secs(60), "the demo to answer", || {
        let ready = http.get(format!("{address}/ready")).send();
        async move { ready.await.ok()?.status().is_success().then_some(()) }
    })
    .await;
    let console = Console::open(&address, 1280, 800)
        .await
        .expect("a browser for the pictures");
    console.sign_in(OPERATOR, PASSWORD).await;
    element(&console.browser, "#live[data-status=live]").await;
    // A board worth a picture: orders on the map and offers counting down.
    eventually(
        Duration::from_secs(180),
        "orders and offers on the board",
        || {
            let browser = &console.browser;
            async move {
                let orders = browser
                    .find_all(Locator::Css("#map circle.map-order"))
                    .await
                    .ok()?;
                let offers = browser
                    .find_all(Locator::Css("time[data-expires]"))
                    .await
                    .ok()?;
                (orders.len() >= 3 && !offers.is_empty()).then_some(())
            }
        },
    )
    .await;
    let picture = console.browser.screenshot().await.expect("screenshot");
    std::fs::write(format!("{folder}/console-board.png"), picture).expect("write the picture");

    // The report once pickups have completed: bars per category and a point per day.
    console.go("#/reports").await;
    eventually(
        Duration::from_secs(240),
        "a report with collected kg",
        || {
            let console = &console;
            async move {
                console.click("#report-form button[type=submit]").await;
                let bars = console
                    .browser
                    .wait()
                    .at_most(Duration::from_secs(5))
                    .for_element(Locator::Css("#chart-category g.bar"))
                    .await;
                bars.ok().map(|_| ())
            }
        },
    )
    .await;
    let picture = console.browser.screenshot().await.expect("screenshot");
    std::fs::write(format!("{folder}/console-report.png"), picture).expect("write the picture");
    console.close().await;
}
