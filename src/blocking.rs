//! Blocking or CPU-heavy work (database calls, password hashing) never runs on an async worker.

use crate::error::{AppError, AppResult};

/// Runs blocking or CPU-heavy work on the blocking pool, never on an async worker.
pub async fn off_worker<T, F>(work: F) -> AppResult<T>
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    actix_web::web::block(work)
        .await
        .map_err(|_| AppError::internal("blocking task panicked"))
}
