//! Helpers to read request-scoped data from a resolver's context.

use async_graphql::Context;
use async_graphql::dataloader::DataLoader;

use crate::error::AppError;
use crate::services::Viewer;
use crate::services::orders::Booking;
use crate::services::quotes::Quoting;
use crate::state::AppState;

/// The client's network address, attached by the HTTP layer (used for rate limits).
#[derive(Clone, Debug)]
pub struct ClientAddress(pub String);

/// Typed access to what the HTTP layer put into every request.
pub trait ContextExt {
    /// The application state.
    fn state(&self) -> Result<&AppState, AppError>;
    /// What quoting keeps between requests.
    fn quoting(&self) -> Result<&Quoting, AppError>;
    /// How bookings are written.
    fn booking(&self) -> Result<&Booking, AppError>;
    /// Who is calling (anonymous when nothing was attached).
    fn viewer(&self) -> Viewer;
    /// The client's address, as the HTTP layer saw it ("unknown" when absent).
    fn client_address(&self) -> String;
    /// A per-request DataLoader.
    fn loader<T: Send + Sync + 'static>(&self) -> Result<&DataLoader<T>, AppError>;
}

impl ContextExt for Context<'_> {
    fn state(&self) -> Result<&AppState, AppError> {
        self.data::<AppState>()
            .map_err(|_| AppError::Internal(anyhow::anyhow!("AppState missing from the schema")))
    }

    fn quoting(&self) -> Result<&Quoting, AppError> {
        self.data::<Quoting>()
            .map_err(|_| AppError::Internal(anyhow::anyhow!("Quoting missing from the schema")))
    }

    fn booking(&self) -> Result<&Booking, AppError> {
        self.data::<Booking>()
            .map_err(|_| AppError::Internal(anyhow::anyhow!("Booking missing from the schema")))
    }

    fn viewer(&self) -> Viewer {
        self.data_opt::<Viewer>().copied().unwrap_or_default()
    }

    fn client_address(&self) -> String {
        self.data_opt::<ClientAddress>()
            .map_or_else(|| "unknown".to_owned(), |address| address.0.clone())
    }

    fn loader<T: Send + Sync + 'static>(&self) -> Result<&DataLoader<T>, AppError> {
        self.data::<DataLoader<T>>().map_err(|_| {
            AppError::Internal(anyhow::anyhow!("a DataLoader is missing from the request"))
        })
    }
}
