//! The operator console at `/console`: its files served with their policy and caching
//! (served.rs), and a real headless Chromium using it against `spawn_app()` the way an
//! operator does: signing in, watching the board, acting on orders and collectors.

mod actions;
mod board;
mod screenshots;
mod served;

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
        if env("RELOOP_TEST_DATABASE_URL").is_some() {
            eprintln!("SKIPPED: the console's browser tests run in the SQLite pass only");
            return None;
        }
        let (chromium, chromedriver) = browser()?;
        let (driver, url) = start_driver(&chromedriver).await;
        let browser = offline_session(&url, &chromium, width, height).await;
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
        password_input.send_keys(password).await.expect("type");
        form.find(Locator::Css("button[type=submit]"))
            .await
            .expect("button")
            .click()
            .await
            .expect("submit");
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
