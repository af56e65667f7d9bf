//! Maps sea-orm's errors to [`StoreError`], the same way on both engines.

use gopy_app::StoreError;
use sea_orm::{DbErr, RuntimeErr, SqlErr};

pub(crate) fn map_db_err(err: DbErr) -> StoreError {
    match err.sql_err() {
        Some(SqlErr::UniqueConstraintViolation(detail)) => {
            return StoreError::Conflict { constraint: detail };
        }
        Some(SqlErr::ForeignKeyConstraintViolation(detail)) => {
            return StoreError::Other(format!("foreign key violated: {detail}"));
        }
        _ => {}
    }
    match err {
        DbErr::ConnectionAcquire(e) => StoreError::Unavailable(e.to_string()),
        DbErr::Conn(RuntimeErr::SqlxError(e)) => StoreError::Unavailable(e.to_string()),
        DbErr::Conn(e) => StoreError::Unavailable(e.to_string()),
        DbErr::Type(e) | DbErr::Json(e) => StoreError::Corrupt(e),
        DbErr::TryIntoErr { from, into, source } => {
            StoreError::Corrupt(format!("{from} into {into}: {source}"))
        }
        other => StoreError::Other(other.to_string()),
    }
}
