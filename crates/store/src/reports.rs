//! Reports, drafting teams and versions, as the use cases' [`ReportStore`].

use async_trait::async_trait;
use gopy_app::StoreError;
use gopy_app::ports::{CommentSetting, LatestBlock, ReportStore};
use gopy_domain::document::{Block, BlockId};
use gopy_domain::{Drafter, Report, ReportId, UserId, Version, VersionId, VersionSummary};
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, FromQueryResult, QueryFilter, QueryOrder, QuerySelect, QueryTrait, Statement,
};
use time::OffsetDateTime;

use crate::convert::{VersionSummaryRow, prefixed_columns, version_row};
use crate::entity::{report, report_drafter, review_round, version};
use crate::rounds::round_of;
use crate::error::map_db_err;
use crate::unit_of_work::SeaUnitOfWork;

#[async_trait]
impl ReportStore for SeaUnitOfWork {
    async fn insert_report(&mut self, r: &Report) -> Result<(), StoreError> {
        report::Entity::insert(report::ActiveModel::from(r)).exec(self.tx().await?).await.map_err(map_db_err)?;
        Ok(())
    }

    async fn find_report(&mut self, id: ReportId) -> Result<Option<Report>, StoreError> {
        let row = report::Entity::find_by_id(id.as_uuid()).one(self.reader().await?).await.map_err(map_db_err)?;
        row.map(Report::try_from).transpose()
    }

    async fn list_reports(&mut self) -> Result<Vec<Report>, StoreError> {
        report::Entity::find()
            .order_by_desc(report::Column::CreatedAt)
            .order_by_desc(report::Column::Id)
            .all(self.reader().await?)
            .await
            .map_err(map_db_err)?
            .into_iter()
            .map(Report::try_from)
            .collect()
    }

    async fn insert_drafters(&mut self, id: ReportId, team: &[Drafter], at: OffsetDateTime) -> Result<(), StoreError> {
        if team.is_empty() {
            return Ok(());
        }
        let rows = team.iter().map(|d| report_drafter::ActiveModel {
            report_id: Set(id.as_uuid()),
            user_id: Set(d.user.as_uuid()),
            lead: Set(d.lead),
            created_at: Set(at),
        });
        report_drafter::Entity::insert_many(rows).exec(self.tx().await?).await.map_err(map_db_err)?;
        Ok(())
    }

    async fn drafting_team(&mut self, id: ReportId) -> Result<Vec<Drafter>, StoreError> {
        let rows = report_drafter::Entity::find()
            .filter(report_drafter::Column::ReportId.eq(id.as_uuid()))
            .order_by_desc(report_drafter::Column::Lead)
            .order_by_asc(report_drafter::Column::CreatedAt)
            .order_by_asc(report_drafter::Column::UserId)
            .all(self.reader().await?)
            .await
            .map_err(map_db_err)?;
        Ok(rows.into_iter().map(|r| Drafter { user: UserId::from_uuid(r.user_id), lead: r.lead }).collect())
    }

    async fn drafting_of(&mut self, user: UserId) -> Result<Vec<(ReportId, bool)>, StoreError> {
        let rows = report_drafter::Entity::find()
            .filter(report_drafter::Column::UserId.eq(user.as_uuid()))
            .order_by_asc(report_drafter::Column::ReportId)
            .all(self.reader().await?)
            .await
            .map_err(map_db_err)?;
        Ok(rows.into_iter().map(|r| (ReportId::from_uuid(r.report_id), r.lead)).collect())
    }

    async fn insert_version(&mut self, v: &Version) -> Result<(), StoreError> {
        version::Entity::insert(version_row(v)?).exec(self.tx().await?).await.map_err(map_db_err)?;
        Ok(())
    }

    async fn find_version(&mut self, id: ReportId, number: u32) -> Result<Option<Version>, StoreError> {
        let row = version::Entity::find()
            .filter(version::Column::ReportId.eq(id.as_uuid()))
            .filter(version::Column::Number.eq(i64::from(number)))
            .one(self.reader().await?)
            .await
            .map_err(map_db_err)?;
        row.map(Version::try_from).transpose()
    }

    async fn latest_version(&mut self, id: ReportId) -> Result<Option<Version>, StoreError> {
        let row = version::Entity::find()
            .filter(version::Column::ReportId.eq(id.as_uuid()))
            .order_by_desc(version::Column::Number)
            .one(self.reader().await?)
            .await
            .map_err(map_db_err)?;
        row.map(Version::try_from).transpose()
    }

    async fn latest_version_block(
        &mut self,
        id: ReportId,
        block: Option<&BlockId>,
    ) -> Result<Option<LatestBlock>, StoreError> {
        let backend = self.backend();
        // The block is picked out of the version's JSON by the database, so
        // only its few hundred bytes travel; each engine has its own JSON
        // functions, the one place here where the SQL differs.
        let statement = match (block, backend) {
            (None, _) => Statement::from_sql_and_values(
                backend,
                match backend {
                    DbBackend::Postgres => "SELECT id, number, NULL::text AS block FROM versions WHERE report_id = $1 ORDER BY number DESC LIMIT 1",
                    _ => "SELECT id, number, NULL AS block FROM versions WHERE report_id = ? ORDER BY number DESC LIMIT 1",
                },
                [id.as_uuid().into()],
            ),
            (Some(block), DbBackend::Postgres) => Statement::from_sql_and_values(
                backend,
                "SELECT v.id, v.number, (SELECT b::text FROM json_array_elements(v.blocks::json) AS b WHERE b->>'id' = $1 LIMIT 1) AS block \
                 FROM versions v WHERE v.report_id = $2 ORDER BY v.number DESC LIMIT 1",
                [block.to_string().into(), id.as_uuid().into()],
            ),
            (Some(block), _) => Statement::from_sql_and_values(
                backend,
                "SELECT v.id, v.number, (SELECT b.value FROM json_each(v.blocks) AS b WHERE json_extract(b.value, '$.id') = ? LIMIT 1) AS block \
                 FROM versions v WHERE v.report_id = ? ORDER BY v.number DESC LIMIT 1",
                [block.to_string().into(), id.as_uuid().into()],
            ),
        };
        let Some(row) = self.reader().await?.query_one_raw(statement).await.map_err(map_db_err)? else { return Ok(None) };
        let version: uuid::Uuid = row.try_get("", "id").map_err(map_db_err)?;
        let number: i32 = row.try_get("", "number").map_err(map_db_err)?;
        let block: Option<String> = row.try_get("", "block").map_err(map_db_err)?;
        let block = block
            .map(|json| serde_json::from_str::<Block>(&json))
            .transpose()
            .map_err(|e| StoreError::Corrupt(format!("versions.blocks: {e}")))?;
        Ok(Some(LatestBlock {
            version: VersionId::from_uuid(version),
            number: u32::try_from(number).map_err(|e| StoreError::Corrupt(format!("versions.number: {e}")))?,
            block,
        }))
    }

    async fn comment_setting(&mut self, id: ReportId, block: Option<&BlockId>) -> Result<Option<CommentSetting>, StoreError> {
        let backend = self.backend();
        // The latest version is picked once (materialised), not once per
        // drafter row; its block is picked out of its JSON as in
        // latest_version_block. The latest round and the team are joined.
        let (block_sql, report_id) = match (block, backend) {
            (None, DbBackend::Postgres) => ("NULL::text", "$1"),
            (None, _) => ("NULL", "?"),
            (Some(_), DbBackend::Postgres) => {
                ("(SELECT b::text FROM json_array_elements(blocks::json) AS b WHERE b->>'id' = $2 LIMIT 1)", "$1")
            }
            (Some(_), _) => ("(SELECT b.value FROM json_each(blocks) AS b WHERE json_extract(b.value, '$.id') = ? LIMIT 1)", "?"),
        };
        let report_again = if backend == DbBackend::Postgres { "$1" } else { "?" };
        let sql = format!(
            "WITH v AS MATERIALIZED (SELECT id, number, {block_sql} AS block FROM versions \
               WHERE report_id = {report_id} ORDER BY number DESC LIMIT 1) \
             SELECT {}, {}, v.id AS v_id, v.number AS v_number, v.block AS v_block, d.user_id AS d_user, d.lead AS d_lead \
             FROM reports r LEFT JOIN v ON 1 = 1 \
             LEFT JOIN review_rounds rr ON rr.report_id = r.id \
               AND rr.number = (SELECT MAX(number) FROM review_rounds WHERE report_id = r.id) \
             LEFT JOIN report_drafters d ON d.report_id = r.id \
             WHERE r.id = {report_again} \
             ORDER BY d.lead DESC, d.created_at, d.user_id",
            prefixed_columns::<report::Entity>("r"),
            prefixed_columns::<review_round::Entity>("rr"),
        );
        let id = id.as_uuid();
        let values: Vec<sea_orm::Value> = match (block, backend) {
            (None, DbBackend::Postgres) => vec![id.into()],
            (None, _) => vec![id.into(), id.into()],
            (Some(block), DbBackend::Postgres) => vec![id.into(), block.to_string().into()],
            // In the order of the text: the block (inside the version's
            // subquery), the report of the version, the report.
            (Some(block), _) => vec![block.to_string().into(), id.into(), id.into()],
        };
        let statement = Statement::from_sql_and_values(backend, sql, values);
        let rows = self.reader().await?.query_all_raw(statement).await.map_err(map_db_err)?;
        let Some(first) = rows.first() else { return Ok(None) };
        let report = Report::try_from(report::Model::from_query_result(first, "r_").map_err(map_db_err)?)?;
        let round_id: Option<uuid::Uuid> = first.try_get("", "rr_id").map_err(map_db_err)?;
        let round = match round_id {
            Some(_) => Some(round_of(review_round::Model::from_query_result(first, "rr_").map_err(map_db_err)?)?),
            None => None,
        };
        let version: Option<uuid::Uuid> = first.try_get("", "v_id").map_err(map_db_err)?;
        let latest = match version {
            Some(version) => {
                let number: i32 = first.try_get("", "v_number").map_err(map_db_err)?;
                let block: Option<String> = first.try_get("", "v_block").map_err(map_db_err)?;
                Some(LatestBlock {
                    version: VersionId::from_uuid(version),
                    number: u32::try_from(number).map_err(|e| StoreError::Corrupt(format!("versions.number: {e}")))?,
                    block: block
                        .map(|json| serde_json::from_str::<Block>(&json))
                        .transpose()
                        .map_err(|e| StoreError::Corrupt(format!("versions.blocks: {e}")))?,
                })
            }
            None => None,
        };
        let mut drafters = Vec::new();
        for row in &rows {
            let user: Option<uuid::Uuid> = row.try_get("", "d_user").map_err(map_db_err)?;
            let lead: Option<bool> = row.try_get("", "d_lead").map_err(map_db_err)?;
            if let (Some(user), Some(lead)) = (user, lead) {
                drafters.push(Drafter { user: UserId::from_uuid(user), lead });
            }
        }
        Ok(Some(CommentSetting { report, round, latest, drafters }))
    }

    async fn version_counts(&mut self) -> Result<Vec<(ReportId, u32)>, StoreError> {
        #[derive(sea_orm::FromQueryResult)]
        struct Count {
            report_id: uuid::Uuid,
            n: i64,
        }
        version::Entity::find()
            .select_only()
            .column(version::Column::ReportId)
            .column_as(Expr::col(version::Column::Id).count(), "n")
            .group_by(version::Column::ReportId)
            .into_model::<Count>()
            .all(self.reader().await?)
            .await
            .map_err(map_db_err)?
            .into_iter()
            .map(|c| {
                let n = u32::try_from(c.n).map_err(|e| StoreError::Corrupt(format!("versions count: {e}")))?;
                Ok((ReportId::from_uuid(c.report_id), n))
            })
            .collect()
    }

    async fn version_summaries(&mut self, id: ReportId) -> Result<Vec<VersionSummary>, StoreError> {
        use version::Column;
        version::Entity::find()
            .select_only()
            .columns([
                Column::Id,
                Column::Number,
                Column::Source,
                Column::FileName,
                Column::ChangeNote,
                Column::WordCount,
                Column::CreatedBy,
                Column::CreatedAt,
            ])
            .filter(Column::ReportId.eq(id.as_uuid()))
            .order_by_asc(Column::Number)
            .into_model::<VersionSummaryRow>()
            .all(self.reader().await?)
            .await
            .map_err(map_db_err)?
            .into_iter()
            .map(VersionSummary::try_from)
            .collect()
    }

    async fn find_report_with_change_count(&mut self, id: ReportId) -> Result<Option<(Report, u64)>, StoreError> {
        let row = report::Entity::find_by_id(id.as_uuid()).one(self.reader().await?).await.map_err(map_db_err)?;
        row.map(|row| {
            let count = u64::try_from(row.change_count).unwrap_or_default();
            Report::try_from(row).map(|report| (report, count))
        })
        .transpose()
    }

    async fn report_change_count(&mut self, id: ReportId) -> Result<Option<u64>, StoreError> {
        let count: Option<i64> = report::Entity::find_by_id(id.as_uuid())
            .select_only()
            .column(report::Column::ChangeCount)
            .into_tuple()
            .one(self.reader().await?)
            .await
            .map_err(map_db_err)?;
        Ok(count.map(|c| u64::try_from(c).unwrap_or_default()))
    }
}

/// Raises a report's change counter; written with each audit event about it.
pub(crate) fn count_report_change(backend: DbBackend, id: uuid::Uuid) -> Statement {
    report::Entity::update_many()
        .col_expr(report::Column::ChangeCount, Expr::col(report::Column::ChangeCount).add(1))
        .filter(report::Column::Id.eq(id))
        .build(backend)
}
