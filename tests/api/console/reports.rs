//! The collection report in the console: a completed pickup's categories in the table and
//! the charts, and the CSV download button saving the same CSV the API serves.

use std::time::Duration;

use fantoccini::Locator;

use super::Console;
use crate::custody::fixtures::collected_order;
use crate::helpers::browser::{PAGE_PATIENCE, element, text_with};
use crate::helpers::{PASSWORD, eventually, spawn_app};

#[tokio::test]
async fn a_browser_console_opens_a_report_and_downloads_its_csv() {
    let app = spawn_app().await;
    let downloads = tempfile::tempdir().expect("a download folder");
    let Some(console) =
        Console::open_saving_to(&app.address, 1280, 800, Some(downloads.path())).await
    else {
        return;
    };
    let collected = collected_order(&app).await;
    console.sign_in(&collected.operator.email, PASSWORD).await;
    text_with(&console.browser, "main h1", "Dispatch board").await;

    console.go("#/reports").await;
    let table = text_with(&console.browser, "#report-table", "LAPTOP").await;
    assert!(
        table.contains("SMALL_APPLIANCE") && table.contains("Total"),
        "{table}"
    );
    let bars = console
        .browser
        .find_all(Locator::Css("#chart-category svg g.bar"))
        .await
        .expect("bars");
    assert_eq!(bars.len(), 2, "one bar per category");
    element(&console.browser, "#chart-day svg circle.point").await;

    console.click("#csv").await;
    let status = text_with(&console.browser, "#csv-status", "Saved").await;
    let query = element(&console.browser, "#csv-status")
        .await
        .attr("data-query")
        .await
        .expect("attribute")
        .expect("the query the page sent");
    let expected = app
        .http
        .get(format!("{}/reports/collection.csv?{query}", app.address))
        .bearer_auth(&collected.operator.access)
        .send()
        .await
        .expect("sent")
        .text()
        .await
        .expect("the CSV");
    assert!(expected.contains("LAPTOP"), "{expected}");
    let saved = eventually(
        PAGE_PATIENCE.max(Duration::from_secs(30)),
        "the CSV in the download folder",
        || {
            let folder = downloads.path().to_owned();
            async move {
                let entry = std::fs::read_dir(folder)
                    .ok()?
                    .flatten()
                    .find(|e| e.file_name().to_string_lossy().ends_with(".csv"))?;
                Some((
                    entry.file_name().to_string_lossy().into_owned(),
                    std::fs::read_to_string(entry.path()).ok()?,
                ))
            }
        },
    )
    .await;
    assert!(status.contains(&saved.0), "{status} names {}", saved.0);
    assert_eq!(saved.1, expected, "the file is the API's CSV");
    console.close().await;
}
