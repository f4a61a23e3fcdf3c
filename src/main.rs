//! The `reloop` binary: parse the command line and run it.

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    reloop::cli::run().await
}
