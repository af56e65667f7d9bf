//! Word files of review comments as the [`WordImportStore`]: a staged
//! import keeps its comments as JSON (they are read back whole, never
//! queried by field); the comments stored from them are keyed rows whose
//! primary key refuses the same comment twice on a report.

use async_trait::async_trait;
use gopy_app::StoreError;
use gopy_app::ports::WordImportStore;
use gopy_app::word_comments::WordImport;
use gopy_domain::{BodyId, CommentId, ReportId, UserId, VersionId};
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::entity::{word_comment_import, word_comment_imported};
use crate::error::map_db_err;
use crate::unit_of_work::SeaUnitOfWork;

fn corrupt(column: &str, err: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("word_comment_imports.{column}: {err}"))
}

fn import_of(row: word_comment_import::Model) -> Result<WordImport, StoreError> {
    Ok(WordImport {
        id: row.id,
        report: ReportId::from_uuid(row.report_id),
        body: BodyId::from_uuid(row.body_id),
        version: VersionId::from_uuid(row.version_id),
        version_number: u32::try_from(row.version_number).map_err(|e| corrupt("version_number", e))?,
        file_name: row.file_name,
        file_hash: row.file_hash,
        rows: serde_json::from_str(&row.rows).map_err(|e| corrupt("rows", e))?,
        created_by: UserId::from_uuid(row.created_by),
        created_at: row.created_at,
        stored_at: row.stored_at,
    })
}

#[async_trait]
impl WordImportStore for SeaUnitOfWork {
    async fn insert_word_import(&mut self, import: &WordImport) -> Result<(), StoreError> {
        let rows = serde_json::to_string(&import.rows).map_err(|e| StoreError::Other(format!("import rows: {e}")))?;
        let row = word_comment_import::ActiveModel {
            id: Set(import.id),
            report_id: Set(import.report.as_uuid()),
            body_id: Set(import.body.as_uuid()),
            version_id: Set(import.version.as_uuid()),
            version_number: Set(i32::try_from(import.version_number).map_err(|e| StoreError::Other(format!("version number: {e}")))?),
            file_name: Set(import.file_name.clone()),
            file_hash: Set(import.file_hash.clone()),
            rows: Set(rows),
            created_by: Set(import.created_by.as_uuid()),
            created_at: Set(import.created_at),
            stored_at: Set(import.stored_at),
        };
        word_comment_import::Entity::insert(row).exec(self.tx().await?).await.map_err(map_db_err)?;
        Ok(())
    }

    async fn find_word_import(&mut self, report: ReportId, id: Uuid) -> Result<Option<WordImport>, StoreError> {
        let row = word_comment_import::Entity::find_by_id(id)
            .filter(word_comment_import::Column::ReportId.eq(report.as_uuid()))
            .one(self.reader().await?)
            .await
            .map_err(map_db_err)?;
        row.map(import_of).transpose()
    }

    async fn mark_word_import_stored(&mut self, id: Uuid, at: OffsetDateTime) -> Result<bool, StoreError> {
        let result = word_comment_import::Entity::update_many()
            .col_expr(word_comment_import::Column::StoredAt, Expr::value(at))
            .filter(word_comment_import::Column::Id.eq(id))
            .filter(word_comment_import::Column::StoredAt.is_null())
            .exec(self.tx().await?)
            .await
            .map_err(map_db_err)?;
        Ok(result.rows_affected == 1)
    }

    async fn imported_word_comment_keys(&mut self, report: ReportId) -> Result<Vec<String>, StoreError> {
        word_comment_imported::Entity::find()
            .select_only()
            .column(word_comment_imported::Column::Key)
            .filter(word_comment_imported::Column::ReportId.eq(report.as_uuid()))
            .order_by_asc(word_comment_imported::Column::Key)
            .into_tuple::<String>()
            .all(self.reader().await?)
            .await
            .map_err(map_db_err)
    }

    async fn insert_imported_word_comments(
        &mut self,
        report: ReportId,
        import: Uuid,
        rows: &[(String, CommentId)],
    ) -> Result<(), StoreError> {
        if rows.is_empty() {
            return Ok(());
        }
        let rows = rows.iter().map(|(key, comment)| word_comment_imported::ActiveModel {
            report_id: Set(report.as_uuid()),
            key: Set(key.clone()),
            comment_id: Set(comment.as_uuid()),
            import_id: Set(import),
        });
        word_comment_imported::Entity::insert_many(rows).exec(self.tx().await?).await.map_err(map_db_err)?;
        Ok(())
    }
}
