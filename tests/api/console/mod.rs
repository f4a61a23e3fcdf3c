//! The operator console at `/console`: its files served with their policy and caching
//! (served.rs), and a real headless Chromium using it against `spawn_app()` the way an
//! operator does: signing in, watching the board (online collectors on its map included,
//! and map tiles when configured), acting on orders and collectors, filtering orders,
//! reading a collector's page, marking compliance tasks reported, resolving discrepancies,
//! reading a report and downloading it as CSV. `consoleSettings` (settings.rs) is what
//! the console reads of the server's configuration.

mod actions;
mod board;
mod collectors;
mod compliance;
mod custody;
mod orders;
mod reports;
mod screenshots;
mod served;
mod settings;
mod tiles;

use fantoccini::{Client, Locator};
use serde_json::json;

use crate::helpers::browser::{browser, element, offline_session, start_driver};
use crate::helpers::env;

/// A console open in a headless Chromium (chromedriver stops when this is dropped).
pub struct Console {
    pub browser: Client,
    address: String,
    _driver: tokio::process::Child,
}

impl Console {
    /// Opens `/console` of the server at `address` in a `width`×`height` window; None when the browser test
    /// skips: no browser installed (and none required), or a PostgreSQL run, since the
    /// console is the same client whatever the database and the SQLite run covers it.
    pub async fn open(address: &str, width: u32, height: u32) -> Option<Self> {
        Self::open_saving_to(address, width, height, None).await
    }

    /// Like [`Console::open`], with downloads saved into `downloads`.
    pub async fn open_saving_to(
        address: &str,
        width: u32,
        height: u32,
        downloads: Option<&std::path::Path>,
    ) -> Option<Self> {
        if env("RELOOP_TEST_DATABASE_URL").is_some() {
            eprintln!("SKIPPED: the console's browser tests run in the SQLite pass only");
            return None;
        }
        let (chromium, chromedriver) = browser()?;
        let (driver, url) = start_driver(&chromedriver).await;
        let browser = offline_session(&url, &chromium, (width, height), downloads).await;
        // The window's size includes what the browser draws around the page: make the page
        // itself width×height, the sizes the console is built for.
        let chrome: serde_json::Value = browser
            .execute(
                "return [outerWidth - innerWidth, outerHeight - innerHeight]",
                vec![],
            )
            .await
            .expect("the window's frame");
        let frame = |i: usize| u32::try_from(chrome[i].as_u64().unwrap_or(0)).unwrap_or(0);
        browser
            .set_window_size(width + frame(0), height + frame(1))
            .await
            .expect("resize the window");
        browser
            .goto(&format!("{address}/console"))
            .await
            .expect("open the console");
        Some(Self {
            browser,
            address: address.to_owned(),
            _driver: driver,
        })
    }

    /// Fills in and sends the sign-in form.
    pub async fn sign_in(&self, email: &str, password: &str) {
        let form = element(&self.browser, "form#sign-in").await;
        let email_input = form
            .find(Locator::Css("input[name=email]"))
            .await
            .expect("email");
        email_input.clear().await.expect("clear");
        email_input.send_keys(email).await.expect("type");
        let password_input = form
            .find(Locator::Css("input[name=password]"))
            .await
            .expect("password");
        password_input.clear().await.expect("clear");
        // Enter in the password field sends the form, as for someone using the keyboard.
        password_input
            .send_keys(&format!("{password}\u{E007}"))
            .await
            .expect("type and press Enter");
    }

    /// Fails when the page is wider than the window (it must read without scrolling
    /// sideways at the sizes it is built for).
    pub async fn assert_fits(&self, what: &str) {
        let widths: serde_json::Value = self
            .browser
            .execute(
                "return [document.documentElement.scrollWidth, innerWidth]",
                vec![],
            )
            .await
            .expect("widths");
        assert!(
            widths[0].as_u64() <= widths[1].as_u64(),
            "{what} is wider than the window: {widths}"
        );
    }

    /// Goes to `#/…` inside the page (no reload, as a link would).
    pub async fn go(&self, hash: &str) {
        self.browser
            .execute("location.hash = arguments[0]", vec![json!(hash)])
            .await
            .expect("navigate");
    }

    /// Clicks the first element matching `css`, once there is one.
    pub async fn click(&self, css: &str) {
        element(&self.browser, css)
            .await
            .click()
            .await
            .unwrap_or_else(|e| panic!("click {css}: {e}"));
    }

    /// The console's own address.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    /// Closes the browser.
    pub async fn close(self) {
        self.browser.close().await.ok();
    }
}
