//! Final summaries of the bench scripts, read from the results files they write
//! (`scripts/lib/bench.sh` runs it as `bench_report`).
//!
//! ```sh
//! bench_report throughput RESULTS --title T --names graphql,bare [--ratio-digits 1] [--rule 60]
//!     # RESULTS: "name<TAB>req/s<TAB>p50 ms<TAB>p99 ms" per measured round (scripts/bench.sh,
//!     # scripts/bench-book.sh); prints the rounds, the medians and each name / the last
//! bench_report order-list RESULTS --backend B --small N --large N
//!     # RESULTS: "small|large p50 p99 mean" (ms) lines (scripts/bench-order-list.sh); prints
//!     # both sizes and the p50/p99 ratios against the 1.5 target
//! ```

use std::collections::HashMap;

use anyhow::{Context as _, bail};
use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(about = "Summaries of the bench scripts' results files")]
struct Cli {
    #[command(subcommand)]
    job: Job,
}

#[derive(Subcommand)]
enum Job {
    /// Throughput rounds per server: medians and the ratio of each name to the last.
    Throughput {
        results: std::path::PathBuf,
        #[arg(long)]
        title: String,
        /// The names in the order to print; each is given as a ratio of the last.
        #[arg(long, value_delimiter = ',')]
        names: Vec<String>,
        #[arg(long, default_value_t = 1)]
        ratio_digits: usize,
        /// Width of the closing line of `=`.
        #[arg(long, default_value_t = 60)]
        rule: usize,
    },
    /// pickupOrders first-page latency at two table sizes.
    OrderList {
        results: std::path::PathBuf,
        #[arg(long)]
        backend: String,
        #[arg(long)]
        small: u64,
        #[arg(long)]
        large: u64,
    },
}

/// Median as Python's `statistics.median` takes it (mean of the middle two for an even count).
fn median(values: &[f64]) -> f64 {
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

fn numbers(fields: &[&str], line: &str) -> anyhow::Result<Vec<f64>> {
    fields
        .iter()
        .map(|f| f.trim().parse::<f64>())
        .collect::<Result<_, _>>()
        .with_context(|| format!("bad results line {line:?}"))
}

fn throughput(
    results: &str,
    title: &str,
    names: &[String],
    ratio_digits: usize,
    rule: usize,
) -> anyhow::Result<()> {
    let mut by: HashMap<&str, Vec<Vec<f64>>> = HashMap::new();
    for line in results.lines().filter(|l| !l.trim().is_empty()) {
        let fields: Vec<&str> = line.split('\t').collect();
        if fields.len() != 4 {
            bail!("bad results line {line:?}");
        }
        by.entry(fields[0])
            .or_default()
            .push(numbers(&fields[1..], line)?);
    }
    let width = names.iter().map(String::len).max().unwrap_or(0) + 1;
    println!();
    println!("==================== {title} ====================");
    let mut medians = HashMap::new();
    for name in names {
        let Some(runs) = by.get(name.as_str()) else {
            continue;
        };
        let column = |i: usize| runs.iter().map(|r| r[i]).collect::<Vec<_>>();
        let rps = column(0);
        medians.insert(name.as_str(), median(&rps));
        let rounds: Vec<String> = rps.iter().map(|x| format!("{x:.0}")).collect();
        println!("  {name:width$} rounds: {} req/s", rounds.join(", "));
        println!(
            "  {name:width$} median {:.0} req/s   p50 {:.3} ms   p99 {:.3} ms (median over rounds)",
            median(&rps),
            median(&column(1)),
            median(&column(2)),
        );
    }
    // Every name against the last (the bare baseline of the same run).
    if let [firsts @ .., b] = names
        && let Some(mb) = medians.get(b.as_str())
        && *mb > 0.0
    {
        for a in firsts {
            if let Some(ma) = medians.get(a.as_str()) {
                println!("  {a} / {b} = {:.ratio_digits$} %", 100.0 * ma / mb);
            }
        }
    }
    println!("{}", "=".repeat(rule));
    Ok(())
}

/// 1000000 -> "1,000,000", right-aligned in 9 columns (Python's `{n:>9,}`).
fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    format!("{out:>9}")
}

fn order_list(results: &str, backend: &str, small: u64, large: u64) -> anyhow::Result<()> {
    let mut by = HashMap::new();
    for line in results.lines().filter(|l| !l.trim().is_empty()) {
        let fields: Vec<&str> = line.split_whitespace().collect();
        if fields.len() != 4 {
            bail!("bad results line {line:?}");
        }
        by.insert(fields[0], numbers(&fields[1..], line)?);
    }
    let s = by.get("small").context("no small results")?;
    let l = by.get("large").context("no large results")?;
    println!();
    println!("=========== pickupOrders(first: 20), one household, {backend} ===========");
    for (n, r) in [(small, s), (large, l)] {
        println!(
            "  {} orders: p50 {:.3} ms   p99 {:.3} ms   mean {:.3} ms",
            grouped(n),
            r[0],
            r[1],
            r[2]
        );
    }
    let ok = if l[0] / s[0] <= 1.5 { "met" } else { "NOT met" };
    println!(
        "  p50 ratio {:.2} (target <= 1.5: {ok})   p99 ratio {:.2}",
        l[0] / s[0],
        l[1] / s[1]
    );
    println!("=====================================================================");
    Ok(())
}

fn main() -> anyhow::Result<()> {
    let read = |path: &std::path::Path| {
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))
    };
    match Cli::parse().job {
        Job::Throughput {
            results,
            title,
            names,
            ratio_digits,
            rule,
        } => throughput(&read(&results)?, &title, &names, ratio_digits, rule),
        Job::OrderList {
            results,
            backend,
            small,
            large,
        } => order_list(&read(&results)?, &backend, small, large),
    }
}
