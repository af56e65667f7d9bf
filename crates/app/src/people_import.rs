//! People in bulk: an admin imports the list of people an office keeps
//! (.xlsx or CSV: name, e-mail, body, title, a committee seat, language).
//!
//! One use case, two ways: as a preview (nothing stored) and for real. Both
//! read the file and check every row whole against the organisation as it
//! stands, in one unit of work, so the preview shows what storing would do:
//! each row new, changed (with what changes) or unchanged, or its problems
//! cell by cell. Storing stores everything or nothing: a file with a single
//! row in error stores nothing, and says so for every row.
//!
//! The rules where a list meets the organisation:
//!
//! - a person is known by their e-mail, whatever its case; two rows with one
//!   address are refused (the second names the first);
//! - bodies and committees are provisioned first: a name the organisation
//!   does not know is a row error, not a new body (a typo would otherwise
//!   found a new department). Names match whatever their case, normal form
//!   or spacing, and without tones when that leaves a single match;
//! - a seat needs both a committee and a role from the closed list (the
//!   domain's [`CommitteeRole`], by its Vietnamese or English label or its
//!   stored name); one without the other is an error on the empty cell;
//! - a column the file lacks leaves that field of an existing person alone;
//!   a column present with an empty cell says "none" (title, body). An
//!   empty language keeps an existing person's, and is Vietnamese for a new
//!   one, as in the invitation form. A seat is added or its role changed;
//!   seats the file does not name are kept: a list is not a resignation;
//! - an existing person is changed only where a cell differs, so the same
//!   file imported twice changes nothing (and writes nothing, not even an
//!   audit event);
//! - a new person is invited as one invited by hand is (the same use case
//!   code: their record, the invitation link in the outbox, their audit
//!   events); the import itself adds one `people.imported` event.

use std::collections::HashMap;

use gopy_documents::{PeopleColumn, PeopleSheet, SheetFormat, SheetLimits, SheetRow, header_key, read_people_sheet};
use gopy_domain::text::{TextError, fold, nfc};
use gopy_domain::{
    Action, Actor, Body, BodyId, Committee, CommitteeId, CommitteeRole, Email, Language, Membership, MembershipId, Name,
    Resource, User, UserId, authorize,
};
use serde_json::json;
use sha2::{Digest, Sha256};
use tracing::instrument;

use crate::{App, AppError, InvalidReason, Offer, UnitOfWork, WhyNot, new_id};

/// A list read and checked: what storing it does, row by row.
#[derive(Clone, Debug)]
pub struct PeopleImport {
    /// SHA-256 of the file, in hex: which file it was, for the audit trail.
    pub file_hash: String,
    pub format: SheetFormat,
    /// The columns found, with their headers as written.
    pub columns: Vec<(PeopleColumn, String)>,
    pub rows: Vec<ImportRow>,
    /// Whether this call stored it.
    pub stored: bool,
    /// The import's id once stored: the subject of its audit event.
    pub id: Option<uuid::Uuid>,
    /// Whether it may be stored: no when a row is in error or nothing would change.
    pub store: Offer,
}

/// One row and what it does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportRow {
    /// Its number in the sheet, as Excel shows it (or its line in the CSV).
    pub number: usize,
    /// The cells of the columns found, as read (NFC, trimmed).
    pub cells: Vec<(PeopleColumn, String)>,
    pub outcome: RowOutcome,
}

impl ImportRow {
    pub fn cell(&self, column: PeopleColumn) -> Option<&str> {
        self.cells.iter().find(|(c, _)| *c == column).map(|(_, v)| v.as_str())
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RowOutcome {
    New,
    Changed(Vec<FieldChange>),
    Unchanged,
    Invalid(Vec<CellProblem>),
}

/// One field of an existing person the row changes. Values are as shown:
/// names, a language's code, a seat's role by its stored name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldChange {
    pub column: PeopleColumn,
    pub from: Option<String>,
    pub to: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CellProblem {
    pub column: PeopleColumn,
    pub problem: RowProblem,
}

/// Why a row cannot be stored, for one of its cells.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RowProblem {
    /// The cell is empty, or its column missing, and it is needed.
    Missing,
    /// A name, title or address refused by the domain's rules.
    Text(TextError),
    /// The address is on an earlier row already.
    DuplicateEmail { first_row: usize },
    /// No body of that name.
    UnknownBody,
    /// No committee of that name.
    UnknownCommittee,
    /// Not one of the seats' roles.
    UnknownSeat,
    /// Not `vi` or `en` (or their names).
    UnknownLanguage,
}

/// A row's person as it will be stored.
struct Planned {
    /// `None` for a new person.
    existing: Option<User>,
    user: User,
    seat: Option<SeatPlan>,
}

enum SeatPlan {
    Add(CommitteeId, CommitteeRole),
    Change(Membership, CommitteeRole),
}

/// What the organisation holds that rows are checked against.
struct Known {
    people: HashMap<String, User>,
    bodies: Vec<Body>,
    committees: Vec<Committee>,
    /// Seats on the committees the file names, by committee and person.
    seats: HashMap<(CommitteeId, UserId), Membership>,
}

impl App {
    /// Whether `actor` may import people: the upload page asks before it shows.
    pub fn may_import_people(&self, actor: &Actor) -> Result<(), AppError> {
        authorize(actor, Action::InvitePerson, Resource::Organisation)?;
        Ok(())
    }

    /// Reads a list of people and checks every row; stores it when `store`
    /// and every row is right, in one unit of work.
    #[instrument(skip(self, actor, file), fields(file.bytes = file.len()))]
    pub async fn import_people(
        &self,
        actor: &Actor,
        file: &[u8],
        limits: &SheetLimits,
        store: bool,
    ) -> Result<PeopleImport, AppError> {
        authorize(actor, Action::InvitePerson, Resource::Organisation)?;
        if file.is_empty() {
            return Err(AppError::invalid("file", InvalidReason::Missing));
        }
        let sheet = read_people_sheet(file, limits).map_err(|e| AppError::invalid("file", InvalidReason::Sheet(e)))?;
        let file_hash = hex(&Sha256::digest(file));
        let mut uow = if store { self.store.begin().await? } else { self.store.begin_read().await? };
        let known = known(uow.as_mut(), &sheet).await?;
        for committee in &known.committees {
            if sheet.rows.iter().any(|r| r.cell(PeopleColumn::Committee).is_some_and(|c| same_name(c, committee.name.as_str()))) {
                authorize(actor, Action::ManageMemberships, Resource::Committee(committee.id))?;
            }
        }
        let mut rows = Vec::with_capacity(sheet.rows.len());
        let mut plans = Vec::new();
        let mut first_row_of: HashMap<String, usize> = HashMap::new();
        for row in &sheet.rows {
            let (outcome, plan) = self.check_row(row, &known, &mut first_row_of);
            rows.push(ImportRow {
                number: row.number,
                cells: sheet.columns.iter().map(|(c, _)| (*c, row.cell(*c).unwrap_or_default().to_owned())).collect(),
                outcome,
            });
            plans.extend(plan);
        }
        let invalid = rows.iter().filter(|r| matches!(r.outcome, RowOutcome::Invalid(_))).count();
        let offer = if invalid > 0 {
            Offer::No(WhyNot::RowsInvalid { rows: invalid })
        } else if plans.is_empty() {
            Offer::No(WhyNot::NothingToChange)
        } else {
            Offer::Yes
        };
        let mut import = PeopleImport { file_hash, format: sheet.format, columns: sheet.columns.clone(), rows, stored: false, id: None, store: offer };
        if !store || !import.store.is_yes() {
            return Ok(import);
        }
        let id = new_id();
        self.store_people(uow.as_mut(), actor.user, id, &import, plans).await?;
        uow.commit().await?;
        import.stored = true;
        import.id = Some(id);
        Ok(import)
    }

    /// Checks one row whole: every problem of it at once, or what it does.
    fn check_row(
        &self,
        row: &SheetRow,
        known: &Known,
        first_row_of: &mut HashMap<String, usize>,
    ) -> (RowOutcome, Option<Planned>) {
        let mut problems = Vec::new();
        let mut problem = |column, problem| problems.push(CellProblem { column, problem });
        let given = |column| row.cell(column).filter(|v| !v.is_empty());

        let name = match given(PeopleColumn::Name).map(Name::parse) {
            None => {
                problem(PeopleColumn::Name, RowProblem::Missing);
                None
            }
            Some(Err(e)) => {
                problem(PeopleColumn::Name, RowProblem::Text(e));
                None
            }
            Some(Ok(name)) => Some(name),
        };
        let email = match given(PeopleColumn::Email).map(Email::parse) {
            None => {
                problem(PeopleColumn::Email, RowProblem::Missing);
                None
            }
            Some(Err(e)) => {
                problem(PeopleColumn::Email, RowProblem::Text(e));
                None
            }
            Some(Ok(email)) => match first_row_of.get(email.as_str()) {
                Some(first) => {
                    problem(PeopleColumn::Email, RowProblem::DuplicateEmail { first_row: *first });
                    None
                }
                None => {
                    first_row_of.insert(email.as_str().to_owned(), row.number);
                    Some(email)
                }
            },
        };
        // `None`: the column is absent (leave alone); `Some(None)`: empty (none).
        let title = match row.cell(PeopleColumn::Title) {
            None => None,
            Some("") => Some(None),
            Some(title) => match Name::parse(title) {
                Ok(title) => Some(Some(title)),
                Err(e) => {
                    problem(PeopleColumn::Title, RowProblem::Text(e));
                    None
                }
            },
        };
        let body = match row.cell(PeopleColumn::Body) {
            None => None,
            Some("") => Some(None),
            Some(body) => match find_by_name(&known.bodies, body, |b| b.name.as_str()) {
                Some(body) => Some(Some(body.id)),
                None => {
                    problem(PeopleColumn::Body, RowProblem::UnknownBody);
                    None
                }
            },
        };
        let language = match given(PeopleColumn::Language) {
            None => None,
            Some(language) => match language_of(language) {
                Some(language) => Some(language),
                None => {
                    problem(PeopleColumn::Language, RowProblem::UnknownLanguage);
                    None
                }
            },
        };
        let committee = given(PeopleColumn::Committee).map(|c| find_by_name(&known.committees, c, |c| c.name.as_str()));
        let role = given(PeopleColumn::Seat).map(seat_of);
        let seat = match (committee, role) {
            (None, None) => None,
            (committee, role) => {
                match committee {
                    None => problem(PeopleColumn::Committee, RowProblem::Missing),
                    Some(None) => problem(PeopleColumn::Committee, RowProblem::UnknownCommittee),
                    Some(Some(_)) => {}
                }
                match role {
                    None => problem(PeopleColumn::Seat, RowProblem::Missing),
                    Some(None) => problem(PeopleColumn::Seat, RowProblem::UnknownSeat),
                    Some(Some(_)) => {}
                }
                match (committee, role) {
                    (Some(Some(committee)), Some(Some(role))) => Some((committee.id, role)),
                    _ => None,
                }
            }
        };
        let (Some(name), Some(email), true) = (name, email, problems.is_empty()) else {
            return (RowOutcome::Invalid(problems), None);
        };

        let Some(existing) = known.people.get(email.as_str()) else {
            let user = User {
                id: UserId::from_uuid(new_id()),
                email,
                name,
                title: title.flatten(),
                body: body.flatten(),
                language: language.unwrap_or_default(),
                time_zone: User::DEFAULT_TIME_ZONE.to_owned(),
                active: true,
                created_at: self.now(),
            };
            let seat = seat.map(|(committee, role)| SeatPlan::Add(committee, role));
            return (RowOutcome::New, Some(Planned { existing: None, user, seat }));
        };
        let mut user = existing.clone();
        let mut changes = Vec::new();
        let mut change = |column, from: Option<String>, to: Option<String>| {
            if from != to {
                changes.push(FieldChange { column, from, to });
            }
        };
        change(PeopleColumn::Name, Some(existing.name.to_string()), Some(name.to_string()));
        user.name = name;
        if let Some(title) = title {
            change(PeopleColumn::Title, existing.title.as_ref().map(ToString::to_string), title.as_ref().map(ToString::to_string));
            user.title = title;
        }
        if let Some(body) = body {
            let name_of = |id: Option<BodyId>| id.and_then(|id| known.bodies.iter().find(|b| b.id == id)).map(|b| b.name.to_string());
            if existing.body != body {
                change(PeopleColumn::Body, name_of(existing.body), name_of(body));
            }
            user.body = body;
        }
        if let Some(language) = language {
            change(PeopleColumn::Language, Some(existing.language.code().to_owned()), Some(language.code().to_owned()));
            user.language = language;
        }
        let seat = match seat {
            None => None,
            Some((committee, role)) => match known.seats.get(&(committee, existing.id)) {
                Some(held) if held.role == role => None,
                Some(held) => {
                    change(PeopleColumn::Seat, Some(held.role.as_str().to_owned()), Some(role.as_str().to_owned()));
                    Some(SeatPlan::Change(held.clone(), role))
                }
                None => {
                    change(PeopleColumn::Seat, None, Some(role.as_str().to_owned()));
                    Some(SeatPlan::Add(committee, role))
                }
            },
        };
        if changes.is_empty() {
            return (RowOutcome::Unchanged, None);
        }
        (RowOutcome::Changed(changes), Some(Planned { existing: Some(existing.clone()), user, seat }))
    }

    /// Writes every planned row, then the import's audit event.
    async fn store_people(
        &self,
        uow: &mut dyn UnitOfWork,
        actor: UserId,
        id: uuid::Uuid,
        import: &PeopleImport,
        plans: Vec<Planned>,
    ) -> Result<(), AppError> {
        let (mut created, mut changed) = (Vec::new(), Vec::new());
        for plan in plans {
            match &plan.existing {
                None => {
                    // As an invitation by hand: the record, its events, the link in the outbox.
                    self.invite_in(uow, Some(actor), &plan.user, &[]).await?;
                    created.push(plan.user.id);
                }
                Some(existing) => {
                    if existing != &plan.user {
                        uow.update_user(&plan.user).await?;
                    }
                    changed.push(plan.user.id);
                }
            }
            match plan.seat {
                None => {}
                Some(SeatPlan::Add(committee, role)) => {
                    let seat = Membership {
                        id: MembershipId::from_uuid(new_id()),
                        committee,
                        user: plan.user.id,
                        role,
                        created_at: self.now(),
                    };
                    uow.insert_membership(&seat).await.map_err(|e| AppError::from_store(e, "membership"))?;
                }
                Some(SeatPlan::Change(mut seat, role)) => {
                    seat.role = role;
                    uow.update_membership(&seat).await?;
                }
            }
        }
        let unchanged = import.rows.iter().filter(|r| r.outcome == RowOutcome::Unchanged).count();
        let event = self.audit(
            Some(actor),
            "people.imported",
            "people_import",
            Some(id),
            json!({
                "file_hash": import.file_hash,
                "format": import.format,
                "created": created,
                "changed": changed,
                "unchanged": unchanged,
            }),
        );
        uow.record_audit_event(&event).await?;
        Ok(())
    }
}

async fn known(uow: &mut dyn UnitOfWork, sheet: &PeopleSheet) -> Result<Known, AppError> {
    let people = uow.list_users().await?.into_iter().map(|u| (u.email.as_str().to_owned(), u)).collect();
    let bodies = uow.list_bodies().await?;
    let committees = uow.list_committees().await?;
    let mut seats = HashMap::new();
    for committee in &committees {
        let named =
            sheet.rows.iter().any(|r| r.cell(PeopleColumn::Committee).is_some_and(|c| same_name(c, committee.name.as_str())));
        if named {
            for seat in uow.memberships_of_committee(committee.id).await? {
                seats.insert((seat.committee, seat.user), seat);
            }
        }
    }
    Ok(Known { people, bodies, committees, seats })
}

/// Two names alike whatever their case, normal form and spacing.
fn same_name(a: &str, b: &str) -> bool {
    let key = |s: &str| nfc(s).to_lowercase().split_whitespace().collect::<Vec<_>>().join(" ");
    key(a) == key(b)
}

/// The one item named `name`: alike whatever the case and spacing, or
/// else without tones when that leaves exactly one.
fn find_by_name<'a, T>(items: &'a [T], name: &str, name_of: impl Fn(&T) -> &str) -> Option<&'a T> {
    if let Some(found) = items.iter().find(|i| same_name(name_of(i), name)) {
        return Some(found);
    }
    let folded = fold(name).split_whitespace().collect::<Vec<_>>().join(" ");
    let mut alike = items.iter().filter(|i| fold(name_of(i)).split_whitespace().collect::<Vec<_>>().join(" ") == folded);
    match (alike.next(), alike.next()) {
        (Some(one), None) => Some(one),
        _ => None,
    }
}

/// A seat's role by its Vietnamese or English label or its stored name.
pub fn seat_of(text: &str) -> Option<CommitteeRole> {
    match header_key(text).as_str() {
        "chu tri" | "chair" => Some(CommitteeRole::Chair),
        "pho chu tri" | "vice chair" => Some(CommitteeRole::ViceChair),
        "uy vien" | "thanh vien" | "member" => Some(CommitteeRole::Member),
        "thu ky" | "secretary" => Some(CommitteeRole::Secretary),
        _ => None,
    }
}

/// A language by its code or its name in either language.
pub fn language_of(text: &str) -> Option<Language> {
    match header_key(text).as_str() {
        "vi" | "tieng viet" | "vietnamese" => Some(Language::Vi),
        "en" | "tieng anh" | "english" => Some(Language::En),
        _ => None,
    }
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes.iter().fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seats_and_languages_are_read_from_their_labels_in_either_language() {
        assert_eq!(seat_of("Ủy viên"), Some(CommitteeRole::Member));
        assert_eq!(seat_of("UY VIEN"), Some(CommitteeRole::Member));
        assert_eq!(seat_of("Phó chủ trì"), Some(CommitteeRole::ViceChair));
        assert_eq!(seat_of("vice_chair"), Some(CommitteeRole::ViceChair));
        assert_eq!(seat_of("Thư ký"), Some(CommitteeRole::Secretary));
        assert_eq!(seat_of("Chairman"), None);
        assert_eq!(language_of("Tiếng Việt"), Some(Language::Vi));
        assert_eq!(language_of("EN"), Some(Language::En));
        assert_eq!(language_of("fr"), None);
    }

    #[test]
    fn names_match_whatever_their_case_and_without_tones_only_when_one_does() {
        let names = ["Ban Tổ chức", "Ban Dân vận", "Ban Dân văn"];
        let find = |n: &str| find_by_name(&names, n, |s| s).copied();
        assert_eq!(find("ban  tổ CHỨC"), Some("Ban Tổ chức"));
        assert_eq!(find("Ban To chuc"), Some("Ban Tổ chức"));
        assert_eq!(find("Ban Dan van"), None);
        assert_eq!(find("Ban Dân vận"), Some("Ban Dân vận"));
        assert_eq!(find("Ban Kinh tế"), None);
    }
}
