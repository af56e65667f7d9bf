//! Comments, their earlier texts and placements, as the use cases'
//! [`CommentStore`]. An anchor is stored as three columns beside the block
//! id, and read back only whole: a row with half an anchor is corrupt.

use async_trait::async_trait;
use gopy_app::StoreError;
use gopy_app::ports::{CommentStore, PassageCount, Passages, ReportCommentCounts, PlacedThread, ThreadKey, ThreadQuery, ThreadState};
use gopy_domain::document::BlockId;
use gopy_domain::document::align::{Anchor, Span};
use gopy_domain::{
    BodyId, Comment, CommentCounts, CommentId, CommentPlacement, CommentRevision, CommentText, Disposition, ReportId, UserId, VersionId,
};
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseBackend, EntityTrait, FromQueryResult, QueryFilter, QueryOrder, QuerySelect,
    QueryTrait, Statement, Value,
};

use crate::entity::{answer_template, block_label, comment, comment_placement, comment_revision};
use gopy_domain::answers::{AnswerTemplate, TemplateName, TemplateText};
use gopy_domain::{AnswerTemplateId, CommentGroupId, CommitteeId};
use crate::error::map_db_err;
use crate::unit_of_work::SeaUnitOfWork;

fn corrupt(column: &str, err: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("comments.{column}: {err}"))
}

fn text(column: &str, raw: &str) -> Result<CommentText, StoreError> {
    CommentText::parse(raw).map_err(|e| corrupt(column, e))
}

fn changed_in(raw: Option<i32>) -> Result<Option<u32>, StoreError> {
    raw.map(|n| u32::try_from(n).map_err(|e| corrupt("changed_in", e))).transpose()
}

fn offset(raw: usize) -> Result<i32, StoreError> {
    i32::try_from(raw).map_err(|e| StoreError::Other(format!("anchor offset: {e}")))
}

/// The four anchor columns, from an anchor.
type AnchorColumns = (Option<String>, Option<i32>, Option<i32>, Option<String>);

fn anchor_columns(anchor: Option<&Anchor>) -> Result<AnchorColumns, StoreError> {
    let Some(anchor) = anchor else { return Ok((None, None, None, None)) };
    let block = Some(anchor.block.to_string());
    match &anchor.span {
        None => Ok((block, None, None, None)),
        Some(span) => Ok((block, Some(offset(span.start)?), Some(offset(span.end)?), Some(span.quote.clone()))),
    }
}

fn anchor_of(columns: AnchorColumns) -> Result<Option<Anchor>, StoreError> {
    let to_usize = |v: i32| usize::try_from(v).map_err(|e| corrupt("span", e));
    match columns {
        (None, None, None, None) => Ok(None),
        (Some(block), None, None, None) => Ok(Some(Anchor { block: BlockId::new(block), span: None })),
        (Some(block), Some(start), Some(end), Some(quote)) => Ok(Some(Anchor {
            block: BlockId::new(block),
            span: Some(Span { start: to_usize(start)?, end: to_usize(end)?, quote }),
        })),
        _ => Err(corrupt("block_id", "an anchor is stored only in part")),
    }
}

impl TryFrom<comment::Model> for Comment {
    type Error = StoreError;

    fn try_from(row: comment::Model) -> Result<Self, Self::Error> {
        let disposition = match (row.disposition, row.decided_by, row.decided_at) {
            (None, _, _) => None,
            (Some(kind), Some(by), Some(at)) => Some(Disposition {
                kind: kind.parse().map_err(|e| corrupt("disposition", e))?,
                response: row.response.as_deref().map(|r| text("response", r)).transpose()?,
                addressed_in: row.addressed_in.map(|n| u32::try_from(n).map_err(|e| corrupt("addressed_in", e))).transpose()?,
                decided_by: UserId::from_uuid(by),
                decided_at: at,
                published_at: row.answer_published_at,
            }),
            _ => return Err(corrupt("disposition", "a disposition without who decided it and when")),
        };
        Ok(Self {
            id: CommentId::from_uuid(row.id),
            report: ReportId::from_uuid(row.report_id),
            version: VersionId::from_uuid(row.version_id),
            version_number: u32::try_from(row.version_number).map_err(|e| corrupt("version_number", e))?,
            parent: row.parent_id.map(CommentId::from_uuid),
            author: UserId::from_uuid(row.author_id),
            recorded_by: row.recorded_by.map(UserId::from_uuid),
            on_behalf_of: row.on_behalf_of.map(BodyId::from_uuid),
            at_meeting: row.at_meeting,
            anchor: anchor_of((row.block_id, row.span_start, row.span_end, row.quote))?,
            body: text("body", &row.body)?,
            created_at: row.created_at,
            edited_at: row.edited_at,
            withdrawn_at: row.withdrawn_at,
            withdrawn_by: row.withdrawn_by.map(UserId::from_uuid),
            withdrawal_reason: row.withdrawal_reason.as_deref().map(|r| text("withdrawal_reason", r)).transpose()?,
            late: row.late,
            disposition,
            group: row.answer_group.map(CommentGroupId::from_uuid),
            revision: u32::try_from(row.revision).map_err(|e| corrupt("revision", e))?,
        })
    }
}

fn comment_row(c: &Comment) -> Result<comment::ActiveModel, StoreError> {
    let (block_id, span_start, span_end, quote) = anchor_columns(c.anchor.as_ref())?;
    let d = c.disposition.as_ref();
    Ok(comment::ActiveModel {
        id: Set(c.id.as_uuid()),
        report_id: Set(c.report.as_uuid()),
        version_id: Set(c.version.as_uuid()),
        version_number: Set(i32::try_from(c.version_number).map_err(|e| StoreError::Other(e.to_string()))?),
        parent_id: Set(c.parent.map(|p| p.as_uuid())),
        author_id: Set(c.author.as_uuid()),
        recorded_by: Set(c.recorded_by.map(|u| u.as_uuid())),
        on_behalf_of: Set(c.on_behalf_of.map(|b| b.as_uuid())),
        at_meeting: Set(c.at_meeting),
        block_id: Set(block_id),
        span_start: Set(span_start),
        span_end: Set(span_end),
        quote: Set(quote),
        body: Set(c.body.to_string()),
        created_at: Set(c.created_at),
        edited_at: Set(c.edited_at),
        withdrawn_at: Set(c.withdrawn_at),
        withdrawn_by: Set(c.withdrawn_by.map(|u| u.as_uuid())),
        withdrawal_reason: Set(c.withdrawal_reason.as_ref().map(ToString::to_string)),
        late: Set(c.late),
        disposition: Set(d.map(|d| d.kind.as_str().to_owned())),
        response: Set(d.and_then(|d| d.response.as_ref()).map(ToString::to_string)),
        addressed_in: Set(d.and_then(|d| d.addressed_in).map(i32::try_from).transpose().map_err(|e| StoreError::Other(e.to_string()))?),
        decided_by: Set(d.map(|d| d.decided_by.as_uuid())),
        decided_at: Set(d.map(|d| d.decided_at)),
        answer_published_at: Set(d.and_then(|d| d.published_at)),
        answer_group: Set(c.group.map(|g| g.as_uuid())),
        revision: Set(i32::try_from(c.revision).map_err(|e| StoreError::Other(e.to_string()))?),
    })
}

impl SeaUnitOfWork {
    /// The comments that meet `condition`, oldest first.
    async fn comments_where(&mut self, condition: sea_orm::sea_query::SimpleExpr) -> Result<Vec<Comment>, StoreError> {
        comment::Entity::find()
            .filter(condition)
            .order_by_asc(comment::Column::CreatedAt)
            .order_by_asc(comment::Column::Id)
            .all(self.reader().await?)
            .await
            .map_err(map_db_err)?
            .into_iter()
            .map(Comment::try_from)
            .collect()
    }
}

#[async_trait]
impl CommentStore for SeaUnitOfWork {
    async fn insert_comment(&mut self, c: &Comment) -> Result<(), StoreError> {
        let insert = comment::Entity::insert(comment_row(c)?).build(self.backend());
        self.write(insert).await
    }

    async fn find_comment(&mut self, id: CommentId) -> Result<Option<Comment>, StoreError> {
        let row = comment::Entity::find_by_id(id.as_uuid()).one(self.reader().await?).await.map_err(map_db_err)?;
        row.map(Comment::try_from).transpose()
    }

    async fn update_comment(&mut self, c: &mut Comment) -> Result<(), StoreError> {
        use comment::Column;
        let read_at = i32::try_from(c.revision).map_err(|e| StoreError::Other(format!("revision: {e}")))?;
        let full = comment_row(c)?;
        // Only what a comment's life changes: its text, withdrawal and
        // answer. Checked against the revision it was read at.
        let row = comment::ActiveModel {
            body: full.body,
            edited_at: full.edited_at,
            withdrawn_at: full.withdrawn_at,
            withdrawn_by: full.withdrawn_by,
            withdrawal_reason: full.withdrawal_reason,
            disposition: full.disposition,
            response: full.response,
            addressed_in: full.addressed_in,
            decided_by: full.decided_by,
            decided_at: full.decided_at,
            answer_published_at: full.answer_published_at,
            answer_group: full.answer_group,
            revision: Set(read_at + 1),
            ..Default::default()
        };
        let updated = comment::Entity::update_many()
            .set(row)
            .filter(Column::Id.eq(c.id.as_uuid()))
            .filter(Column::Revision.eq(read_at))
            .exec(self.tx().await?)
            .await
            .map_err(map_db_err)?;
        if updated.rows_affected != 1 {
            return Err(StoreError::Stale { what: "comment" });
        }
        c.revision += 1;
        Ok(())
    }

    async fn comments_of_report(&mut self, report: ReportId) -> Result<Vec<Comment>, StoreError> {
        self.comments_where(comment::Column::ReportId.eq(report.as_uuid())).await
    }

    async fn comments_by(&mut self, author: UserId) -> Result<Vec<Comment>, StoreError> {
        self.comments_where(comment::Column::AuthorId.eq(author.as_uuid())).await
    }

    async fn comment_counts(&mut self) -> Result<Vec<ReportCommentCounts>, StoreError> {
        use comment::Column;
        #[derive(sea_orm::FromQueryResult)]
        struct Group {
            report_id: uuid::Uuid,
            disposition: Option<String>,
            withdrawn: bool,
            published: bool,
            n: i64,
        }
        let withdrawn = || Expr::col(Column::WithdrawnAt).is_not_null();
        let published = || Expr::col(Column::AnswerPublishedAt).is_not_null();
        let groups = comment::Entity::find()
            .select_only()
            .column(Column::ReportId)
            .column(Column::Disposition)
            .column_as(withdrawn(), "withdrawn")
            .column_as(published(), "published")
            .column_as(Expr::col(Column::Id).count(), "n")
            .filter(Column::ParentId.is_null())
            .group_by(Column::ReportId)
            .group_by(Column::Disposition)
            .group_by(withdrawn())
            .group_by(published())
            .into_model::<Group>()
            .all(self.reader().await?)
            .await
            .map_err(map_db_err)?;
        let mut counts: Vec<ReportCommentCounts> = Vec::new();
        for g in groups {
            let report = ReportId::from_uuid(g.report_id);
            let disposition = g.disposition.map(|d| d.parse()).transpose().map_err(|e| corrupt("disposition", e))?;
            let n = usize::try_from(g.n).map_err(|e| corrupt("count", e))?;
            let at = match counts.iter().position(|c| c.report == report) {
                Some(at) => at,
                None => {
                    counts.push(ReportCommentCounts { report, with_drafts: CommentCounts::default(), published: CommentCounts::default() });
                    counts.len() - 1
                }
            };
            counts[at].with_drafts.add(g.withdrawn, disposition, n);
            counts[at].published.add(g.withdrawn, disposition.filter(|_| g.published), n);
        }
        Ok(counts)
    }

    async fn commenters_on(&mut self, report: ReportId, number: u32) -> Result<Vec<UserId>, StoreError> {
        use comment::Column;
        let number = i32::try_from(number).map_err(|e| corrupt("version number", e))?;
        let authors: Vec<uuid::Uuid> = comment::Entity::find()
            .select_only()
            .column(Column::AuthorId)
            .distinct()
            .filter(Column::ReportId.eq(report.as_uuid()))
            .filter(Column::VersionNumber.eq(number))
            .filter(Column::ParentId.is_null())
            .filter(Column::WithdrawnAt.is_null())
            .order_by_asc(Column::AuthorId)
            .into_tuple()
            .all(self.reader().await?)
            .await
            .map_err(map_db_err)?;
        Ok(authors.into_iter().map(UserId::from_uuid).collect())
    }

    async fn insert_revision(&mut self, r: &CommentRevision) -> Result<(), StoreError> {
        let row = comment_revision::ActiveModel {
            id: Set(uuid::Uuid::now_v7()),
            comment_id: Set(r.comment.as_uuid()),
            body: Set(r.body.to_string()),
            replaced_at: Set(r.replaced_at),
        };
        comment_revision::Entity::insert(row).exec(self.tx().await?).await.map_err(map_db_err)?;
        Ok(())
    }

    async fn revisions_of(&mut self, id: CommentId) -> Result<Vec<CommentRevision>, StoreError> {
        comment_revision::Entity::find()
            .filter(comment_revision::Column::CommentId.eq(id.as_uuid()))
            .order_by_asc(comment_revision::Column::ReplacedAt)
            .order_by_asc(comment_revision::Column::Id)
            .all(self.reader().await?)
            .await
            .map_err(map_db_err)?
            .into_iter()
            .map(|row| {
                Ok(CommentRevision {
                    comment: CommentId::from_uuid(row.comment_id),
                    body: text("revision body", &row.body)?,
                    replaced_at: row.replaced_at,
                })
            })
            .collect()
    }

    async fn insert_placements(&mut self, placements: &[CommentPlacement]) -> Result<(), StoreError> {
        // In slices, so a report with thousands of comments stays under
        // the engines' limits on bound parameters.
        for chunk in placements.chunks(500) {
            let rows = chunk
                .iter()
                .map(|p| {
                    let (block_id, span_start, span_end, quote) = anchor_columns(p.anchor.as_ref())?;
                    Ok(comment_placement::ActiveModel {
                        comment_id: Set(p.comment.as_uuid()),
                        version_id: Set(p.version.as_uuid()),
                        placement: Set(p.placement.as_str().to_owned()),
                        block_id: Set(block_id),
                        span_start: Set(span_start),
                        span_end: Set(span_end),
                        quote: Set(quote),
                        changed_in: Set(p.changed_in.map(i64::from).map(i32::try_from).transpose().map_err(|e| StoreError::Other(e.to_string()))?),
                    })
                })
                .collect::<Result<Vec<_>, StoreError>>()?;
            let insert = comment_placement::Entity::insert_many(rows).build(self.backend());
            self.write(insert).await?;
        }
        Ok(())
    }

    async fn placements_on(&mut self, version: VersionId) -> Result<Vec<CommentPlacement>, StoreError> {
        comment_placement::Entity::find()
            .filter(comment_placement::Column::VersionId.eq(version.as_uuid()))
            .order_by_asc(comment_placement::Column::CommentId)
            .all(self.reader().await?)
            .await
            .map_err(map_db_err)?
            .into_iter()
            .map(|row| {
                Ok(CommentPlacement {
                    comment: CommentId::from_uuid(row.comment_id),
                    version: VersionId::from_uuid(row.version_id),
                    placement: row.placement.parse().map_err(|e| corrupt("placement", e))?,
                    anchor: anchor_of((row.block_id, row.span_start, row.span_end, row.quote))?,
                    changed_in: changed_in(row.changed_in)?,
                })
            })
            .collect()
    }

    async fn insert_block_labels(&mut self, version: VersionId, labels: &[(BlockId, String)]) -> Result<(), StoreError> {
        insert_labels(self.tx().await?, version, labels).await
    }

    async fn block_labels(&mut self, version: VersionId) -> Result<Vec<(BlockId, String)>, StoreError> {
        Ok(block_label::Entity::find()
            .filter(block_label::Column::VersionId.eq(version.as_uuid()))
            .order_by_asc(block_label::Column::Position)
            .all(self.reader().await?)
            .await
            .map_err(map_db_err)?
            .into_iter()
            .map(|row| (BlockId::new(row.block_id), row.label))
            .collect())
    }

    async fn passage_counts(&mut self, version: VersionId) -> Result<Vec<PassageCount>, StoreError> {
        #[derive(FromQueryResult)]
        struct Group {
            block_id: Option<String>,
            placement: String,
            withdrawn: bool,
            disposition: Option<String>,
            published: bool,
            n: i64,
        }
        let mut sql = Sql::new(self.backend());
        sql.push(
            "SELECT p.block_id AS block_id, p.placement AS placement, (c.withdrawn_at IS NOT NULL) AS withdrawn, \
             c.disposition AS disposition, (c.answer_published_at IS NOT NULL) AS published, COUNT(*) AS n \
             FROM comment_placements p JOIN comments c ON c.id = p.comment_id WHERE p.version_id = ",
        );
        sql.bind(version.as_uuid());
        sql.push(" GROUP BY p.block_id, p.placement, (c.withdrawn_at IS NOT NULL), c.disposition, (c.answer_published_at IS NOT NULL) ORDER BY p.block_id, p.placement");
        Group::find_by_statement(sql.statement())
            .all(self.reader().await?)
            .await
            .map_err(map_db_err)?
            .into_iter()
            .map(|g| {
                Ok(PassageCount {
                    block: g.block_id.map(BlockId::new),
                    placement: g.placement.parse().map_err(|e| corrupt("placement", e))?,
                    withdrawn: g.withdrawn,
                    disposition: g.disposition.map(|d| d.parse()).transpose().map_err(|e| corrupt("disposition", e))?,
                    published: g.published,
                    n: usize::try_from(g.n).map_err(|e| corrupt("count", e))?,
                })
            })
            .collect()
    }

    async fn thread_page(&mut self, query: &ThreadQuery) -> Result<Vec<PlacedThread>, StoreError> {
        #[derive(FromQueryResult)]
        struct Row {
            comment_id: uuid::Uuid,
            placement: String,
            block_id: Option<String>,
            span_start: Option<i32>,
            span_end: Option<i32>,
            quote: Option<String>,
            changed_in: Option<i32>,
            grp: i32,
            pos: i32,
            qstart: i32,
        }
        let statement = thread_page_sql(self.backend(), query)?;
        Row::find_by_statement(statement)
            .all(self.reader().await?)
            .await
            .map_err(map_db_err)?
            .into_iter()
            .map(|row| {
                let comment = CommentId::from_uuid(row.comment_id);
                Ok(PlacedThread {
                    key: ThreadKey {
                        group: u8::try_from(row.grp).map_err(|e| corrupt("group", e))?,
                        position: u32::try_from(row.pos).map_err(|e| corrupt("position", e))?,
                        start: row.qstart,
                        comment,
                    },
                    placement: CommentPlacement {
                        comment,
                        version: query.version,
                        placement: row.placement.parse().map_err(|e| corrupt("placement", e))?,
                        anchor: anchor_of((row.block_id, row.span_start, row.span_end, row.quote))?,
                        changed_in: changed_in(row.changed_in)?,
                    },
                })
            })
            .collect()
    }

    async fn answer_templates(&mut self, committee: CommitteeId) -> Result<Vec<AnswerTemplate>, StoreError> {
        let rows = answer_template::Entity::find()
            .filter(answer_template::Column::CommitteeId.eq(committee.as_uuid()))
            .order_by_asc(answer_template::Column::CreatedAt)
            .order_by_asc(answer_template::Column::Id)
            .all(self.reader().await?)
            .await
            .map_err(map_db_err)?;
        rows.into_iter()
            .map(|row| {
                let bad = |column: &str, e: String| StoreError::Corrupt(format!("answer_templates.{column}: {e}"));
                Ok(AnswerTemplate {
                    id: AnswerTemplateId::from_uuid(row.id),
                    committee: CommitteeId::from_uuid(row.committee_id),
                    name: TemplateName::parse(&row.name).map_err(|e| bad("name", e.to_string()))?,
                    kind: row.disposition.parse().map_err(|e: gopy_domain::organisation::UnknownValue| bad("disposition", e.to_string()))?,
                    text: TemplateText::parse(&row.text).map_err(|e| bad("text", e.to_string()))?,
                    created_by: UserId::from_uuid(row.created_by),
                    created_at: row.created_at,
                })
            })
            .collect()
    }

    async fn insert_answer_template(&mut self, t: &AnswerTemplate) -> Result<(), StoreError> {
        let row = answer_template::ActiveModel {
            id: Set(t.id.as_uuid()),
            committee_id: Set(t.committee.as_uuid()),
            name: Set(t.name.to_string()),
            disposition: Set(t.kind.as_str().to_owned()),
            text: Set(t.text.as_str().to_owned()),
            created_by: Set(t.created_by.as_uuid()),
            created_at: Set(t.created_at),
        };
        answer_template::Entity::insert(row).exec(self.tx().await?).await.map_err(map_db_err)?;
        Ok(())
    }

    async fn delete_answer_template(&mut self, committee: CommitteeId, id: AnswerTemplateId) -> Result<bool, StoreError> {
        let deleted = answer_template::Entity::delete_many()
            .filter(answer_template::Column::Id.eq(id.as_uuid()))
            .filter(answer_template::Column::CommitteeId.eq(committee.as_uuid()))
            .exec(self.tx().await?)
            .await
            .map_err(map_db_err)?;
        Ok(deleted.rows_affected == 1)
    }

    async fn threads_of(&mut self, ids: &[CommentId]) -> Result<Vec<Comment>, StoreError> {
        // Asked even for no thread (`IN` nothing matches nothing), so that a
        // page runs the same statements whatever it shows.
        let ids: Vec<uuid::Uuid> = ids.iter().map(|id| id.as_uuid()).collect();
        comment::Entity::find()
            .filter(
                sea_orm::Condition::any()
                    .add(comment::Column::Id.is_in(ids.clone()))
                    .add(comment::Column::ParentId.is_in(ids)),
            )
            .order_by_asc(comment::Column::CreatedAt)
            .order_by_asc(comment::Column::Id)
            .all(self.reader().await?)
            .await
            .map_err(map_db_err)?
            .into_iter()
            .map(Comment::try_from)
            .collect()
    }
}

/// A statement written in portable SQL, with its values bound in order:
/// the engines differ only in how a placeholder is written.
struct Sql {
    backend: DatabaseBackend,
    text: String,
    values: Vec<Value>,
}

impl Sql {
    fn new(backend: DatabaseBackend) -> Self {
        Self { backend, text: String::new(), values: Vec::new() }
    }

    fn push(&mut self, text: &str) -> &mut Self {
        self.text.push_str(text);
        self
    }

    fn bind(&mut self, value: impl Into<Value>) -> &mut Self {
        self.values.push(value.into());
        if self.backend == DatabaseBackend::Postgres {
            self.text.push_str(&format!("${}", self.values.len()));
        } else {
            self.text.push('?');
        }
        self
    }

    /// `(v1, v2, …)`, for `IN`; `(NULL)` for none, which matches nothing.
    fn bind_list<V: Into<Value>>(&mut self, values: impl IntoIterator<Item = V>) -> &mut Self {
        self.push("(");
        let mut any = false;
        for value in values {
            if any {
                self.push(", ");
            }
            self.bind(value);
            any = true;
        }
        if !any {
            self.push("NULL");
        }
        self.push(")")
    }

    fn statement(self) -> Statement {
        Statement::from_sql_and_values(self.backend, self.text, self.values)
    }
}

/// The page of threads a query asks for. The key of each row (group,
/// position of the passage, start of the quote, comment) is computed in an
/// inner query so the outer one can compare and order by it on both engines.
fn thread_page_sql(backend: DatabaseBackend, query: &ThreadQuery) -> Result<Statement, StoreError> {
    let mut sql = Sql::new(backend);
    sql.push(
        "SELECT * FROM (SELECT p.comment_id AS comment_id, p.placement AS placement, p.block_id AS block_id, \
         p.span_start AS span_start, p.span_end AS span_end, p.quote AS quote, p.changed_in AS changed_in, \
         CASE WHEN p.block_id IS NOT NULL THEN 0 WHEN p.placement = 'outdated' THEN 1 ELSE 2 END AS grp, \
         COALESCE(b.position, 0) AS pos, COALESCE(p.span_start, -1) AS qstart \
         FROM comment_placements p JOIN comments c ON c.id = p.comment_id \
         LEFT JOIN block_labels b ON b.version_id = p.version_id AND b.block_id = p.block_id \
         WHERE p.version_id = ",
    );
    sql.bind(query.version.as_uuid());
    match &query.passages {
        Passages::Blocks(blocks) => {
            sql.push(" AND p.block_id IN ");
            sql.bind_list(blocks.iter().map(|b| b.to_string()));
        }
        Passages::Whole => {
            sql.push(" AND p.block_id IS NULL AND p.placement <> 'outdated'");
        }
        Passages::Outdated => {
            sql.push(" AND p.block_id IS NULL AND p.placement = 'outdated'");
        }
        Passages::All => {}
    }
    let filter = &query.filter;
    // Who may not see the team's drafts sees an answer not yet published
    // as no answer at all.
    let unanswered = if filter.drafts_hidden {
        " AND c.withdrawn_at IS NULL AND (c.disposition IS NULL OR c.answer_published_at IS NULL)"
    } else {
        " AND c.withdrawn_at IS NULL AND c.disposition IS NULL"
    };
    if filter.awaiting {
        sql.push(unanswered);
    }
    if let Some(authors) = &filter.authors {
        sql.push(" AND c.author_id IN ");
        sql.bind_list(authors.iter().map(|a| a.as_uuid()));
    }
    if let Some(comments) = &filter.comments {
        sql.push(" AND c.id IN ");
        sql.bind_list(comments.iter().map(|c| c.as_uuid()));
    }
    match filter.state {
        None => {}
        Some(ThreadState::Unanswered) => {
            sql.push(unanswered);
        }
        Some(ThreadState::Answered(kind)) => {
            if filter.drafts_hidden {
                sql.push(" AND c.answer_published_at IS NOT NULL");
            }
            sql.push(" AND c.withdrawn_at IS NULL AND c.disposition = ");
            sql.bind(kind.as_str());
        }
        Some(ThreadState::Withdrawn) => {
            sql.push(" AND c.withdrawn_at IS NOT NULL");
        }
    }
    sql.push(") t");
    if let Some(key) = query.after {
        let (group, position, start, id) = (i32::from(key.group), key_position(key.position)?, key.start, key.comment.as_uuid());
        sql.push(" WHERE t.grp > ").bind(group);
        sql.push(" OR (t.grp = ").bind(group).push(" AND t.pos > ").bind(position).push(")");
        sql.push(" OR (t.grp = ").bind(group).push(" AND t.pos = ").bind(position);
        sql.push(" AND t.qstart > ").bind(start).push(")");
        sql.push(" OR (t.grp = ").bind(group).push(" AND t.pos = ").bind(position);
        sql.push(" AND t.qstart = ").bind(start).push(" AND t.comment_id > ").bind(id).push(")");
    }
    sql.push(" ORDER BY t.grp, t.pos, t.qstart, t.comment_id LIMIT ");
    sql.bind(i64::try_from(query.limit).map_err(|e| StoreError::Other(format!("page size: {e}")))?);
    Ok(sql.statement())
}

fn key_position(position: u32) -> Result<i32, StoreError> {
    i32::try_from(position).map_err(|e| StoreError::Other(format!("thread key position: {e}")))
}

async fn insert_labels(db: &impl ConnectionTrait, version: VersionId, labels: &[(BlockId, String)]) -> Result<(), StoreError> {
    // In slices, under the engines' limits on bound parameters.
    for (slice, chunk) in labels.chunks(500).enumerate() {
        let rows = chunk
            .iter()
            .enumerate()
            .map(|(i, (block, label))| {
                Ok(block_label::ActiveModel {
                    version_id: Set(version.as_uuid()),
                    block_id: Set(block.to_string()),
                    position: Set(i32::try_from(slice * 500 + i).map_err(|e| StoreError::Other(format!("block position: {e}")))?),
                    label: Set(label.clone()),
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        block_label::Entity::insert_many(rows).exec(db).await.map_err(map_db_err)?;
    }
    Ok(())
}

/// Gives the versions made before labels were stored their labels, once
/// (a version that has rows is left alone): run after migrating.
pub(crate) async fn fill_block_labels(db: &impl ConnectionTrait) -> Result<usize, StoreError> {
    #[derive(FromQueryResult)]
    struct Unlabelled {
        id: uuid::Uuid,
        blocks: String,
    }
    let statement = Statement::from_string(
        db.get_database_backend(),
        "SELECT v.id AS id, v.blocks AS blocks FROM versions v \
         WHERE NOT EXISTS (SELECT 1 FROM block_labels b WHERE b.version_id = v.id) ORDER BY v.id",
    );
    let versions = Unlabelled::find_by_statement(statement).all(db).await.map_err(map_db_err)?;
    let mut filled = 0;
    for version in versions {
        let blocks: Vec<gopy_domain::document::Block> =
            serde_json::from_str(&version.blocks).map_err(|e| StoreError::Corrupt(format!("versions.blocks: {e}")))?;
        if blocks.is_empty() {
            continue;
        }
        let labels = gopy_domain::document::label::citation_labels(blocks.iter().map(|b| &b.content));
        let labelled: Vec<(BlockId, String)> = blocks.into_iter().map(|b| b.id).zip(labels).collect();
        insert_labels(db, VersionId::from_uuid(version.id), &labelled).await?;
        filled += 1;
    }
    Ok(filled)
}
