//! The demo's GraphQL client: requests over HTTP to the server it started, as any app
//! would send them, and signed-in sessions that sign in again when their token expires.

use std::time::Duration;

use anyhow::Context;
use serde_json::{Value, json};

/// A GraphQL error the server answered with: the request was refused, not lost.
#[derive(Debug)]
pub struct Refused {
    /// `extensions.code`.
    pub code: String,
    /// The message.
    pub message: String,
}

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl std::error::Error for Refused {}

/// Whether `error` is the server refusing with one of `codes`.
pub fn refused_with(error: &anyhow::Error, codes: &[&str]) -> bool {
    error
        .downcast_ref::<Refused>()
        .is_some_and(|r| codes.contains(&r.code.as_str()))
}

/// The server's `/graphql`.
#[derive(Clone, Debug)]
pub struct Api {
    http: reqwest::Client,
    url: String,
}

impl Api {
    /// A client of the server at `base` (`http://host:port`).
    pub fn new(base: &str) -> anyhow::Result<Self> {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .build()?;
        Ok(Self {
            http,
            url: format!("{base}/graphql"),
        })
    }

    /// Sends `query`; the `data` of the answer, or [`Refused`] with the first error.
    pub async fn call(
        &self,
        token: Option<&str>,
        query: &str,
        variables: Value,
    ) -> anyhow::Result<Value> {
        let mut request = self
            .http
            .post(&self.url)
            .json(&json!({"query": query, "variables": variables}));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let answer: Value = request
            .send()
            .await
            .context("sending a request")?
            .json()
            .await
            .context("reading an answer")?;
        if let Some(error) = answer["errors"].get(0) {
            return Err(Refused {
                code: error["extensions"]["code"]
                    .as_str()
                    .unwrap_or("UNKNOWN")
                    .to_owned(),
                message: error["message"].as_str().unwrap_or_default().to_owned(),
            }
            .into());
        }
        Ok(answer["data"].clone())
    }
}

/// The one password of every demo account (printed with the operator's email).
pub const DEMO_PASSWORD: &str = "reloop demo password";

/// A signed-in demo user.
#[derive(Clone, Debug)]
pub struct Session {
    api: Api,
    email: String,
    token: String,
}

const LOGIN: &str = "mutation($email: String!, $password: String!) {
    login(email: $email, password: $password) { accessToken } }";
const REGISTER: &str =
    "mutation($input: RegisterInput!) { register(input: $input) { accessToken } }";

impl Session {
    /// Registers `input` (with the demo password), or signs in when the email is taken
    /// (a second run on the same database).
    pub async fn register_or_login(api: &Api, mut input: Value) -> anyhow::Result<Self> {
        input["password"] = json!(DEMO_PASSWORD);
        let email = input["email"].as_str().unwrap_or_default().to_owned();
        match api.call(None, REGISTER, json!({"input": input})).await {
            Ok(data) => Ok(Self::from(api, email, &data["register"])),
            Err(err) if refused_with(&err, &["CONFLICT"]) => Self::login(api, &email).await,
            Err(err) => Err(err.context(format!("registering {email}"))),
        }
    }

    /// Signs in `email` with the demo password.
    pub async fn login(api: &Api, email: &str) -> anyhow::Result<Self> {
        let data = api
            .call(
                None,
                LOGIN,
                json!({"email": email, "password": DEMO_PASSWORD}),
            )
            .await
            .with_context(|| format!("signing in {email}"))?;
        Ok(Self::from(api, email.to_owned(), &data["login"]))
    }

    fn from(api: &Api, email: String, payload: &Value) -> Self {
        Self {
            api: api.clone(),
            email,
            token: payload["accessToken"]
                .as_str()
                .unwrap_or_default()
                .to_owned(),
        }
    }

    /// Sends `query` as this user; signs in again once if the token has expired.
    pub async fn call(&mut self, query: &str, variables: Value) -> anyhow::Result<Value> {
        let first = self
            .api
            .call(Some(&self.token), query, variables.clone())
            .await;
        match first {
            Err(err) if refused_with(&err, &["UNAUTHENTICATED"]) => {
                *self = Self::login(&self.api, &self.email).await?;
                self.api.call(Some(&self.token), query, variables).await
            }
            other => other,
        }
    }
}
