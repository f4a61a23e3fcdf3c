//! `consoleSettings`.

use async_graphql::{Context, Object};

use crate::graphql::context::ContextExt;
use crate::graphql::guards::RoleGuard;
use crate::graphql::types::console::ConsoleSettings;

/// Queries of the operator console.
#[derive(Default)]
pub struct ConsoleQuery;

#[Object]
impl ConsoleQuery {
    /// Operators: the console's settings from the server's configuration (map tiles under
    /// the dispatch map). UNAUTHENTICATED when anonymous, FORBIDDEN for other roles.
    #[graphql(guard = "RoleGuard::operator()")]
    async fn console_settings(&self, ctx: &Context<'_>) -> async_graphql::Result<ConsoleSettings> {
        // Start-up settings, read as they are: no service has a rule to apply here.
        Ok(ConsoleSettings::from(&ctx.state()?.config.console))
    }
}
