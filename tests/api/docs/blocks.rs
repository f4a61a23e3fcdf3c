//! The fenced code blocks of a Markdown page, with where they start.

/// One fenced block.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Block {
    /// The line of the opening fence, from 1.
    pub line: usize,
    /// The info string (`sh`, `console`, `graphql`, …; empty when none).
    pub info: String,
    /// The lines between the fences.
    pub code: String,
}

/// The top-level ```-fenced blocks of `markdown`, in order.
pub fn fenced_blocks(markdown: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut open: Option<Block> = None;
    for (index, line) in markdown.lines().enumerate() {
        match open.as_mut() {
            None => {
                if let Some(info) = line.strip_prefix("```") {
                    open = Some(Block {
                        line: index + 1,
                        info: info.trim().to_owned(),
                        code: String::new(),
                    });
                }
            }
            Some(block) if line.trim_end() == "```" => {
                blocks.push(block.clone());
                open = None;
            }
            Some(block) => {
                block.code.push_str(line);
                block.code.push('\n');
            }
        }
    }
    assert!(open.is_none(), "a code fence is never closed");
    blocks
}

#[test]
fn blocks_are_found_in_order_with_their_info_and_line() {
    let page = "# T\n\n```sh\necho one\n  echo two\n```\ntext\n```console\n$ cargo run\n```\n```\nplain\n```\n";
    let blocks = fenced_blocks(page);
    assert_eq!(
        blocks,
        vec![
            Block {
                line: 3,
                info: "sh".into(),
                code: "echo one\n  echo two\n".into()
            },
            Block {
                line: 8,
                info: "console".into(),
                code: "$ cargo run\n".into()
            },
            Block {
                line: 11,
                info: String::new(),
                code: "plain\n".into()
            },
        ]
    );
}
