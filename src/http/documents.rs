//! Parsed GraphQL documents, cached by their text: apps and partners send the same few
//! documents again and again (only the variables change), and parsing one is a large share
//! of a small request's CPU (see BENCHMARKS.md, `requestQuote`). A document not in the
//! cache is parsed on the blocking pool: its cost grows with the body, and the worker
//! threads also answer `/health`.

use std::sync::Arc;

use async_graphql::parser::types::ExecutableDocument;
use async_graphql::{Request, ServerError};
use quick_cache::Weighter;
use quick_cache::sync::Cache;

/// Longest document text that is cached; longer ones are parsed every time.
const MAX_CACHED_TEXT: usize = 16 * 1024;

/// Total document text the cache holds (the parsed trees are a small multiple of it).
const CACHED_TEXT_BUDGET: u64 = 4 * 1024 * 1024;

/// A document weighs its text length, so the budget bounds memory, not a count.
#[derive(Clone)]
struct TextLength;

impl Weighter<String, Arc<ExecutableDocument>> for TextLength {
    fn weight(&self, text: &String, _: &Arc<ExecutableDocument>) -> u64 {
        text.len() as u64
    }
}

/// The shared cache of parsed documents; only documents that parse are kept.
#[derive(Clone)]
pub struct DocumentCache(Arc<Cache<String, Arc<ExecutableDocument>, TextLength>>);

impl Default for DocumentCache {
    fn default() -> Self {
        let typical_text = 512;
        Self(Arc::new(Cache::with_weighter(
            (CACHED_TEXT_BUDGET / typical_text) as usize,
            CACHED_TEXT_BUDGET,
            TextLength,
        )))
    }
}

impl DocumentCache {
    /// Parses `request`'s document into it (from the cache when the same text was parsed
    /// before) and returns it, or the syntax error.
    pub async fn parse<'r>(
        &self,
        request: &'r mut Request,
    ) -> Result<&'r ExecutableDocument, ServerError> {
        if let Some(document) = self.0.get(request.query.as_str()) {
            request.set_parsed_query(ExecutableDocument::clone(&document));
            return request.parsed_query();
        }
        let text = request.query.clone();
        let document =
            tokio::task::spawn_blocking(move || async_graphql::parser::parse_query(text))
                .await
                .map_err(|err| ServerError::new(format!("parsing stopped: {err}"), None))??;
        if request.query.len() <= MAX_CACHED_TEXT {
            self.0
                .insert(request.query.clone(), Arc::new(document.clone()));
        }
        request.set_parsed_query(document);
        request.parsed_query()
    }
}
