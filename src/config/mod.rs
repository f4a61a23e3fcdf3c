//! Settings from environment variables, with defaults that suit a laptop.
//!
//! | variable | default | meaning |
//! |---|---|---|
//! | `RELOOP_BIND` | `127.0.0.1:8080` | address the HTTP server listens on |
//! | `RELOOP_DATA_DIR` | `./data` | SQLite file and generated secrets |
//! | `DATABASE_URL` | SQLite file in the data folder | `postgres://…` switches to PostgreSQL |
//! | `REDIS_URL` | none (in-process adapters) | `redis://…` for geo index, pub/sub, rate limits |
//! | `RELOOP_REDIS_PREFIX` | `reloop:` | prefix of every Redis key and channel |
//! | `RELOOP_JWT_SECRET` | generated into the data folder | HMAC secret of access tokens (≥ 32 bytes) |
//! | `RELOOP_ACCESS_TOKEN_TTL_SECS` | `900` | access token lifetime |
//! | `RELOOP_REFRESH_TOKEN_TTL_SECS` | `2592000` | refresh token lifetime (30 days) |
//! | `RELOOP_GRAPHQL_MAX_DEPTH` | `12` | query depth limit (introspection-only operations: 16) |
//! | `RELOOP_GRAPHQL_MAX_COMPLEXITY` | `500` | fields per operation after fragment expansion, aliases and `__typename` included |
//! | `RELOOP_GRAPHQL_MAX_BODY_BYTES` | `65536` | request body limit (413 past it) |
//! | `RELOOP_WS_MAX_SUBSCRIPTIONS` | `25` | subscriptions one WebSocket may hold open at once |
//! | `RELOOP_INTROSPECTION` | `true` | `false` turns schema introspection off |
//! | `RELOOP_SEED_DEMO` | `true` | seed the demo catalog into an empty database |
//! | `RELOOP_DB_MAX_CONNECTIONS` | `16` (SQLite `8`) | pool size |
//! | `RELOOP_DB_ACQUIRE_TIMEOUT_MS` | `1500` (SQLite `10000`) | longest wait for a pooled connection; past it the request is UNAVAILABLE |
//! | `RELOOP_DB_STATEMENT_TIMEOUT_MS` | `30000` | PostgreSQL cancels a statement running longer |
//! | `RELOOP_REDIS_TIMEOUT_MS` | `250` | longest wait for one Redis call before falling back |
//! | `RELOOP_LOGIN_ATTEMPTS_PER_MINUTE` | `10` | per-email login budget |
//! | `RELOOP_CURRENCY` | `CNY` | currency of every amount |
//! | `RELOOP_LOG_FORMAT` | `text` | `json` for structured logs |
//! | `RELOOP_WORKERS` | one per core | HTTP worker threads |
//! | `RELOOP_QUOTE_VALIDITY_HOURS` | `48` | how long a quote's prices are locked |
//! | `RELOOP_QUOTE_MAX_ITEMS` | `20` | most items in one quote |
//! | `RELOOP_QUOTES_PER_MINUTE_ANONYMOUS` | `30` | quotes per minute per anonymous address |
//! | `RELOOP_QUOTES_PER_MINUTE_USER` | `120` | quotes per minute per signed-in user |
//! | `RELOOP_TRUST_FORWARDED_FOR` | `false` | client address from `X-Forwarded-For` |
//! | `RELOOP_INSPECTION_TOLERANCE_PCT` | `5` | inspected total may differ this much without consent |
//! | `RELOOP_WINDOW_MIN_HOURS` / `RELOOP_WINDOW_MAX_HOURS` | `1` / `8` | pickup window length (service hours belong to each service area) |
//! | `RELOOP_DISPATCH_OFFERS_PER_BATCH` | `3` | offers sent per dispatch round |
//! | `RELOOP_DISPATCH_OFFER_TTL_SECS` | `60` | how long an offer stays open |
//! | `RELOOP_DISPATCH_SWEEP_MS` | `5000` | sweeper interval (expiry, re-dispatch) |
//! | `RELOOP_WEBHOOK_ALLOW_PRIVATE` | `false` | allow http and private/loopback webhook URLs (tests) |
//! | `RELOOP_WEBHOOK_RETRY_BASE_MS` | `5000` | first webhook retry delay (doubling, full jitter, 8 h cap) |
//! | `RELOOP_WEBHOOK_MAX_ATTEMPTS` | `30` | attempts before a delivery is given up (≈ 3 days) |
//! | `RELOOP_SIGNING_KEY` | generated into the data folder | base64 32-byte Ed25519 seed signing custody events, checkpoints and certificates |
//! | `RELOOP_CHECKPOINT_INTERVAL_SECS` | `3600` | how often a signed custody checkpoint is made (0: on demand only) |
//! | `RELOOP_CHECKPOINT_ORIGIN` | `reloop/custody` | the log's name in checkpoints |
//! | `RELOOP_RECEIPT_TOLERANCE_PCT` | `5` | a weight received at a facility further than this from the collector's is a discrepancy |
//! | `RELOOP_COMPLIANCE_RULES` | `COLLECTION_HANDOVER=30,RECYCLER_INTAKE=30,RECYCLING_COMPLETED=30,SECOND_LIFE_INTAKE=15` | working days to report each kind of battery event (any subset; 0 turns a kind off) |
//! | `RELOOP_COMPLIANCE_TIME_ZONE` | `Asia/Shanghai` | where reporting days begin and end |
//! | `RELOOP_HOLIDAY_CALENDAR_FILE` | none | an extra holiday calendar (`config/holidays/README.md`); its years replace the built-in ones |
//! | `RELOOP_COMPLIANCE_SWEEP_SECS` | `60` | how often overdue tasks are announced and the task gauges refreshed |
//! | `RELOOP_DEVICE_TIME_MAX_AGE_HOURS` / `RELOOP_DEVICE_TIME_MAX_AHEAD_SECS` | `24` / `120` | oldest `recordedAt` a collector's step or position may carry, and how far ahead of the server it may be (clamped to the server's time within it) |
//! | `RELOOP_USER_RATE_CAPACITY` / `RELOOP_USER_RATE_REFILL_PER_SEC` | `100` / `1` | cost budget of each signed-in user for expensive operations |
//! | `RELOOP_AVAILABILITY_COST` | `10` | points going online (`setAvailability`) draws from that budget |
//! | `RELOOP_PARTNER_RATE_CAPACITY` / `RELOOP_PARTNER_RATE_REFILL_PER_SEC` | `1000` / `50` | default cost budget of new partners |
//! | `RELOOP_ANONYMOUS_QUOTE_CAPACITY` / `RELOOP_ANONYMOUS_QUOTE_REFILL_PER_SEC` | `1000` / `50` | cost budget of anonymous quotes per address |
//! | `RELOOP_MAP_TILE_URL` | none (no tiles) | XYZ template (`https://…/{z}/{x}/{y}.png`) of tiles under the console's dispatch map |
//! | `RELOOP_MAP_TILE_ATTRIBUTION` | none | text crediting the tiles, shown on the map |

mod console;
mod env;

pub use console::{ConsoleSettings, MapTiles};

use std::path::PathBuf;
use std::time::Duration;

use secrecy::SecretString;

/// Everything the application needs to start.
#[derive(Clone, Debug)]
pub struct Config {
    /// `host:port` to listen on; port 0 picks a free port (tests).
    pub bind: String,
    /// Folder for the SQLite file and generated secrets.
    pub data_dir: PathBuf,
    /// `postgres://…` or `sqlite://…`; None means the SQLite file in `data_dir`.
    pub database_url: Option<String>,
    /// Redis URL; None runs the geo index, pub/sub and rate limiter in-process.
    pub redis_url: Option<String>,
    /// Prefix of every Redis key and channel, so several deployments can share a Redis.
    pub redis_prefix: String,
    /// Database pool and timeouts.
    pub database: DatabaseSettings,
    /// Redis connect and response timeouts.
    pub redis_connect_timeout: Duration,
    /// Longest wait for one Redis command; past it the caller falls back (see README).
    pub redis_response_timeout: Duration,
    /// Token settings.
    pub auth: AuthSettings,
    /// GraphQL limits.
    pub graphql: GraphqlSettings,
    /// Seed the demo catalog when the database is empty.
    pub seed_demo: bool,
    /// ISO 4217 code of every amount.
    pub currency: String,
    /// Structured (JSON) logs.
    pub log_json: bool,
    /// HTTP worker threads; None means one per core.
    pub workers: Option<usize>,
    /// Quote rules.
    pub quotes: QuoteSettings,
    /// Take the client address from `X-Forwarded-For` (only behind a trusted proxy).
    pub trust_forwarded_for: bool,
    /// Order rules.
    pub orders: OrderSettings,
    /// Dispatch rules.
    pub dispatch: DispatchSettings,
    /// Partner API rules.
    pub partners: PartnerSettings,
    /// Custody after the doorstep.
    pub custody: CustodySettings,
    /// Signed-in users' cost budget.
    pub users: UserBudgetSettings,
    /// Reporting deadlines of battery custody events.
    pub compliance: ComplianceSettings,
    /// Collection reports.
    pub reports: ReportSettings,
    /// The operator console (map tiles).
    pub console: ConsoleSettings,
}

/// Collection reports: the time zone their days and months are counted in, and the
/// longest range a DAY grouping may cover.
#[derive(Clone, Debug)]
pub struct ReportSettings {
    /// Days begin at midnight here. Rollups are bucketed by it when written, so
    /// changing it applies to pickups completed afterwards.
    pub time_zone: chrono_tz::Tz,
    /// Most days a report grouped by DAY may cover.
    pub max_days_by_day: i64,
}

impl Default for ReportSettings {
    fn default() -> Self {
        Self {
            time_zone: chrono_tz::Asia::Shanghai,
            max_days_by_day: 366,
        }
    }
}

/// Reporting deadlines: the rules, time zone and holiday calendar, and the overdue sweep.
#[derive(Clone, Debug)]
pub struct ComplianceSettings {
    /// Working days per kind, the reporting time zone and the holiday calendar.
    pub rules: crate::domain::compliance::DeadlineRules,
    /// How often overdue tasks are announced and the task gauges refreshed.
    pub sweep_interval: Duration,
}

/// Custody: the signing key, checkpoints and receipt checks.
#[derive(Clone, Debug)]
pub struct CustodySettings {
    /// Base64 Ed25519 seed; None means "generate one into the data folder".
    pub signing_key: Option<SecretString>,
    /// How often a checkpoint is made; zero means on demand only.
    pub checkpoint_interval: Duration,
    /// The log's name in checkpoints.
    pub checkpoint_origin: String,
    /// How far a received weight may differ from the collector's (a share).
    pub receipt_tolerance: rust_decimal::Decimal,
}

impl Default for CustodySettings {
    fn default() -> Self {
        Self {
            signing_key: None,
            checkpoint_interval: Duration::from_secs(3600),
            checkpoint_origin: "reloop/custody".to_owned(),
            receipt_tolerance: rust_decimal::Decimal::new(5, 2),
        }
    }
}

impl Default for ComplianceSettings {
    fn default() -> Self {
        Self {
            rules: crate::domain::compliance::DeadlineRules::default(),
            sweep_interval: Duration::from_secs(60),
        }
    }
}

/// The cost budget of each signed-in user: expensive operations draw points from a
/// token bucket per user, as partners' requests draw their cost from their key's.
#[derive(Clone, Debug)]
pub struct UserBudgetSettings {
    /// Bucket capacity (points): the largest burst.
    pub rate_capacity: f64,
    /// Refill (points per second): the sustained rate.
    pub rate_refill_per_sec: f64,
    /// What going online costs: it makes dispatch look at every waiting order again.
    pub availability_cost: f64,
}

/// Partner API keys, rate limits and webhooks.
#[derive(Clone, Debug)]
pub struct PartnerSettings {
    /// Default cost-bucket capacity of a new partner (points).
    pub rate_capacity: f64,
    /// Default refill of a new partner (points per second).
    pub rate_refill_per_sec: f64,
    /// The same bucket for anonymous quote requests, per client address.
    pub anonymous_quote_capacity: f64,
    /// See `anonymous_quote_capacity`.
    pub anonymous_quote_refill_per_sec: f64,
    /// Allow http and private, loopback and link-local webhook targets (tests only).
    pub webhook_allow_private: bool,
    /// First retry delay.
    pub webhook_retry_base: Duration,
    /// Longest retry delay.
    pub webhook_retry_cap: Duration,
    /// Attempts before a delivery is given up (about three days with the defaults).
    pub webhook_max_attempts: u32,
    /// How often the delivery worker looks for due deliveries.
    pub webhook_poll_interval: Duration,
    /// Per-attempt timeout.
    pub webhook_timeout: Duration,
}

/// How orders are offered to collectors.
#[derive(Clone, Debug)]
pub struct DispatchSettings {
    /// Offers per batch (K).
    pub offers_per_batch: usize,
    /// How long an offer stays open.
    pub offer_ttl: Duration,
    /// The first search radius, km (doubled up to the service area's limit).
    pub start_radius_km: f64,
    /// How often the sweeper expires offers and re-dispatches.
    pub sweep_interval: Duration,
    /// How often at most a collector's last position is written to the database.
    pub location_write_interval: Duration,
}

/// How orders are booked and inspected.
#[derive(Clone, Debug)]
pub struct OrderSettings {
    /// Window length, service hours and slot length.
    pub window_rules: crate::domain::order::WindowRules,
    /// How far an inspected total may differ from the quote without the customer's
    /// consent (a share: 0.05 is 5 %).
    pub inspection_tolerance: rust_decimal::Decimal,
    /// How long a customer has to answer a final offer before the pickup is called off:
    /// the collector is waiting at the door.
    pub consent_timeout: std::time::Duration,
    /// How long after its window starts an assigned order waits for its collector to set
    /// off before it goes back to dispatch (a no-show).
    pub no_show_grace: std::time::Duration,
    /// How far the `recordedAt` of a collector's device is believed.
    pub device_clock: crate::domain::field_action::DeviceClockRules,
}

/// How quotes are issued.
#[derive(Clone, Debug)]
pub struct QuoteSettings {
    /// How long a quote's prices are locked.
    pub validity: Duration,
    /// Most items in one quote.
    pub max_items: usize,
    /// Most lines in one business asset list (and so in a quote made from one).
    pub max_asset_lines: usize,
    /// How far outside every service area a pickup may be and still be quoted.
    pub max_km_outside_area: f64,
    /// Quotes per minute for one anonymous client address.
    pub anonymous_per_minute: u32,
    /// Quotes per minute for one signed-in user.
    pub user_per_minute: u32,
}

/// Pool settings of the database.
#[derive(Clone, Debug)]
pub struct DatabaseSettings {
    /// Most connections in the pool; None picks a default per backend.
    pub max_connections: Option<u32>,
    /// How long a request waits for a pooled connection (opening one included) before it
    /// fails with UNAVAILABLE; None picks a default per backend (see `infra::db`).
    pub acquire_timeout: Option<Duration>,
    /// How long opening one connection may take.
    pub connect_timeout: Duration,
    /// PostgreSQL cancels a statement that runs longer (a runaway query, a lock wait).
    pub statement_timeout: Duration,
    /// How long SQLite waits for the write lock before giving up.
    pub sqlite_busy_timeout: Duration,
}

/// Access and refresh token settings.
#[derive(Clone, Debug)]
pub struct AuthSettings {
    /// HMAC secret; None means "generate one into the data folder" (development).
    pub jwt_secret: Option<SecretString>,
    /// `iss` claim written and required.
    pub issuer: String,
    /// `aud` claim written and required.
    pub audience: String,
    /// Access token lifetime.
    pub access_token_ttl: Duration,
    /// Refresh token lifetime.
    pub refresh_token_ttl: Duration,
    /// Login attempts per email per minute.
    pub login_attempts_per_minute: u32,
}

/// Limits of the GraphQL endpoint.
#[derive(Clone, Debug)]
pub struct GraphqlSettings {
    /// Deepest selection allowed.
    pub max_depth: usize,
    /// Most fields one operation selects once fragments are expanded (aliases and
    /// `__typename` included): its complexity.
    pub max_complexity: usize,
    /// Largest request body, in bytes.
    pub max_body_bytes: usize,
    /// Most subscriptions one WebSocket may hold open at once.
    pub max_subscriptions_per_socket: usize,
    /// Whether `__schema`/`__type` are answered.
    pub introspection: bool,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            bind: "127.0.0.1:8080".to_owned(),
            data_dir: PathBuf::from("./data"),
            database_url: None,
            redis_url: None,
            redis_prefix: "reloop:".to_owned(),
            database: DatabaseSettings {
                max_connections: None,
                acquire_timeout: None,
                connect_timeout: Duration::from_secs(1),
                statement_timeout: Duration::from_secs(30),
                sqlite_busy_timeout: Duration::from_secs(15),
            },
            redis_connect_timeout: Duration::from_secs(3),
            redis_response_timeout: Duration::from_millis(250),
            auth: AuthSettings {
                jwt_secret: None,
                issuer: "reloop".to_owned(),
                audience: "reloop-api".to_owned(),
                access_token_ttl: Duration::from_secs(15 * 60),
                refresh_token_ttl: Duration::from_secs(30 * 24 * 3600),
                login_attempts_per_minute: 10,
            },
            graphql: GraphqlSettings {
                max_depth: 12,
                max_complexity: 500,
                max_body_bytes: 64 * 1024,
                max_subscriptions_per_socket: 25,
                introspection: true,
            },
            seed_demo: true,
            currency: "CNY".to_owned(),
            log_json: false,
            workers: None,
            quotes: QuoteSettings {
                validity: Duration::from_secs(48 * 3600),
                max_items: 20,
                max_asset_lines: 2000,
                max_km_outside_area: 50.0,
                anonymous_per_minute: 30,
                user_per_minute: 120,
            },
            trust_forwarded_for: false,
            partners: PartnerSettings {
                rate_capacity: 1000.0,
                rate_refill_per_sec: 50.0,
                anonymous_quote_capacity: 1000.0,
                anonymous_quote_refill_per_sec: 50.0,
                webhook_allow_private: false,
                webhook_retry_base: Duration::from_secs(5),
                webhook_retry_cap: Duration::from_secs(8 * 3600),
                webhook_max_attempts: 30,
                webhook_poll_interval: Duration::from_millis(500),
                webhook_timeout: Duration::from_secs(15),
            },
            dispatch: DispatchSettings {
                offers_per_batch: 3,
                offer_ttl: Duration::from_secs(60),
                start_radius_km: 0.5,
                sweep_interval: Duration::from_secs(5),
                location_write_interval: Duration::from_secs(30),
            },
            orders: OrderSettings {
                window_rules: crate::domain::order::WindowRules::default(),
                inspection_tolerance: rust_decimal::Decimal::new(5, 2),
                consent_timeout: std::time::Duration::from_secs(15 * 60),
                no_show_grace: std::time::Duration::from_secs(30 * 60),
                device_clock: crate::domain::field_action::DeviceClockRules::default(),
            },
            users: UserBudgetSettings {
                rate_capacity: 100.0,
                rate_refill_per_sec: 1.0,
                availability_cost: 10.0,
            },
            custody: CustodySettings::default(),
            compliance: ComplianceSettings::default(),
            reports: ReportSettings::default(),
            console: ConsoleSettings::default(),
        }
    }
}

impl Config {
    /// The database URL to connect to: the configured one, or the SQLite file.
    pub fn effective_database_url(&self) -> String {
        match &self.database_url {
            Some(url) => url.clone(),
            None => format!(
                "sqlite://{}?mode=rwc",
                self.data_dir.join("reloop.db").display()
            ),
        }
    }
}
