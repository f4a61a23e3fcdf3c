//! Reading the settings from environment variables (the table is in the parent module).

use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

use anyhow::Context;
use secrecy::SecretString;

use super::Config;

impl Config {
    /// Reads the environment on top of the defaults; a malformed value is an error
    /// naming the variable.
    pub fn from_env() -> anyhow::Result<Self> {
        let mut config = Self::default();
        read_server(&mut config)?;
        read_auth_and_graphql(&mut config)?;
        read_quotes_and_orders(&mut config)?;
        read_dispatch_and_partners(&mut config)?;
        read_custody(&mut config)?;
        read_compliance(&mut config)?;
        read_reports(&mut config)?;
        super::console::read_console(&mut config)?;
        config.log_json = var("RELOOP_LOG_FORMAT").is_some_and(|f| f.eq_ignore_ascii_case("json"));
        Ok(config)
    }
}

/// Where the server listens and keeps its data, and what it connects to.
fn read_server(config: &mut Config) -> anyhow::Result<()> {
    if let Some(bind) = var("RELOOP_BIND") {
        config.bind = bind;
    }
    if let Some(dir) = var("RELOOP_DATA_DIR") {
        config.data_dir = PathBuf::from(dir);
    }
    config.database_url = var("DATABASE_URL");
    config.redis_url = var("REDIS_URL");
    if let Some(prefix) = var("RELOOP_REDIS_PREFIX") {
        config.redis_prefix = prefix;
    }
    if let Some(ms) = parsed::<u64>("RELOOP_REDIS_TIMEOUT_MS")? {
        config.redis_response_timeout = Duration::from_millis(ms);
    }
    Ok(())
}

/// Tokens, logins and the GraphQL limits.
fn read_auth_and_graphql(config: &mut Config) -> anyhow::Result<()> {
    config.auth.jwt_secret = var("RELOOP_JWT_SECRET").map(SecretString::from);
    if let Some(secs) = parsed::<u64>("RELOOP_ACCESS_TOKEN_TTL_SECS")? {
        config.auth.access_token_ttl = Duration::from_secs(secs);
    }
    if let Some(secs) = parsed::<u64>("RELOOP_REFRESH_TOKEN_TTL_SECS")? {
        config.auth.refresh_token_ttl = Duration::from_secs(secs);
    }
    if let Some(n) = parsed("RELOOP_LOGIN_ATTEMPTS_PER_MINUTE")? {
        config.auth.login_attempts_per_minute = n;
    }
    if let Some(n) = parsed("RELOOP_GRAPHQL_MAX_DEPTH")? {
        config.graphql.max_depth = n;
    }
    if let Some(n) = parsed("RELOOP_GRAPHQL_MAX_COMPLEXITY")? {
        config.graphql.max_complexity = n;
    }
    if let Some(n) = parsed("RELOOP_GRAPHQL_MAX_BODY_BYTES")? {
        config.graphql.max_body_bytes = n;
    }
    if let Some(n) = parsed("RELOOP_WS_MAX_SUBSCRIPTIONS")? {
        config.graphql.max_subscriptions_per_socket = n;
    }
    if let Some(on) = parsed("RELOOP_INTROSPECTION")? {
        config.graphql.introspection = on;
    }
    if let Some(on) = parsed("RELOOP_SEED_DEMO")? {
        config.seed_demo = on;
    }
    config.database.max_connections = parsed("RELOOP_DB_MAX_CONNECTIONS")?;
    if let Some(ms) = parsed::<u64>("RELOOP_DB_ACQUIRE_TIMEOUT_MS")? {
        config.database.acquire_timeout = Some(Duration::from_millis(ms));
    }
    if let Some(ms) = parsed::<u64>("RELOOP_DB_STATEMENT_TIMEOUT_MS")? {
        config.database.statement_timeout = Duration::from_millis(ms);
    }
    if let Some(currency) = var("RELOOP_CURRENCY") {
        config.currency = currency;
    }
    config.workers = parsed("RELOOP_WORKERS")?;
    Ok(())
}

/// Quotes, booking windows and inspection.
fn read_quotes_and_orders(config: &mut Config) -> anyhow::Result<()> {
    if let Some(hours) = parsed::<u64>("RELOOP_QUOTE_VALIDITY_HOURS")? {
        config.quotes.validity = Duration::from_secs(hours * 3600);
    }
    if let Some(n) = parsed("RELOOP_QUOTE_MAX_ITEMS")? {
        config.quotes.max_items = n;
    }
    if let Some(n) = parsed("RELOOP_ASSET_LIST_MAX_LINES")? {
        config.quotes.max_asset_lines = n;
    }
    if let Some(n) = parsed("RELOOP_QUOTES_PER_MINUTE_ANONYMOUS")? {
        config.quotes.anonymous_per_minute = n;
    }
    if let Some(n) = parsed("RELOOP_QUOTES_PER_MINUTE_USER")? {
        config.quotes.user_per_minute = n;
    }
    if let Some(pct) = parsed::<rust_decimal::Decimal>("RELOOP_INSPECTION_TOLERANCE_PCT")? {
        config.orders.inspection_tolerance = pct / rust_decimal::Decimal::ONE_HUNDRED;
    }
    if let Some(minutes) = parsed::<u64>("RELOOP_CONSENT_TIMEOUT_MINS")? {
        config.orders.consent_timeout = Duration::from_secs(minutes * 60);
    }
    if let Some(minutes) = parsed::<u64>("RELOOP_NO_SHOW_GRACE_MINS")? {
        config.orders.no_show_grace = Duration::from_secs(minutes * 60);
    }
    if let Some(hours) = parsed::<i64>("RELOOP_DEVICE_TIME_MAX_AGE_HOURS")? {
        config.orders.device_clock.max_age = chrono::Duration::hours(hours);
    }
    if let Some(secs) = parsed::<i64>("RELOOP_DEVICE_TIME_MAX_AHEAD_SECS")? {
        config.orders.device_clock.max_ahead = chrono::Duration::seconds(secs);
    }
    if let Some(hours) = parsed::<i64>("RELOOP_WINDOW_MIN_HOURS")? {
        config.orders.window_rules.min_length = chrono::Duration::hours(hours);
    }
    if let Some(hours) = parsed::<i64>("RELOOP_WINDOW_MAX_HOURS")? {
        config.orders.window_rules.max_length = chrono::Duration::hours(hours);
    }
    Ok(())
}

/// Dispatch, webhooks and partner budgets.
fn read_dispatch_and_partners(config: &mut Config) -> anyhow::Result<()> {
    if let Some(n) = parsed("RELOOP_DISPATCH_OFFERS_PER_BATCH")? {
        config.dispatch.offers_per_batch = n;
    }
    if let Some(secs) = parsed::<u64>("RELOOP_DISPATCH_OFFER_TTL_SECS")? {
        config.dispatch.offer_ttl = Duration::from_secs(secs);
    }
    if let Some(ms) = parsed::<u64>("RELOOP_DISPATCH_SWEEP_MS")? {
        config.dispatch.sweep_interval = Duration::from_millis(ms);
    }
    if let Some(on) = parsed("RELOOP_WEBHOOK_ALLOW_PRIVATE")? {
        config.partners.webhook_allow_private = on;
    }
    if let Some(ms) = parsed::<u64>("RELOOP_WEBHOOK_RETRY_BASE_MS")? {
        config.partners.webhook_retry_base = Duration::from_millis(ms);
    }
    if let Some(n) = parsed("RELOOP_WEBHOOK_MAX_ATTEMPTS")? {
        config.partners.webhook_max_attempts = n;
    }
    if let Some(n) = parsed("RELOOP_ANONYMOUS_QUOTE_CAPACITY")? {
        config.partners.anonymous_quote_capacity = n;
    }
    if let Some(n) = parsed("RELOOP_ANONYMOUS_QUOTE_REFILL_PER_SEC")? {
        config.partners.anonymous_quote_refill_per_sec = n;
    }
    if let Some(n) = parsed("RELOOP_PARTNER_RATE_CAPACITY")? {
        config.partners.rate_capacity = n;
    }
    if let Some(n) = parsed("RELOOP_PARTNER_RATE_REFILL_PER_SEC")? {
        config.partners.rate_refill_per_sec = n;
    }
    if let Some(n) = parsed("RELOOP_USER_RATE_CAPACITY")? {
        config.users.rate_capacity = n;
    }
    if let Some(n) = parsed("RELOOP_USER_RATE_REFILL_PER_SEC")? {
        config.users.rate_refill_per_sec = n;
    }
    if let Some(n) = parsed("RELOOP_AVAILABILITY_COST")? {
        config.users.availability_cost = n;
    }
    if let Some(on) = parsed("RELOOP_TRUST_FORWARDED_FOR")? {
        config.trust_forwarded_for = on;
    }
    Ok(())
}

/// The signing key, checkpoints and receipt checks.
fn read_custody(config: &mut Config) -> anyhow::Result<()> {
    config.custody.signing_key = var("RELOOP_SIGNING_KEY").map(SecretString::from);
    if let Some(secs) = parsed::<u64>("RELOOP_CHECKPOINT_INTERVAL_SECS")? {
        config.custody.checkpoint_interval = Duration::from_secs(secs);
    }
    if let Some(origin) = var("RELOOP_CHECKPOINT_ORIGIN") {
        config.custody.checkpoint_origin = origin;
    }
    if let Some(pct) = parsed::<rust_decimal::Decimal>("RELOOP_RECEIPT_TOLERANCE_PCT")? {
        config.custody.receipt_tolerance = pct / rust_decimal::Decimal::ONE_HUNDRED;
    }
    Ok(())
}

/// The collection reports' time zone and DAY range.
fn read_reports(config: &mut Config) -> anyhow::Result<()> {
    if let Some(zone) = var("RELOOP_REPORT_TIME_ZONE") {
        config.reports.time_zone = zone.trim().parse().map_err(|_| {
            anyhow::anyhow!("RELOOP_REPORT_TIME_ZONE={zone:?} is not an IANA time zone")
        })?;
    }
    if let Some(days) = parsed::<i64>("RELOOP_REPORT_MAX_DAYS")? {
        anyhow::ensure!(days >= 1, "RELOOP_REPORT_MAX_DAYS must be at least 1");
        config.reports.max_days_by_day = days;
    }
    Ok(())
}

/// Deadline rules, the reporting time zone, an extra holiday calendar and the sweep.
fn read_compliance(config: &mut Config) -> anyhow::Result<()> {
    let rules = &mut config.compliance.rules;
    if let Some(zone) = var("RELOOP_COMPLIANCE_TIME_ZONE") {
        rules.time_zone = zone.trim().parse().map_err(|_| {
            anyhow::anyhow!("RELOOP_COMPLIANCE_TIME_ZONE={zone:?} is not an IANA time zone")
        })?;
    }
    if let Some(spec) = var("RELOOP_COMPLIANCE_RULES") {
        *rules = rules
            .clone()
            .with_days(&spec)
            .with_context(|| format!("RELOOP_COMPLIANCE_RULES={spec:?} is not valid"))?;
    }
    if let Some(path) = var("RELOOP_HOLIDAY_CALENDAR_FILE") {
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("reading RELOOP_HOLIDAY_CALENDAR_FILE={path:?}"))?;
        let extra = crate::domain::compliance::HolidayCalendar::parse(&text)
            .with_context(|| format!("RELOOP_HOLIDAY_CALENDAR_FILE={path:?}"))?;
        rules.calendar.replace_years(&extra);
    }
    if let Some(secs) = parsed::<u64>("RELOOP_COMPLIANCE_SWEEP_SECS")? {
        config.compliance.sweep_interval = Duration::from_secs(secs.max(1));
    }
    Ok(())
}

/// A non-empty environment variable.
pub(super) fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

/// A variable parsed as `T`; a malformed value names the variable.
fn parsed<T: FromStr>(name: &str) -> anyhow::Result<Option<T>>
where
    T::Err: std::error::Error + Send + Sync + 'static,
{
    var(name)
        .map(|raw| {
            raw.trim()
                .parse::<T>()
                .with_context(|| format!("{name}={raw:?} is not valid"))
        })
        .transpose()
}
