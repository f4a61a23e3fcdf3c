//! Every shell example of README.md and docs/ runs as written: the `sh` blocks of each page
//! run in order in one bash against a fresh server, and every GraphQL answer must have
//! `data` and no `errors`. Shell commands that must not run here (starting the server, the
//! test command itself) are `console` blocks; other shell fences are refused, so a new
//! example is tested by default.

mod blocks;
mod runner;

use runner::{root, run_page};

/// The pages whose `sh` blocks run, each in a test of its own below.
const PAGES: &[&str] = &["README.md", "docs/walkthroughs.md", "docs/partners.md"];

#[tokio::test]
async fn the_readme_examples_run_as_written() {
    let run = run_page("README.md", vec![]).await;
    assert!(run.answers.len() >= 3, "{run:?}");
}

#[tokio::test]
async fn the_walkthroughs_run_as_written_for_every_role() {
    let run = run_page("docs/walkthroughs.md", vec![]).await;
    // The household's follower saw the order through to the end over WebSocket, and the
    // certificate's signature checked out with OpenSSL.
    for expected in [
        " ASSIGNED",
        " EN_ROUTE",
        " COMPLETED",
        "Signature Verified Successfully",
    ] {
        assert!(
            run.stdout.contains(expected),
            "no {expected:?} in:\n{}",
            run.stdout
        );
    }
}

#[tokio::test]
async fn the_partner_quickstart_runs_as_written() {
    // The quickstart registers https://hooks.example.com, which does not resolve offline:
    // allowing private targets skips the lookup (deliveries then fail, as they may).
    let run = run_page(
        "docs/partners.md",
        vec![("RELOOP_WEBHOOK_ALLOW_PRIVATE", "true".to_owned())],
    )
    .await;
    assert!(run.answers.len() >= 4, "{run:?}");
}

#[test]
fn every_shell_example_is_run_or_shown_on_purpose() {
    let mut pages = vec!["README.md".to_owned()];
    for entry in std::fs::read_dir(root().join("docs"))
        .expect("docs/")
        .flatten()
    {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.ends_with(".md") {
            pages.push(format!("docs/{name}"));
        }
    }
    for page in pages {
        let text = std::fs::read_to_string(root().join(&page)).expect("page");
        for block in blocks::fenced_blocks(&text) {
            assert!(
                !["bash", "shell", "zsh", "shell-session"].contains(&block.info.as_str()),
                "{page}:{}: a `{}` block: write `sh` (it then runs in this test) or `console` (shown only)",
                block.line,
                block.info
            );
        }
        let runs = !runner::runnable_blocks(&page).is_empty();
        assert!(
            !runs || PAGES.contains(&page.as_str()),
            "{page} has sh blocks but no test runs them: add it to PAGES"
        );
    }
}
