//! End-to-end tests through real HTTP and WebSocket against `spawn_app()`, one fresh
//! database per test: a SQLite file by default, a new PostgreSQL database when
//! `RELOOP_TEST_DATABASE_URL` is set, and Redis when `RELOOP_TEST_REDIS_URL` is set.

mod fixtures;
mod helpers;

mod auth;
mod business;
mod catalog;
mod collectors;
mod compliance;
mod console;
mod custody;
mod demo;
mod dispatch;
mod docs;
mod error_codes;
mod faults;
mod field;
mod graphiql;
mod http_rules;
mod limits;
mod orders;
mod partners;
mod probes;
mod procs;
mod quotes;
mod refresh;
mod reports;
mod schema;
mod scripts;
mod sqlite_settings;
mod subscriptions;
mod tokens;
