//! The search index, as the use cases' [`SearchStore`]. Matching is plain
//! `LIKE` on the folded text, which both engines do alike; folded text holds
//! only letters, digits and single spaces, so a needle has no `%` or `_` to
//! escape.

use async_trait::async_trait;
use gopy_app::StoreError;
use gopy_app::ports::{SearchFilter, SearchStore};
use gopy_domain::search::{Entry, EntryKind, fold_for_search};
use gopy_domain::{CommentId, CommitteeId, ReportId, UserId};
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder, QuerySelect, QueryTrait};

use crate::entity::search_entry::{self, Column};
use crate::error::map_db_err;
use crate::unit_of_work::SeaUnitOfWork;

fn corrupt(column: &str, err: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("search_entries.{column}: {err}"))
}

#[async_trait]
impl SearchStore for SeaUnitOfWork {
    async fn index(&mut self, entries: &[Entry]) -> Result<(), StoreError> {
        for chunk in entries.chunks(400) {
            let rows = chunk
                .iter()
                .map(|e| {
                    Ok(search_entry::ActiveModel {
                        id: Set(uuid::Uuid::now_v7()),
                        kind: Set(e.kind.as_str().to_owned()),
                        committee_id: Set(e.committee.as_uuid()),
                        report_id: Set(e.report.map(|r| r.as_uuid())),
                        meeting_id: Set(e.meeting),
                        version_number: Set(e.version.map(i32::try_from).transpose().map_err(|x| StoreError::Other(x.to_string()))?),
                        latest: Set(e.latest),
                        block_id: Set(e.block.clone()),
                        comment_id: Set(e.comment.map(|c| c.as_uuid())),
                        author_id: Set(e.author.map(|a| a.as_uuid())),
                        at: Set(e.at),
                        text: Set(e.text.clone()),
                        folded: Set(fold_for_search(&e.text)),
                    })
                })
                .collect::<Result<Vec<_>, StoreError>>()?;
            if !rows.is_empty() {
                let insert = search_entry::Entity::insert_many(rows).build(self.backend());
                self.write(insert).await?;
            }
        }
        Ok(())
    }

    async fn retire_passages(&mut self, report: ReportId) -> Result<(), StoreError> {
        search_entry::Entity::update_many()
            .col_expr(Column::Latest, Expr::value(false))
            .filter(Column::ReportId.eq(report.as_uuid()))
            .filter(Column::Kind.eq(EntryKind::Passage.as_str()))
            .filter(Column::Latest.eq(true))
            .exec(self.tx().await?)
            .await
            .map_err(map_db_err)?;
        Ok(())
    }

    async fn forget_comment(&mut self, comment: CommentId, kind: EntryKind) -> Result<(), StoreError> {
        search_entry::Entity::delete_many()
            .filter(Column::CommentId.eq(comment.as_uuid()))
            .filter(Column::Kind.eq(kind.as_str()))
            .exec(self.tx().await?)
            .await
            .map_err(map_db_err)?;
        Ok(())
    }

    async fn forget_meeting(&mut self, meeting: uuid::Uuid) -> Result<(), StoreError> {
        search_entry::Entity::delete_many()
            .filter(Column::MeetingId.eq(meeting))
            .exec(self.tx().await?)
            .await
            .map_err(map_db_err)?;
        Ok(())
    }

    async fn search(&mut self, filter: &SearchFilter) -> Result<Vec<(Entry, String)>, StoreError> {
        let mut query = search_entry::Entity::find();
        for needle in &filter.needles {
            query = query.filter(Column::Folded.like(format!("%{needle}%")));
        }
        if let Some(committees) = &filter.committees {
            let mut visible = Condition::any();
            visible = visible.add(Column::CommitteeId.is_in(committees.iter().map(|c| c.as_uuid())));
            if !filter.reports.is_empty() {
                visible = visible.add(Column::ReportId.is_in(filter.reports.iter().map(|r| r.as_uuid())));
            }
            query = query.filter(visible);
        }
        if !filter.kinds.is_empty() {
            query = query.filter(Column::Kind.is_in(filter.kinds.iter().map(|k| k.as_str())));
        }
        if let Some(report) = filter.report {
            query = query.filter(Column::ReportId.eq(report.as_uuid()));
        }
        if let Some(meeting) = filter.meeting {
            query = query.filter(Column::MeetingId.eq(meeting));
        }
        if let Some(author) = filter.author {
            query = query.filter(Column::AuthorId.eq(author.as_uuid()));
        }
        if let Some(from) = filter.from {
            query = query.filter(Column::At.gte(from));
        }
        if let Some(until) = filter.until {
            query = query.filter(Column::At.lt(until));
        }
        if !filter.all_versions {
            // Old versions' passages only on request; other kinds are always current.
            query = query.filter(Condition::any().add(Column::Kind.ne(EntryKind::Passage.as_str())).add(Column::Latest.eq(true)));
        }
        let rows = query
            .order_by_desc(Column::At)
            .order_by_asc(Column::Id)
            .limit(filter.limit)
            .all(self.reader().await?)
            .await
            .map_err(map_db_err)?;
        rows.into_iter()
            .map(|r| {
                Ok((
                    Entry {
                        kind: r.kind.parse().map_err(|e| corrupt("kind", e))?,
                        committee: CommitteeId::from_uuid(r.committee_id),
                        report: r.report_id.map(ReportId::from_uuid),
                        meeting: r.meeting_id,
                        version: r.version_number.map(u32::try_from).transpose().map_err(|e| corrupt("version_number", e))?,
                        latest: r.latest,
                        block: r.block_id,
                        comment: r.comment_id.map(CommentId::from_uuid),
                        author: r.author_id.map(UserId::from_uuid),
                        at: r.at,
                        text: r.text,
                    },
                    r.folded,
                ))
            })
            .collect()
    }
}
