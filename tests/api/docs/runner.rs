//! Runs a page's `sh` blocks in order, in one bash (so shell variables carry from one block
//! to the next, as in a reader's terminal), against a fresh `reloop serve` process.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use serde_json::Value;

use super::blocks::{Block, fenced_blocks};
use crate::procs::Deployment;

/// The longest a page may take (a walk-through takes a few seconds).
const RUN_LIMIT: Duration = Duration::from_secs(180);

/// What a page's run left behind.
#[derive(Debug)]
pub struct Run {
    /// Everything the blocks printed.
    pub stdout: String,
    /// Every answer of `/graphql`, in order (each has `data` and no `errors`).
    pub answers: Vec<Value>,
}

/// The repository root.
pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The `sh` blocks of `page` (a path from the repository root).
pub fn runnable_blocks(page: &str) -> Vec<Block> {
    let text = std::fs::read_to_string(root().join(page))
        .unwrap_or_else(|e| panic!("cannot read {page}: {e}"));
    fenced_blocks(&text)
        .into_iter()
        .filter(|b| b.info == "sh")
        .collect()
}

/// Runs every `sh` block of `page` against a new server started with `extra` settings;
/// fails with the blocks' output and the server's log when a block fails.
pub async fn run_page(page: &str, extra: Vec<(&'static str, String)>) -> Run {
    require_tools();
    let blocks = runnable_blocks(page);
    assert!(!blocks.is_empty(), "{page} has no sh block");
    let data_dir = tempfile::tempdir().expect("temp dir");
    let work = data_dir.path();
    let deployment = Deployment::from_env(extra).await;
    let server = deployment.start(work).await;
    std::fs::write(work.join("examples.sh"), script(page, &blocks)).expect("script");
    let log = |name: &str| std::fs::File::create(work.join(name)).expect("log file");
    let (bin, examples) = binaries();
    let mut bash = deployment.command_for("bash", work);
    bash.arg(work.join("examples.sh"))
        .current_dir(root())
        .env("RELOOP", &server.address)
        .env("RELOOP_BIN", bin)
        .env("EXAMPLES_DIR", examples)
        .env("ANSWERS", work.join("answers.jsonl"))
        .stdin(Stdio::null())
        // Files, not pipes: a block's background job must not keep the run open.
        .stdout(log("stdout.log"))
        .stderr(log("stderr.log"))
        .process_group(0);
    let mut child = bash.spawn().expect("start bash");
    let group = child.id();
    let finished = tokio::time::timeout(RUN_LIMIT, child.wait()).await;
    if let Some(group) = group {
        // Whatever a block left running in the background.
        std::process::Command::new("kill")
            .args(["-KILL", "--", &format!("-{group}")])
            .stderr(Stdio::null())
            .status()
            .ok();
    }
    let read = |name: &str| std::fs::read_to_string(work.join(name)).unwrap_or_default();
    let ok = matches!(&finished, Ok(Ok(status)) if status.success());
    assert!(
        ok,
        "{page}: the examples failed ({finished:?}).\n--- stderr (the last >>> names the block) ---\n{}\n--- stdout ---\n{}\n--- server log ---\n{}",
        tail(&read("stderr.log"), 60),
        tail(&read("stdout.log"), 40),
        tail(&read("server.log"), 40),
    );
    Run {
        stdout: read("stdout.log"),
        answers: answers(&read("answers.jsonl")),
    }
}

/// The prelude, then each block behind a marker naming its page and line.
fn script(page: &str, blocks: &[Block]) -> String {
    let mut script = include_str!("prelude.sh").to_owned();
    for block in blocks {
        script.push_str(&format!(
            "\nprintf '\\n>>> %s:%d\\n' '{page}' {} >&2\n{}",
            block.line, block.code
        ));
    }
    script
}

/// The `reloop` binary and the folder of the examples built with it.
fn binaries() -> (PathBuf, PathBuf) {
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_reloop"));
    let examples = bin.parent().expect("target folder").join("examples");
    assert!(
        examples.join("follow_order").exists(),
        "{} is missing: build the examples first (`cargo build --examples`; scripts/test.sh does)",
        examples.join("follow_order").display()
    );
    (bin, examples)
}

/// curl and jq, which the examples use, must be installed (scripts/test.sh installs them).
fn require_tools() {
    for tool in ["curl", "jq", "openssl"] {
        let found = std::process::Command::new(tool)
            .arg("--version")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        let found = found
            || std::process::Command::new(tool)
                .arg("version")
                .stdout(Stdio::null())
                .status()
                .is_ok_and(|s| s.success());
        assert!(
            found,
            "{tool} is not installed (scripts/test.sh installs it)"
        );
    }
}

fn answers(log: &str) -> Vec<Value> {
    log.lines()
        .filter(|line| !line.trim().is_empty())
        .map(|line| {
            let answer: Value = serde_json::from_str(line)
                .unwrap_or_else(|e| panic!("an answer that is not JSON ({e}): {line}"));
            assert!(
                !answer["data"].is_null() && answer.get("errors").is_none(),
                "{answer}"
            );
            answer
        })
        .collect()
}

fn tail(text: &str, lines: usize) -> String {
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}
