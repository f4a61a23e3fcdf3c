//! `infra::script`: several statements sent as one (one round trip on SQLite, one after
//! another on PostgreSQL). Writes report whether each changed the rows it expected, bind
//! every statement's values in order (past SQLite's per-statement parameter limit), and
//! leave nothing behind once the caller gives its transaction up; reads hand each
//! statement's rows back apart.

use reloop::infra::script::{ReadScript, WriteScript};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{ConnectionTrait, DatabaseBackend, Statement, TransactionTrait};

use crate::helpers::spawn_app;

/// An insert of counters `names`, each with value 1.
fn insert_counters(names: &[String]) -> sea_orm::sea_query::InsertStatement {
    let mut insert = Query::insert();
    insert.into_table("counters").columns(["name", "value"]);
    for name in names {
        insert.values_panic([name.as_str().into(), 1i64.into()]);
    }
    insert
}

/// Adds one to counter `name` while it is below `below`.
fn bump_below(name: &str, below: i64) -> sea_orm::sea_query::UpdateStatement {
    Query::update()
        .table("counters")
        .value("value", Expr::col("value").add(1))
        .and_where(Expr::col("name").eq(name))
        .and_where(Expr::col("value").lt(below))
        .to_owned()
}

async fn value_of(db: &impl ConnectionTrait, name: &str) -> Option<i64> {
    let backend = db.get_database_backend();
    let sql = match backend {
        DatabaseBackend::Postgres => "SELECT value FROM counters WHERE name = $1",
        _ => "SELECT value FROM counters WHERE name = ?",
    };
    db.query_one_raw(Statement::from_sql_and_values(backend, sql, [name.into()]))
        .await
        .expect("read a counter")
        .map(|row| row.try_get("", "value").expect("value"))
}

fn names(prefix: &str, count: usize) -> Vec<String> {
    (0..count).map(|i| format!("{prefix}-{i}")).collect()
}

#[tokio::test]
async fn a_script_runs_every_statement_in_order_with_its_own_values() {
    let app = spawn_app().await;
    let db = &app.state.db;
    let txn = db.begin().await.expect("begin");
    let mut script = WriteScript::new(db.get_database_backend());
    // A value with a statement separator in it is bound, never read as SQL.
    let tricky = "ws; DELETE FROM counters".to_owned();
    script.push_query(&insert_counters(&[tricky.clone(), "ws-a".into()]), 2);
    script.push_query(&bump_below("ws-a", 10), 1);
    script.push_query(&bump_below("ws-a", 10), 1);
    // 7,000 rows of two values per statement, three statements: 42,000 values in all,
    // past SQLite's 32,766 per statement, each statement binding its own.
    for part in ["x", "y", "z"] {
        script.push_query(
            &insert_counters(&names(&format!("ws-{part}"), 7_000)),
            7_000,
        );
    }
    assert!(script.run(&txn).await.expect("the script runs"));
    txn.commit().await.expect("commit");
    assert_eq!(value_of(db, &tricky).await, Some(1));
    assert_eq!(
        value_of(db, "ws-a").await,
        Some(3),
        "both updates ran, in order"
    );
    assert_eq!(value_of(db, "ws-x-0").await, Some(1));
    assert_eq!(value_of(db, "ws-z-6999").await, Some(1));
}

#[tokio::test]
async fn a_statement_changing_fewer_rows_than_expected_makes_the_script_fail_and_its_transaction_is_given_up()
 {
    let app = spawn_app().await;
    let db = &app.state.db;
    let txn = db.begin().await.expect("begin");
    let mut script = WriteScript::new(db.get_database_backend());
    script.push_query(&insert_counters(&["short-a".into()]), 1);
    // Its condition admits nothing: the counter is at 1, not below 1.
    script.push_query(&bump_below("short-a", 1), 1);
    script.push_query(&insert_counters(&["short-b".into()]), 1);
    assert!(!script.run(&txn).await.expect("the script runs"));
    txn.rollback().await.expect("rollback");
    assert_eq!(value_of(db, "short-a").await, None);
    assert_eq!(value_of(db, "short-b").await, None);

    // The same statements with the right expectation pass.
    let txn = db.begin().await.expect("begin");
    let mut script = WriteScript::new(db.get_database_backend());
    script.push_query(&insert_counters(&["short-a".into()]), 1);
    script.push_query(&bump_below("short-a", 1), 0);
    assert!(script.run(&txn).await.expect("the script runs"));
    txn.commit().await.expect("commit");
    assert_eq!(value_of(db, "short-a").await, Some(1));
}

#[tokio::test]
async fn an_empty_script_succeeds_without_touching_the_database() {
    let app = spawn_app().await;
    let script = WriteScript::new(app.state.db.get_database_backend());
    assert!(script.run(&app.state.db).await.expect("nothing to run"));
}

/// The counters whose name starts with `prefix`, by name.
fn counters_like(prefix: &str) -> sea_orm::sea_query::SelectStatement {
    Query::select()
        .columns(["name", "value"])
        .from("counters")
        .and_where(Expr::col("name").like(format!("{prefix}%")))
        .order_by("name", sea_orm::Order::Asc)
        .to_owned()
}

#[tokio::test]
async fn a_read_script_hands_back_each_statements_rows_apart() {
    let app = spawn_app().await;
    let db = &app.state.db;
    let mut script = WriteScript::new(db.get_database_backend());
    script.push_query(&insert_counters(&names("rs-a", 3)), 3);
    script.push_query(&insert_counters(&names("rs-b", 60)), 60);
    assert!(script.run(db).await.expect("the writes run"));

    let mut script = ReadScript::new(db.get_database_backend());
    let a = script.push(counters_like("rs-a"));
    let none = script.push(counters_like("rs-none"));
    // More rows than sqlx's row channel holds (50) at once.
    let b = script.push(counters_like("rs-b"));
    let a_again = script.push(counters_like("rs-a-1"));
    let mut rows = script.run(db).await.expect("the reads run");
    let names_of = |rows: Vec<sea_orm::QueryResult>| -> Vec<String> {
        rows.iter()
            .map(|row| row.try_get("", "name").expect("name"))
            .collect()
    };
    assert_eq!(names_of(rows.take(a)), ["rs-a-0", "rs-a-1", "rs-a-2"]);
    assert!(rows.take(none).is_empty());
    let b_rows = names_of(rows.take(b));
    assert_eq!(b_rows.len(), 60);
    assert!(b_rows.iter().all(|name| name.starts_with("rs-b-")));
    assert_eq!(names_of(rows.take(a_again)), ["rs-a-1"]);
    assert!(rows.take(a).is_empty(), "a part is taken once");
}
