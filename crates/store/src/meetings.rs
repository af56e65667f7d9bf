//! Meetings, as the use cases' [`MeetingStore`]. A meeting is read whole
//! and written as the difference from what is stored: only the child rows
//! that changed are written, under the meeting's revision, so two people
//! at the same meeting cannot undo each other's entries unseen.

use std::collections::HashMap;

use async_trait::async_trait;
use gopy_app::StoreError;
use gopy_app::ports::MeetingStore;
use gopy_domain::{
    ActionItem, ActionItemId, AgendaItem, AgendaItemId, DraftAt, Assignee, Attendance, BodyId, Cancellation, CommentId, CommentText,
    CommitteeId, Conclusion, ConclusionText, Meeting, MeetingId, MinuteEntry, MinuteEntryId, Presence, ReportId,
    Title, UserId,
};
use sea_orm::ActiveValue::Set;
use sea_orm::{
    ActiveModelBehavior, ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder, Select,
};
use uuid::Uuid;

use crate::entity::{action_assignee, action_item, agenda_item, meeting, meeting_person, minute_entry};
use crate::error::map_db_err;
use crate::unit_of_work::SeaUnitOfWork;

fn corrupt(column: &str, err: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("meetings.{column}: {err}"))
}

fn position(i: usize) -> Result<i32, StoreError> {
    i32::try_from(i + 1).map_err(|e| StoreError::Other(format!("position: {e}")))
}

fn count(column: &str, raw: i32) -> Result<u32, StoreError> {
    u32::try_from(raw).map_err(|e| corrupt(column, e))
}

fn title(column: &str, raw: &str) -> Result<Title, StoreError> {
    Title::parse(raw).map_err(|e| corrupt(column, e))
}

fn text(column: &str, raw: &str) -> Result<CommentText, StoreError> {
    CommentText::parse(raw).map_err(|e| corrupt(column, e))
}

/// Every row of one meeting, or of all meetings, before assembly.
#[derive(Default)]
struct Rows {
    people: HashMap<Uuid, Vec<meeting_person::Model>>,
    agenda: HashMap<Uuid, Vec<agenda_item::Model>>,
    minutes: HashMap<Uuid, Vec<minute_entry::Model>>,
    actions: HashMap<Uuid, Vec<action_item::Model>>,
    assignees: HashMap<Uuid, Vec<action_assignee::Model>>,
}

fn grouped<M>(rows: Vec<M>, key: impl Fn(&M) -> Uuid) -> HashMap<Uuid, Vec<M>> {
    let mut map: HashMap<Uuid, Vec<M>> = HashMap::new();
    for row in rows {
        map.entry(key(&row)).or_default().push(row);
    }
    map
}

impl SeaUnitOfWork {
    /// The child rows of the meetings `only` names, or of every meeting.
    async fn child_rows(&mut self, only: Option<Uuid>) -> Result<Rows, StoreError> {
        fn scoped<E: EntityTrait>(select: Select<E>, column: impl ColumnTrait, only: Option<Uuid>) -> Select<E> {
            match only {
                Some(id) => select.filter(column.eq(id)),
                None => select,
            }
        }
        let people = scoped(meeting_person::Entity::find(), meeting_person::Column::MeetingId, only)
            .order_by_asc(meeting_person::Column::UserId)
            .all(self.reader().await?)
            .await
            .map_err(map_db_err)?;
        let agenda = scoped(agenda_item::Entity::find(), agenda_item::Column::MeetingId, only)
            .order_by_asc(agenda_item::Column::Position)
            .all(self.reader().await?)
            .await
            .map_err(map_db_err)?;
        let minutes = scoped(minute_entry::Entity::find(), minute_entry::Column::MeetingId, only)
            .order_by_asc(minute_entry::Column::Position)
            .all(self.reader().await?)
            .await
            .map_err(map_db_err)?;
        let actions = scoped(action_item::Entity::find(), action_item::Column::MeetingId, only)
            .order_by_asc(action_item::Column::Position)
            .all(self.reader().await?)
            .await
            .map_err(map_db_err)?;
        let action_ids: Vec<Uuid> = actions.iter().map(|a| a.id).collect();
        let mut assignees = Vec::new();
        // In slices, under the engines' limits on bound parameters.
        for chunk in action_ids.chunks(500) {
            assignees.extend(
                action_assignee::Entity::find()
                    .filter(action_assignee::Column::ActionItemId.is_in(chunk.iter().copied()))
                    .order_by_asc(action_assignee::Column::ActionItemId)
                    .order_by_asc(action_assignee::Column::Position)
                    .all(self.reader().await?)
                    .await
                    .map_err(map_db_err)?,
            );
        }
        Ok(Rows {
            people: grouped(people, |r| r.meeting_id),
            agenda: grouped(agenda, |r| r.meeting_id),
            minutes: grouped(minutes, |r| r.meeting_id),
            actions: grouped(actions, |r| r.meeting_id),
            assignees: grouped(assignees, |r| r.action_item_id),
        })
    }
}

fn assemble(row: meeting::Model, rows: &mut Rows) -> Result<Meeting, StoreError> {
    let people = rows.people.remove(&row.id).unwrap_or_default();
    let mut invited: Vec<(i32, UserId)> =
        people.iter().filter_map(|p| p.invited_position.map(|n| (n, UserId::from_uuid(p.user_id)))).collect();
    invited.sort_by_key(|(n, _)| *n);
    let mut attendance = Vec::new();
    for p in &people {
        let Some(n) = p.attendance_position else { continue };
        let presence = match (p.presence.as_deref(), &p.absence_reason, p.represented_by) {
            (Some("present"), _, _) => Presence::Present,
            (Some("absent"), Some(reason), _) => Presence::Absent { reason: text("absence_reason", reason)? },
            (Some("represented"), _, Some(by)) => Presence::Represented { by: UserId::from_uuid(by) },
            (other, _, _) => return Err(corrupt("presence", format!("{other:?} without its detail"))),
        };
        attendance.push((n, Attendance { person: UserId::from_uuid(p.user_id), presence }));
    }
    attendance.sort_by_key(|(n, _)| *n);
    let agenda = rows
        .agenda
        .remove(&row.id)
        .unwrap_or_default()
        .into_iter()
        .map(|a| {
            Ok(AgendaItem {
                id: AgendaItemId::from_uuid(a.id),
                position: count("agenda position", a.position)?,
                title: title("agenda title", &a.title)?,
                presenter: BodyId::from_uuid(a.presenter_id),
                report: a.report_id.map(ReportId::from_uuid),
                minutes_allotted: count("minutes_allotted", a.minutes_allotted)?,
                about: DraftAt {
                    version: a.version_number.map(|n| count("agenda version", n)).transpose()?,
                    round: a.round_number.map(|n| count("agenda round", n)).transpose()?,
                },
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    let minutes = rows
        .minutes
        .remove(&row.id)
        .unwrap_or_default()
        .into_iter()
        .map(|m| {
            Ok(MinuteEntry {
                id: MinuteEntryId::from_uuid(m.id),
                agenda_item: AgendaItemId::from_uuid(m.agenda_item_id),
                speaker: UserId::from_uuid(m.speaker_id),
                summary: text("summary", &m.summary)?,
                comment: m.comment_id.map(CommentId::from_uuid),
                recorded_by: UserId::from_uuid(m.recorded_by),
                recorded_at: m.recorded_at,
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    let actions = rows
        .actions
        .remove(&row.id)
        .unwrap_or_default()
        .into_iter()
        .map(|a| {
            let assignees = rows
                .assignees
                .remove(&a.id)
                .unwrap_or_default()
                .into_iter()
                .map(|r| match (r.body_id, r.user_id) {
                    (Some(body), None) => Ok(Assignee::Body(BodyId::from_uuid(body))),
                    (None, Some(user)) => Ok(Assignee::Person(UserId::from_uuid(user))),
                    _ => Err(corrupt("action_assignees", "exactly one of a body and a person")),
                })
                .collect::<Result<Vec<_>, StoreError>>()?;
            Ok(ActionItem {
                id: ActionItemId::from_uuid(a.id),
                position: count("action position", a.position)?,
                text: text("action text", &a.text)?,
                assignees,
                deadline: a.deadline,
                status: a.status.parse().map_err(|e| corrupt("action status", e))?,
                note: a.note.as_deref().map(|n| text("action note", n)).transpose()?,
                done_at: a.done_at,
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    let conclusion = match (row.conclusion, row.conclusion_by, row.conclusion_at) {
        (None, _, _) => None,
        (Some(raw), Some(by), Some(at)) => Some(Conclusion {
            text: ConclusionText::parse(&raw).map_err(|e| corrupt("conclusion", e))?,
            written_by: UserId::from_uuid(by),
            written_at: at,
        }),
        _ => return Err(corrupt("conclusion", "a conclusion without who wrote it and when")),
    };
    Ok(Meeting {
        id: MeetingId::from_uuid(row.id),
        committee: CommitteeId::from_uuid(row.committee_id),
        title: title("title", &row.title)?,
        starts_at: row.starts_at,
        ends_at: row.ends_at,
        place: title("place", &row.place)?,
        presiding: UserId::from_uuid(row.presiding_id),
        invited: invited.into_iter().map(|(_, u)| u).collect(),
        attendance: attendance.into_iter().map(|(_, a)| a).collect(),
        agenda,
        minutes,
        conclusion,
        actions,
        status: row.status.parse().map_err(|e| corrupt("status", e))?,
        approved_by: row.approved_by.map(UserId::from_uuid),
        approved_at: row.approved_at,
        created_by: UserId::from_uuid(row.created_by),
        created_at: row.created_at,
        revision: u32::try_from(row.revision).map_err(|e| corrupt("revision", e))?,
        sequence: u32::try_from(row.sequence).map_err(|e| corrupt("sequence", e))?,
        cancellation: match (row.cancel_reason, row.cancelled_by, row.cancelled_at) {
            (None, _, _) => None,
            (Some(reason), Some(by), Some(at)) => {
                Some(Cancellation { reason: text("cancel_reason", &reason)?, by: UserId::from_uuid(by), at })
            }
            _ => return Err(corrupt("cancel_reason", "a cancellation without who made it and when")),
        },
    })
}

fn meeting_row(m: &Meeting) -> meeting::ActiveModel {
    let c = m.conclusion.as_ref();
    meeting::ActiveModel {
        id: Set(m.id.as_uuid()),
        committee_id: Set(m.committee.as_uuid()),
        title: Set(m.title.to_string()),
        starts_at: Set(m.starts_at),
        ends_at: Set(m.ends_at),
        place: Set(m.place.to_string()),
        presiding_id: Set(m.presiding.as_uuid()),
        status: Set(m.status.as_str().to_owned()),
        conclusion: Set(c.map(|c| c.text.to_string())),
        conclusion_by: Set(c.map(|c| c.written_by.as_uuid())),
        conclusion_at: Set(c.map(|c| c.written_at)),
        approved_by: Set(m.approved_by.map(|u| u.as_uuid())),
        approved_at: Set(m.approved_at),
        created_by: Set(m.created_by.as_uuid()),
        created_at: Set(m.created_at),
        // Set by the write: where it is checked and moved on.
        revision: sea_orm::ActiveValue::NotSet,
        sequence: Set(i32::try_from(m.sequence).unwrap_or(i32::MAX)),
        cancel_reason: Set(m.cancellation.as_ref().map(|c| c.reason.to_string())),
        cancelled_by: Set(m.cancellation.as_ref().map(|c| c.by.as_uuid())),
        cancelled_at: Set(m.cancellation.as_ref().map(|c| c.at)),
    }
}

/// The people rows: the invited and the attending, each with its place in its list.
fn people_rows(m: &Meeting) -> Result<Vec<meeting_person::Model>, StoreError> {
    let mut people: Vec<UserId> = m.invited.clone();
    people.extend(m.attendance.iter().map(|a| a.person).filter(|p| !m.invited.contains(p)));
    people
        .iter()
        .map(|person| {
            let invited = m.invited.iter().position(|p| p == person).map(position).transpose()?;
            let attended = m.attendance.iter().position(|a| a.person == *person);
            let attendance_position = attended.map(position).transpose()?;
            let presence = attended.map(|i| &m.attendance[i].presence);
            Ok(meeting_person::Model {
                meeting_id: m.id.as_uuid(),
                user_id: person.as_uuid(),
                invited_position: invited,
                attendance_position,
                presence: presence.map(|p| p.as_str().to_owned()),
                absence_reason: match presence {
                    Some(Presence::Absent { reason }) => Some(reason.to_string()),
                    _ => None,
                },
                represented_by: match presence {
                    Some(Presence::Represented { by }) => Some(by.as_uuid()),
                    _ => None,
                },
            })
        })
        .collect()
}

/// The agenda, minutes and action rows of a meeting as they should be stored.
fn agenda_rows(m: &Meeting) -> Result<Vec<agenda_item::Model>, StoreError> {
    let int = |n: u32| i32::try_from(n).map_err(|e| StoreError::Other(e.to_string()));
    m.agenda
        .iter()
        .map(|a| {
            Ok(agenda_item::Model {
                id: a.id.as_uuid(),
                meeting_id: m.id.as_uuid(),
                position: int(a.position)?,
                title: a.title.to_string(),
                presenter_id: a.presenter.as_uuid(),
                report_id: a.report.map(|r| r.as_uuid()),
                minutes_allotted: int(a.minutes_allotted)?,
                version_number: a.about.version.map(int).transpose()?,
                round_number: a.about.round.map(int).transpose()?,
            })
        })
        .collect()
}

fn minute_rows(m: &Meeting) -> Result<Vec<minute_entry::Model>, StoreError> {
    m.minutes
        .iter()
        .enumerate()
        .map(|(i, e)| {
            Ok(minute_entry::Model {
                id: e.id.as_uuid(),
                meeting_id: m.id.as_uuid(),
                position: position(i)?,
                agenda_item_id: e.agenda_item.as_uuid(),
                speaker_id: e.speaker.as_uuid(),
                summary: e.summary.to_string(),
                comment_id: e.comment.map(|c| c.as_uuid()),
                recorded_by: e.recorded_by.as_uuid(),
                recorded_at: e.recorded_at,
            })
        })
        .collect()
}

fn action_rows(m: &Meeting) -> Result<(Vec<action_item::Model>, Vec<action_assignee::Model>), StoreError> {
    let mut actions = Vec::new();
    let mut assignees = Vec::new();
    for a in &m.actions {
        actions.push(action_item::Model {
            id: a.id.as_uuid(),
            meeting_id: m.id.as_uuid(),
            position: i32::try_from(a.position).map_err(|e| StoreError::Other(e.to_string()))?,
            text: a.text.to_string(),
            deadline: a.deadline,
            status: a.status.as_str().to_owned(),
            note: a.note.as_ref().map(ToString::to_string),
            done_at: a.done_at,
        });
        for (i, who) in a.assignees.iter().enumerate() {
            let (body, user) = match who {
                Assignee::Body(b) => (Some(b.as_uuid()), None),
                Assignee::Person(p) => (None, Some(p.as_uuid())),
            };
            assignees.push(action_assignee::Model {
                action_item_id: a.id.as_uuid(),
                position: position(i)?,
                body_id: body,
                user_id: user,
            });
        }
    }
    Ok((actions, assignees))
}

/// What differs between the rows stored and the rows wanted, by key.
struct Diff<M> {
    gone: Vec<M>,
    changed: Vec<M>,
    added: Vec<M>,
}

fn take<M>(map: &mut HashMap<Uuid, Vec<M>>, key: &Uuid) -> Vec<M> {
    map.remove(key).unwrap_or_default()
}

fn diff<M: PartialEq, K: Eq + std::hash::Hash>(stored: Vec<M>, wanted: Vec<M>, key: impl Fn(&M) -> K) -> Diff<M> {
    let mut stored: HashMap<K, M> = stored.into_iter().map(|m| (key(&m), m)).collect();
    let (mut changed, mut added) = (Vec::new(), Vec::new());
    for row in wanted {
        match stored.remove(&key(&row)) {
            Some(old) if old == row => {}
            Some(_) => changed.push(row),
            None => added.push(row),
        }
    }
    Diff { gone: stored.into_values().collect(), changed, added }
}

impl SeaUnitOfWork {
    async fn delete_rows<E, A>(&mut self, rows: Vec<E::Model>) -> Result<(), StoreError>
    where
        E: EntityTrait,
        E::Model: IntoActiveModel<A>,
        A: ActiveModelTrait<Entity = E> + ActiveModelBehavior + Send,
    {
        for row in rows {
            E::delete(row.into_active_model()).exec(self.tx().await?).await.map_err(map_db_err)?;
        }
        Ok(())
    }

    async fn write_rows<E, A>(&mut self, changed: Vec<E::Model>, added: Vec<E::Model>) -> Result<(), StoreError>
    where
        E: EntityTrait,
        E::Model: IntoActiveModel<A>,
        A: ActiveModelTrait<Entity = E> + ActiveModelBehavior + Send,
    {
        for row in changed {
            E::update(row.into_active_model().reset_all()).exec(self.tx().await?).await.map_err(map_db_err)?;
        }
        if !added.is_empty() {
            E::insert_many(added.into_iter().map(|r| r.into_active_model().reset_all()))
                .exec(self.tx().await?)
                .await
                .map_err(map_db_err)?;
        }
        Ok(())
    }
}

#[async_trait]
impl MeetingStore for SeaUnitOfWork {
    /// Writes the meeting if it is still at the revision it was read at,
    /// and moves it on by one; a meeting changed meanwhile is refused as
    /// stale. The meeting's row is written first: on PostgreSQL its lock
    /// keeps a second writer waiting until this one is over, and that one
    /// then finds the revision moved. Of the child rows, only those that
    /// changed are written, so no row is removed and put back.
    async fn save_meeting(&mut self, m: &mut Meeting) -> Result<(), StoreError> {
        let id = m.id.as_uuid();
        let read_at = i32::try_from(m.revision).map_err(|e| StoreError::Other(format!("revision: {e}")))?;
        let mut row = meeting_row(m);
        row.revision = Set(read_at + 1);
        let updated = meeting::Entity::update_many()
            .set(row)
            .filter(meeting::Column::Id.eq(id))
            .filter(meeting::Column::Revision.eq(read_at))
            .exec(self.tx().await?)
            .await
            .map_err(map_db_err)?;
        let stored = if updated.rows_affected == 1 {
            m.revision += 1;
            self.child_rows(Some(id)).await?
        } else if meeting::Entity::find_by_id(id).one(self.reader().await?).await.map_err(map_db_err)?.is_some() {
            return Err(StoreError::Stale { what: "meeting" });
        } else {
            let mut row = meeting_row(m);
            row.revision = Set(read_at);
            meeting::Entity::insert(row).exec(self.tx().await?).await.map_err(map_db_err)?;
            Rows::default()
        };
        let mut stored = stored;
        let people = diff(take(&mut stored.people, &id), people_rows(m)?, |r: &meeting_person::Model| r.user_id);
        let agenda = diff(take(&mut stored.agenda, &id), agenda_rows(m)?, |r: &agenda_item::Model| r.id);
        let minutes = diff(take(&mut stored.minutes, &id), minute_rows(m)?, |r: &minute_entry::Model| r.id);
        let (actions_wanted, assignees_wanted) = action_rows(m)?;
        let assignees_stored: Vec<action_assignee::Model> = stored.assignees.into_values().flatten().collect();
        let actions = diff(take(&mut stored.actions, &id), actions_wanted, |r: &action_item::Model| r.id);
        let assignees = diff(assignees_stored, assignees_wanted, |r: &action_assignee::Model| (r.action_item_id, r.position));

        // Removals first, children before the rows their foreign keys name;
        // then changes and additions, parents first.
        self.delete_rows::<action_assignee::Entity, _>(assignees.gone).await?;
        self.delete_rows::<action_item::Entity, _>(actions.gone).await?;
        self.delete_rows::<minute_entry::Entity, _>(minutes.gone).await?;
        self.delete_rows::<agenda_item::Entity, _>(agenda.gone).await?;
        self.delete_rows::<meeting_person::Entity, _>(people.gone).await?;
        self.write_rows::<meeting_person::Entity, _>(people.changed, people.added).await?;
        self.write_rows::<agenda_item::Entity, _>(agenda.changed, agenda.added).await?;
        self.write_rows::<minute_entry::Entity, _>(minutes.changed, minutes.added).await?;
        self.write_rows::<action_item::Entity, _>(actions.changed, actions.added).await?;
        self.write_rows::<action_assignee::Entity, _>(assignees.changed, assignees.added).await?;
        Ok(())
    }

    async fn find_meeting(&mut self, id: MeetingId) -> Result<Option<Meeting>, StoreError> {
        let Some(row) = meeting::Entity::find_by_id(id.as_uuid()).one(self.reader().await?).await.map_err(map_db_err)? else {
            return Ok(None);
        };
        let mut rows = self.child_rows(Some(row.id)).await?;
        assemble(row, &mut rows).map(Some)
    }

    async fn list_meetings(&mut self) -> Result<Vec<Meeting>, StoreError> {
        let meetings = meeting::Entity::find()
            .order_by_desc(meeting::Column::StartsAt)
            .order_by_desc(meeting::Column::Id)
            .all(self.reader().await?)
            .await
            .map_err(map_db_err)?;
        let mut rows = self.child_rows(None).await?;
        meetings.into_iter().map(|row| assemble(row, &mut rows)).collect()
    }
}
