//! Prints the SQL that bulk-fills `pickup_orders` for `scripts/bench-order-list.sh`, which
//! pipes it into sqlite3 or psql:
//!
//! ```sh
//! bench_fill_orders --backend sqlite|postgres --from 1 --to 9980 --large 1000000 \
//!     --user USER_ID --columns "id quote_id number …"
//! ```
//!
//! Bulk rows FROM..=TO (numbered from 1, `number` = `BX-<n>`) copy every column from one of
//! USER's real orders, except id/quote_id (random), number, customer_user_id (one of
//! LARGE / 20 other customers, kept in `bench_customers`), status (COMPLETED, so the dispatch
//! sweeper ignores them) and created_at/updated_at (spread over the past year; on SQLite as
//! RFC 3339 text with nanoseconds, exactly as the server writes it). With `--from 1` the
//! household's own orders are moved to dates spread over the same year as well.

use clap::{Parser, ValueEnum};

const YEAR_SECS: u64 = 365 * 86_400;

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Parser)]
#[command(about = "SQL that bulk-fills pickup_orders for scripts/bench-order-list.sh")]
struct Cli {
    #[arg(long, value_enum)]
    backend: Backend,
    /// First bulk row number (1-based).
    #[arg(long)]
    from: u64,
    /// Last bulk row number.
    #[arg(long)]
    to: u64,
    /// The final table size; the bulk rows belong to LARGE / 20 customers.
    #[arg(long)]
    large: u64,
    /// The household whose real order is the template (and whose orders are re-dated).
    #[arg(long)]
    user: String,
    /// The columns of pickup_orders, in table order, separated by white space.
    #[arg(long)]
    columns: String,
}

/// The select list: the overridden expression for a column, else the template's value.
fn select_list(columns: &[&str], overrides: &[(&str, String)]) -> String {
    columns
        .iter()
        .map(|c| {
            overrides
                .iter()
                .find(|(name, _)| name == c)
                .map_or_else(|| format!("tpl.\"{c}\""), |(_, expr)| expr.clone())
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// What differs between the two databases; [`fill`] puts it together.
struct Dialect {
    /// Type of `bench_customers.id`.
    id_type: &'static str,
    /// A fresh random id.
    random_id: &'static str,
    /// The household's id as a literal.
    user: String,
    /// Statement inserting customers 0..=LAST (`{last}` is replaced).
    customers: &'static str,
    /// Whether `rows` goes before the SELECT (SQLite's WITH) or after it (PostgreSQL's FROM).
    rows_before_select: bool,
    /// Row source `n(i)` for the bulk rows LO..=HI (`{lo}`, `{hi}` are replaced).
    rows: &'static str,
    /// created_at/updated_at of bulk row n.i.
    timestamp: String,
    /// The statement that re-dates the household's own orders.
    redate: String,
    /// Statements after COMMIT.
    after: &'static [&'static str],
}

fn sqlite(user_id: &str) -> Dialect {
    let user = format!("X'{}'", user_id.replace('-', ""));
    let own = "strftime('%Y-%m-%dT%H:%M:%S', 'now', '-' || ((rowid % 20) * 18 * 86400 + 3600) || ' seconds') || \
               '.123456789+00:00'";
    Dialect {
        id_type: "BLOB",
        random_id: "randomblob(16)",
        redate: format!(
            "UPDATE pickup_orders SET created_at = {own}, updated_at = {own} WHERE customer_user_id = {user};"
        ),
        user,
        customers: "INSERT OR IGNORE INTO bench_customers WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL \
                    SELECT i + 1 FROM n WHERE i < {last}) SELECT i, randomblob(16) FROM n;",
        rows_before_select: true,
        rows: "WITH RECURSIVE n(i) AS (SELECT {lo} UNION ALL SELECT i + 1 FROM n WHERE i < {hi})",
        // RFC 3339 with nanoseconds and +00:00, exactly like the rows the server writes
        timestamp: format!(
            "strftime('%Y-%m-%dT%H:%M:%S', 'now', '-' || ((n.i * 7919) % {YEAR_SECS}) || ' seconds') || '.' || \
             printf('%09d', (n.i * 104729) % 1000000000) || '+00:00'"
        ),
        after: &[],
    }
}

fn postgres(user_id: &str) -> Dialect {
    Dialect {
        id_type: "uuid",
        random_id: "gen_random_uuid()",
        user: format!("'{user_id}'"),
        customers: "INSERT INTO bench_customers SELECT k, gen_random_uuid() FROM generate_series(0, {last}) k \
                    ON CONFLICT DO NOTHING;",
        rows_before_select: false,
        rows: "FROM generate_series({lo}, {hi}) AS n(i)",
        timestamp: format!(
            "now() - make_interval(secs => ((n.i::bigint * 7919) % {YEAR_SECS})::float8 + \
             ((n.i::bigint * 104729) % 1000000) / 1e6::float8)"
        ),
        redate: format!(
            "UPDATE pickup_orders SET created_at = now() - make_interval(days => (18 * (row_number % 20))::int) \
             - interval '1 hour', updated_at = created_at FROM (SELECT id AS oid, row_number() OVER (ORDER BY id) \
             AS row_number FROM pickup_orders WHERE customer_user_id = '{user_id}') r WHERE id = r.oid;"
        ),
        after: &["ANALYZE pickup_orders;"],
    }
}

/// The statements, in order: customers, the template row, the bulk rows, the household's
/// dates (first fill only).
fn fill(cli: &Cli, d: &Dialect) -> Vec<String> {
    let columns: Vec<&str> = cli.columns.split_whitespace().collect();
    let customers = (cli.large / 20).max(1);
    let overrides = [
        ("id", d.random_id.to_owned()),
        ("quote_id", d.random_id.to_owned()),
        ("number", "'BX-' || n.i".to_owned()),
        ("customer_user_id", "c.id".to_owned()),
        ("status", "'COMPLETED'".to_owned()),
        ("created_at", d.timestamp.clone()),
        ("updated_at", d.timestamp.clone()),
    ];
    let quoted: Vec<String> = columns.iter().map(|c| format!("\"{c}\"")).collect();
    let rows = d
        .rows
        .replace("{lo}", &cli.from.to_string())
        .replace("{hi}", &cli.to.to_string());
    let select = format!("SELECT {}", select_list(&columns, &overrides));
    let source = if d.rows_before_select {
        format!("{rows} {select} FROM n")
    } else {
        format!("{select} {rows}")
    };
    let mut sql = vec![
        "BEGIN;".to_owned(),
        format!(
            "CREATE TABLE IF NOT EXISTS bench_customers (k INTEGER PRIMARY KEY, id {} NOT NULL);",
            d.id_type
        ),
        d.customers.replace("{last}", &(customers - 1).to_string()),
        format!(
            "CREATE TEMP TABLE tpl AS SELECT * FROM pickup_orders WHERE customer_user_id = {} LIMIT 1;",
            d.user
        ),
        format!(
            "INSERT INTO pickup_orders ({}) {source} JOIN bench_customers c ON c.k = n.i % {customers} \
             CROSS JOIN tpl;",
            quoted.join(", ")
        ),
    ];
    if cli.from == 1 {
        sql.push(d.redate.clone());
    }
    sql.push("COMMIT;".to_owned());
    sql.extend(d.after.iter().map(|s| (*s).to_owned()));
    sql
}

fn main() {
    let cli = Cli::parse();
    let dialect = match cli.backend {
        Backend::Sqlite => sqlite(&cli.user),
        Backend::Postgres => postgres(&cli.user),
    };
    println!("{}", fill(&cli, &dialect).join("\n"));
}
