//! The `reloop` binary: parse the command line and run it.

/// mimalloc instead of the system allocator: a request allocates many small, short-lived
/// values (GraphQL documents, JSON, decimals), which glibc's malloc serves slowly across
/// worker threads (see BENCHMARKS.md, `requestQuote`). Its `override` feature (Cargo.toml)
/// makes C code use it too: SQLite allocates on every statement, in one thread per pooled
/// connection (BENCHMARKS.md, `bookPickup`).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    reloop::cli::run().await
}
