//! Who may do what: the one place that decides.
//!
//! Every handler asks [`authorize`] before it calls a use case; nothing else
//! in Gopy makes a permission decision. The table test below lists every
//! action for every kind of person, and grows as actions are added.

use crate::id::{CommitteeId, ReportId, UserId};
use crate::organisation::{CommitteeRole, GlobalRole};

/// A signed-in person with every role they hold.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Actor {
    pub user: UserId,
    pub global_roles: Vec<GlobalRole>,
    pub memberships: Vec<(CommitteeId, CommitteeRole)>,
    /// The reports on whose drafting team the person sits, and whether as lead.
    pub drafting: Vec<(ReportId, bool)>,
    /// The reports on which the person's body was consulted in a round:
    /// its contact people read the draft and comment for the body.
    pub consulted: Vec<ReportId>,
}

impl Actor {
    pub fn has(&self, role: GlobalRole) -> bool {
        self.global_roles.contains(&role)
    }

    pub fn is_admin(&self) -> bool {
        self.has(GlobalRole::Admin)
    }

    /// Organises the work: an admin or the secretariat.
    pub fn organises(&self) -> bool {
        self.is_admin() || self.has(GlobalRole::Secretariat)
    }

    pub fn role_in(&self, committee: CommitteeId) -> Option<CommitteeRole> {
        self.memberships.iter().find(|(c, _)| *c == committee).map(|(_, role)| *role)
    }

    /// Chairs at least one committee: presides over its approvals.
    pub fn chairs_any(&self) -> bool {
        self.memberships.iter().any(|(_, role)| *role == CommitteeRole::Chair)
    }

    /// Sits on the drafting team of `report`.
    pub fn drafts(&self, report: ReportId) -> bool {
        self.drafting.iter().any(|(r, _)| *r == report)
    }

    /// Whether the person's body was consulted on `report`.
    pub fn consulted_on(&self, report: ReportId) -> bool {
        self.consulted.contains(&report)
    }
}

/// Everything a person can ask Gopy to do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Action {
    /// Read the list of bodies.
    ViewBodies,
    CreateBody,
    /// Read the list of people and their roles.
    ViewPeople,
    /// Invite a new person by email.
    InvitePerson,
    /// Change another person's title, body, or whether they are active.
    ChangePerson,
    /// Make someone an admin or a member of the secretariat, or undo it.
    GrantGlobalRole,
    /// Give someone a link to set a new password.
    ResetPassword,
    /// See every committee, not only one's own.
    ViewAllCommittees,
    CreateCommittee,
    /// Read a committee and its members.
    ViewCommittee,
    /// Add people to a committee or change their seat.
    ManageMemberships,
    /// Change one's own name, language, password, sessions and tokens.
    ManageAccount,
    /// See every report, not only those of one's committees and teams.
    ViewAllReports,
    /// Set up a new draft report with its drafting team.
    CreateReport,
    /// Read a report, its versions, their differences and exports.
    ViewReport,
    /// Make a new version of a report (upload or write it).
    AddVersion,
    /// Comment on a report's passages: the reviewing committee's work.
    PostComment,
    /// Record a comment for a member (an opinion said aloud at the meeting).
    RecordComment,
    /// Reply in a comment's thread.
    Reply,
    /// Set or change a comment's disposition: the drafting team's work.
    AnswerComment,
    /// See the drafting team's answers before they are published, and its
    /// groups of comments: the team and the secretariat.
    ViewDraftAnswers,
    /// Publish the team's draft answers, one mail per commenter: the
    /// team's lead, who answers for them.
    PublishAnswers,
    /// See the earlier texts of edited comments.
    ViewCommentHistory,
    /// Change the text of a comment.
    EditComment,
    /// Withdraw a comment (it is marked, never deleted).
    WithdrawComment,
    /// Open a round of comments with its deadline, or close it early.
    ManageRounds,
    /// Hand the latest version to the chair for approval.
    SubmitReport,
    /// Approve the submitted version as final, or return it with a reason:
    /// the reviewing committee's chair's decision.
    ApproveReport,
    /// Vote on a round's ballot (phiếu lấy ý kiến).
    Vote,
    /// See where the reports one may read stand: the secretariat (every
    /// report) and a committee's chair (the committee's).
    ViewDashboard,
    /// Set a term's indicators and which way each counts.
    ManageIndicators,
    /// Set up a meeting of a committee: the secretariat, who organises, or
    /// the committee's own secretary.
    PlanMeeting,
    /// Read a meeting, its agenda, minutes, conclusion and exports: the
    /// committee's members, the presiding person and the secretariat.
    ViewMeeting,
    /// Change a meeting's details, agenda and attendance, mark it held:
    /// whoever may plan it.
    ManageMeeting,
    /// Write the minutes and turn a spoken opinion into a comment: the
    /// secretariat and the committee's secretary, who keep the minutes.
    WriteMinutes,
    /// Write the conclusion and its action items: the presiding person's
    /// words, typed in by them or by the secretariat for them.
    Conclude,
    /// Approve the minutes, after which they no longer change: the
    /// presiding person, or the secretariat on their instruction.
    ApproveMinutes,
    /// Mark an action item done with a note (or open again): the
    /// secretariat and the committee's secretary follow up, and so may the
    /// presiding person who assigned it.
    FollowUpAction,
    /// See the mail waiting, sent and failed, and send a failed one again.
    ManageMail,
    /// Read the working-day calendar's yearly days off and make-up days:
    /// who sets deadlines.
    ViewHolidays,
    /// Add or remove the government's yearly days off and make-up working
    /// days: the admin, as with the other settings of the installation.
    ManageHolidays,
    /// Link the changes of a new version to the comments behind them, or
    /// mark a change a technical edit: the drafting team's change table.
    EditChangeTable,
    /// Set until when commenters may say they still disagree with an answer.
    SetDisputeDeadline,
    /// Say one agrees with the answer to one's comment, or still disagrees.
    TakeStance,
    /// Record the decision on a comment still disputed, at the meeting.
    DecideDispute,
}

impl Action {
    pub const ALL: &'static [Action] = &[
        Action::ViewBodies,
        Action::CreateBody,
        Action::ViewPeople,
        Action::InvitePerson,
        Action::ChangePerson,
        Action::GrantGlobalRole,
        Action::ResetPassword,
        Action::ViewAllCommittees,
        Action::CreateCommittee,
        Action::ViewCommittee,
        Action::ManageMemberships,
        Action::ManageAccount,
        Action::ViewAllReports,
        Action::CreateReport,
        Action::ViewReport,
        Action::AddVersion,
        Action::PostComment,
        Action::RecordComment,
        Action::Reply,
        Action::AnswerComment,
        Action::ViewDraftAnswers,
        Action::PublishAnswers,
        Action::ViewCommentHistory,
        Action::EditComment,
        Action::WithdrawComment,
        Action::ManageRounds,
        Action::SubmitReport,
        Action::ApproveReport,
        Action::Vote,
        Action::ViewDashboard,
        Action::ManageIndicators,
        Action::PlanMeeting,
        Action::ViewMeeting,
        Action::ManageMeeting,
        Action::WriteMinutes,
        Action::Conclude,
        Action::ApproveMinutes,
        Action::FollowUpAction,
        Action::ManageMail,
        Action::ViewHolidays,
        Action::ManageHolidays,
        Action::EditChangeTable,
        Action::SetDisputeDeadline,
        Action::TakeStance,
        Action::DecideDispute,
    ];
}

/// What an action is done to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Resource {
    /// Gopy as a whole: the lists of bodies, people and committees.
    Organisation,
    Committee(CommitteeId),
    Person(UserId),
    /// A report, with the committee that reviews it.
    Report { id: ReportId, committee: CommitteeId },
    /// A comment on a report: whose opinion it is and who typed it in.
    Comment { report: ReportId, committee: CommitteeId, author: UserId, recorded_by: Option<UserId> },
    /// A meeting, with its committee and the person presiding it.
    Meeting { committee: CommitteeId, presiding: UserId },
}

/// A refusal. It says no more than that, so a refusal never reveals whether
/// the thing exists.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("not allowed")]
pub struct Denied;

/// The one authorization function: may `actor` do `action` to `resource`?
pub fn authorize(actor: &Actor, action: Action, resource: Resource) -> Result<(), Denied> {
    if allowed(actor, action, resource) { Ok(()) } else { Err(Denied) }
}

fn allowed(actor: &Actor, action: Action, resource: Resource) -> bool {
    use Action::*;
    use Resource::*;

    match (action, resource) {
        (ViewBodies, Organisation) => true,
        (CreateBody | ViewPeople | InvitePerson | ViewAllCommittees | CreateCommittee, Organisation) => {
            actor.organises()
        }
        (ChangePerson | ResetPassword, Person(_)) => actor.organises(),
        (GrantGlobalRole, Person(_)) => actor.is_admin(),
        // Mail holds everyone's addresses and what they were told: admins only.
        (ManageMail, Organisation) => actor.is_admin(),
        (ViewHolidays, Organisation) => actor.organises(),
        (ManageHolidays, Organisation) => actor.is_admin(),
        (ViewCommittee, Committee(c)) => actor.organises() || actor.role_in(c).is_some(),
        (ManageMemberships, Committee(c)) => {
            actor.organises() || actor.role_in(c) == Some(CommitteeRole::Secretary)
        }
        (ManageAccount, Person(p)) => p == actor.user,
        (ViewAllReports | CreateReport, Organisation) => actor.organises(),
        // The reviewing committee reads and comments; the drafting team
        // writes; the secretariat sees everything.
        (ViewReport, Report { id, committee }) => {
            actor.organises() || actor.role_in(committee).is_some() || actor.drafts(id) || actor.consulted_on(id)
        }
        (AddVersion, Report { id, .. }) => actor.organises() || actor.drafts(id),
        // A consulted body's people comment for the body, beside the committee.
        (PostComment, Report { id, committee }) => {
            actor.organises() || actor.role_in(committee).is_some() || actor.consulted_on(id)
        }
        (RecordComment, Report { committee, .. }) => {
            actor.organises() || actor.role_in(committee) == Some(CommitteeRole::Secretary)
        }
        (Reply, Report { id, committee }) => {
            actor.organises() || actor.role_in(committee).is_some() || actor.drafts(id) || actor.consulted_on(id)
        }
        (AnswerComment, Report { id, .. }) => actor.drafts(id),
        (ViewDraftAnswers, Report { id, .. }) => actor.organises() || actor.drafts(id),
        (PublishAnswers, Report { id, .. }) => actor.drafting.contains(&(id, true)),
        (EditChangeTable, Report { id, .. }) => actor.drafts(id),
        (SetDisputeDeadline, Report { .. }) => actor.organises(),
        // The chair of the reviewing committee settles what is still disputed.
        (DecideDispute, Report { committee, .. }) => actor.role_in(committee) == Some(CommitteeRole::Chair),
        // A body's contact people answer for the body's comments: the app
        // checks that beside this rule, which covers the comment's author.
        (TakeStance, Comment { author, .. }) => author == actor.user,
        (ViewCommentHistory, Report { committee, .. }) => {
            actor.organises() || actor.role_in(committee) == Some(CommitteeRole::Secretary)
        }
        (ManageRounds, Report { .. }) => actor.organises(),
        (SubmitReport, Report { id, .. }) => actor.organises() || actor.drafts(id),
        (ApproveReport, Report { committee, .. }) => actor.role_in(committee) == Some(CommitteeRole::Chair),
        (Vote, Report { committee, .. }) => actor.role_in(committee).is_some(),
        // The chair follows where the committee's reports stand, to know
        // what comes to them for approval; the dashboard lists only the
        // reports its viewer may read.
        (ViewDashboard, Organisation) => actor.organises() || actor.chairs_any(),
        (ManageIndicators, Organisation) => actor.organises(),
        // A comment is changed by whoever it speaks for, or whoever typed it
        // in for them; the secretariat may also withdraw one.
        (EditComment, Comment { author, recorded_by, .. }) => author == actor.user || recorded_by == Some(actor.user),
        (WithdrawComment, Comment { author, recorded_by, .. }) => {
            author == actor.user || recorded_by == Some(actor.user) || actor.organises()
        }
        (PlanMeeting, Committee(c)) => actor.organises() || actor.role_in(c) == Some(CommitteeRole::Secretary),
        (ViewMeeting, Meeting { committee, presiding }) => {
            actor.organises() || actor.role_in(committee).is_some() || presiding == actor.user
        }
        (ManageMeeting | WriteMinutes, Meeting { committee, .. }) => {
            actor.organises() || actor.role_in(committee) == Some(CommitteeRole::Secretary)
        }
        (Conclude | ApproveMinutes, Meeting { presiding, .. }) => actor.organises() || presiding == actor.user,
        (FollowUpAction, Meeting { committee, presiding }) => {
            actor.organises() || actor.role_in(committee) == Some(CommitteeRole::Secretary) || presiding == actor.user
        }
        // Any other pairing names the wrong kind of resource.
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    fn id(n: u128) -> Uuid {
        Uuid::from_u128(n)
    }

    /// The people of the table: who they are, and their roles.
    fn people() -> Vec<(&'static str, Actor)> {
        let committee = CommitteeId::from_uuid(id(100));
        let other = CommitteeId::from_uuid(id(200));
        let report = ReportId::from_uuid(id(300));
        let person = |n, global: &[GlobalRole], seats: &[(CommitteeId, CommitteeRole)]| Actor {
            user: UserId::from_uuid(id(n)),
            global_roles: global.to_vec(),
            memberships: seats.to_vec(),
            drafting: Vec::new(),
            consulted: Vec::new(),
        };
        let drafter = |n, lead| Actor { drafting: vec![(report, lead)], ..person(n, &[], &[]) };
        vec![
            ("admin", person(1, &[GlobalRole::Admin], &[])),
            ("secretariat", person(2, &[GlobalRole::Secretariat], &[])),
            ("chair", person(3, &[], &[(committee, CommitteeRole::Chair)])),
            ("vice chair", person(4, &[], &[(committee, CommitteeRole::ViceChair)])),
            ("member", person(5, &[], &[(committee, CommitteeRole::Member)])),
            ("secretary", person(6, &[], &[(committee, CommitteeRole::Secretary)])),
            ("other committee's chair", person(7, &[], &[(other, CommitteeRole::Chair)])),
            ("no role", person(8, &[], &[])),
            ("drafting lead", drafter(9, true)),
            ("drafter", drafter(10, false)),
        ]
    }

    /// The resources of the table, named as in the expectations below.
    fn resources(actor: &Actor) -> Vec<(&'static str, Resource)> {
        vec![
            ("organisation", Resource::Organisation),
            ("the committee", Resource::Committee(CommitteeId::from_uuid(id(100)))),
            ("oneself", Resource::Person(actor.user)),
            ("someone else", Resource::Person(UserId::from_uuid(id(999)))),
            ("the committee's report", Resource::Report { id: ReportId::from_uuid(id(300)), committee: CommitteeId::from_uuid(id(100)) }),
            ("another committee's report", Resource::Report { id: ReportId::from_uuid(id(400)), committee: CommitteeId::from_uuid(id(200)) }),
            ("one's own comment", Resource::Comment {
                report: ReportId::from_uuid(id(300)),
                committee: CommitteeId::from_uuid(id(100)),
                author: actor.user,
                recorded_by: None,
            }),
            ("a comment one recorded for someone", Resource::Comment {
                report: ReportId::from_uuid(id(300)),
                committee: CommitteeId::from_uuid(id(100)),
                author: UserId::from_uuid(id(999)),
                recorded_by: Some(actor.user),
            }),
            ("someone else's comment", Resource::Comment {
                report: ReportId::from_uuid(id(300)),
                committee: CommitteeId::from_uuid(id(100)),
                author: UserId::from_uuid(id(999)),
                recorded_by: None,
            }),
            // Presided by the vice chair: the presiding person need not be the chair.
            ("the committee's meeting", Resource::Meeting {
                committee: CommitteeId::from_uuid(id(100)),
                presiding: UserId::from_uuid(id(4)),
            }),
            ("another committee's meeting", Resource::Meeting {
                committee: CommitteeId::from_uuid(id(200)),
                presiding: UserId::from_uuid(id(7)),
            }),
        ]
    }

    /// Which people may do each action to each resource. Anything not listed
    /// is refused. Columns: admin, secretariat, chair, vice chair, member,
    /// secretary, other committee's chair, no role, the report's drafting
    /// lead, a drafter on its team.
    const EXPECTED: &[(Action, &str, [bool; 10])] = {
        const Y: bool = true;
        const N: bool = false;
        &[
            (Action::ViewBodies, "organisation", [Y, Y, Y, Y, Y, Y, Y, Y, Y, Y]),
            (Action::CreateBody, "organisation", [Y, Y, N, N, N, N, N, N, N, N]),
            (Action::ViewPeople, "organisation", [Y, Y, N, N, N, N, N, N, N, N]),
            (Action::InvitePerson, "organisation", [Y, Y, N, N, N, N, N, N, N, N]),
            (Action::ChangePerson, "someone else", [Y, Y, N, N, N, N, N, N, N, N]),
            (Action::ChangePerson, "oneself", [Y, Y, N, N, N, N, N, N, N, N]),
            (Action::GrantGlobalRole, "someone else", [Y, N, N, N, N, N, N, N, N, N]),
            (Action::GrantGlobalRole, "oneself", [Y, N, N, N, N, N, N, N, N, N]),
            (Action::ResetPassword, "someone else", [Y, Y, N, N, N, N, N, N, N, N]),
            (Action::ResetPassword, "oneself", [Y, Y, N, N, N, N, N, N, N, N]),
            (Action::ViewAllCommittees, "organisation", [Y, Y, N, N, N, N, N, N, N, N]),
            (Action::CreateCommittee, "organisation", [Y, Y, N, N, N, N, N, N, N, N]),
            (Action::ViewCommittee, "the committee", [Y, Y, Y, Y, Y, Y, N, N, N, N]),
            (Action::ManageMemberships, "the committee", [Y, Y, N, N, N, Y, N, N, N, N]),
            (Action::ManageAccount, "oneself", [Y, Y, Y, Y, Y, Y, Y, Y, Y, Y]),
            (Action::ManageAccount, "someone else", [N, N, N, N, N, N, N, N, N, N]),
            (Action::ViewAllReports, "organisation", [Y, Y, N, N, N, N, N, N, N, N]),
            (Action::CreateReport, "organisation", [Y, Y, N, N, N, N, N, N, N, N]),
            (Action::ViewReport, "the committee's report", [Y, Y, Y, Y, Y, Y, N, N, Y, Y]),
            (Action::ViewReport, "another committee's report", [Y, Y, N, N, N, N, Y, N, N, N]),
            (Action::AddVersion, "the committee's report", [Y, Y, N, N, N, N, N, N, Y, Y]),
            (Action::AddVersion, "another committee's report", [Y, Y, N, N, N, N, N, N, N, N]),
            (Action::PostComment, "the committee's report", [Y, Y, Y, Y, Y, Y, N, N, N, N]),
            (Action::PostComment, "another committee's report", [Y, Y, N, N, N, N, Y, N, N, N]),
            (Action::RecordComment, "the committee's report", [Y, Y, N, N, N, Y, N, N, N, N]),
            (Action::RecordComment, "another committee's report", [Y, Y, N, N, N, N, N, N, N, N]),
            (Action::Reply, "the committee's report", [Y, Y, Y, Y, Y, Y, N, N, Y, Y]),
            (Action::Reply, "another committee's report", [Y, Y, N, N, N, N, Y, N, N, N]),
            (Action::AnswerComment, "the committee's report", [N, N, N, N, N, N, N, N, Y, Y]),
            (Action::AnswerComment, "another committee's report", [N, N, N, N, N, N, N, N, N, N]),
            (Action::ViewDraftAnswers, "the committee's report", [Y, Y, N, N, N, N, N, N, Y, Y]),
            (Action::ViewDraftAnswers, "another committee's report", [Y, Y, N, N, N, N, N, N, N, N]),
            (Action::PublishAnswers, "the committee's report", [N, N, N, N, N, N, N, N, Y, N]),
            (Action::PublishAnswers, "another committee's report", [N, N, N, N, N, N, N, N, N, N]),
            (Action::ViewCommentHistory, "the committee's report", [Y, Y, N, N, N, Y, N, N, N, N]),
            (Action::ViewCommentHistory, "another committee's report", [Y, Y, N, N, N, N, N, N, N, N]),
            (Action::EditComment, "one's own comment", [Y, Y, Y, Y, Y, Y, Y, Y, Y, Y]),
            (Action::EditComment, "a comment one recorded for someone", [Y, Y, Y, Y, Y, Y, Y, Y, Y, Y]),
            (Action::EditComment, "someone else's comment", [N, N, N, N, N, N, N, N, N, N]),
            (Action::ManageMail, "organisation", [Y, N, N, N, N, N, N, N, N, N]),
            (Action::ViewHolidays, "organisation", [Y, Y, N, N, N, N, N, N, N, N]),
            (Action::ManageHolidays, "organisation", [Y, N, N, N, N, N, N, N, N, N]),
            (Action::WithdrawComment, "one's own comment", [Y, Y, Y, Y, Y, Y, Y, Y, Y, Y]),
            (Action::WithdrawComment, "a comment one recorded for someone", [Y, Y, Y, Y, Y, Y, Y, Y, Y, Y]),
            (Action::WithdrawComment, "someone else's comment", [Y, Y, N, N, N, N, N, N, N, N]),
            (Action::EditChangeTable, "the committee's report", [N, N, N, N, N, N, N, N, Y, Y]),
            (Action::EditChangeTable, "another committee's report", [N, N, N, N, N, N, N, N, N, N]),
            (Action::SetDisputeDeadline, "the committee's report", [Y, Y, N, N, N, N, N, N, N, N]),
            (Action::SetDisputeDeadline, "another committee's report", [Y, Y, N, N, N, N, N, N, N, N]),
            (Action::DecideDispute, "the committee's report", [N, N, Y, N, N, N, N, N, N, N]),
            (Action::DecideDispute, "another committee's report", [N, N, N, N, N, N, Y, N, N, N]),
            (Action::TakeStance, "one's own comment", [Y, Y, Y, Y, Y, Y, Y, Y, Y, Y]),
            (Action::TakeStance, "a comment one recorded for someone", [N, N, N, N, N, N, N, N, N, N]),
            (Action::TakeStance, "someone else's comment", [N, N, N, N, N, N, N, N, N, N]),
            (Action::ManageRounds, "the committee's report", [Y, Y, N, N, N, N, N, N, N, N]),
            (Action::ManageRounds, "another committee's report", [Y, Y, N, N, N, N, N, N, N, N]),
            (Action::SubmitReport, "the committee's report", [Y, Y, N, N, N, N, N, N, Y, Y]),
            (Action::SubmitReport, "another committee's report", [Y, Y, N, N, N, N, N, N, N, N]),
            (Action::ApproveReport, "the committee's report", [N, N, Y, N, N, N, N, N, N, N]),
            (Action::ApproveReport, "another committee's report", [N, N, N, N, N, N, Y, N, N, N]),
            (Action::Vote, "the committee's report", [N, N, Y, Y, Y, Y, N, N, N, N]),
            (Action::Vote, "another committee's report", [N, N, N, N, N, N, Y, N, N, N]),
            (Action::ViewDashboard, "organisation", [Y, Y, Y, N, N, N, Y, N, N, N]),
            (Action::ManageIndicators, "organisation", [Y, Y, N, N, N, N, N, N, N, N]),
            (Action::PlanMeeting, "the committee", [Y, Y, N, N, N, Y, N, N, N, N]),
            (Action::ViewMeeting, "the committee's meeting", [Y, Y, Y, Y, Y, Y, N, N, N, N]),
            (Action::ViewMeeting, "another committee's meeting", [Y, Y, N, N, N, N, Y, N, N, N]),
            (Action::ManageMeeting, "the committee's meeting", [Y, Y, N, N, N, Y, N, N, N, N]),
            (Action::ManageMeeting, "another committee's meeting", [Y, Y, N, N, N, N, N, N, N, N]),
            (Action::WriteMinutes, "the committee's meeting", [Y, Y, N, N, N, Y, N, N, N, N]),
            (Action::WriteMinutes, "another committee's meeting", [Y, Y, N, N, N, N, N, N, N, N]),
            (Action::Conclude, "the committee's meeting", [Y, Y, N, Y, N, N, N, N, N, N]),
            (Action::Conclude, "another committee's meeting", [Y, Y, N, N, N, N, Y, N, N, N]),
            (Action::ApproveMinutes, "the committee's meeting", [Y, Y, N, Y, N, N, N, N, N, N]),
            (Action::ApproveMinutes, "another committee's meeting", [Y, Y, N, N, N, N, Y, N, N, N]),
            (Action::FollowUpAction, "the committee's meeting", [Y, Y, N, Y, N, Y, N, N, N, N]),
            (Action::FollowUpAction, "another committee's meeting", [Y, Y, N, N, N, N, Y, N, N, N]),
        ]
    };

    #[test]
    fn every_person_against_every_action_and_resource() {
        let people = people();
        let mut checked = 0;
        for &action in Action::ALL {
            for (column, (who, actor)) in people.iter().enumerate() {
                for (resource_name, resource) in resources(actor) {
                    let expected = EXPECTED
                        .iter()
                        .find(|(a, r, _)| *a == action && *r == resource_name)
                        .is_some_and(|(_, _, row)| row[column]);
                    let got = authorize(actor, action, resource).is_ok();
                    assert_eq!(got, expected, "{who} {action:?} on {resource_name}");
                    checked += 1;
                }
            }
        }
        assert_eq!(checked, Action::ALL.len() * people.len() * 11);
    }

    #[test]
    fn a_consulted_bodys_person_reads_comments_and_replies_on_that_report_only() {
        let report = ReportId::from_uuid(id(300));
        let committee = CommitteeId::from_uuid(id(100));
        let person = Actor {
            user: UserId::from_uuid(id(50)),
            global_roles: Vec::new(),
            memberships: Vec::new(),
            drafting: Vec::new(),
            consulted: vec![report],
        };
        let consulted = Resource::Report { id: report, committee };
        let other = Resource::Report { id: ReportId::from_uuid(id(301)), committee };
        for action in [Action::ViewReport, Action::PostComment, Action::Reply] {
            assert!(authorize(&person, action, consulted).is_ok(), "{action:?}");
            assert!(authorize(&person, action, other).is_err(), "{action:?} on another report");
        }
        // Recording for others, answering and the round's steps stay the secretariat's and the team's.
        for action in [Action::RecordComment, Action::AnswerComment, Action::ManageRounds, Action::Vote, Action::AddVersion] {
            assert!(authorize(&person, action, consulted).is_err(), "{action:?}");
        }
    }

    #[test]
    fn every_action_appears_in_the_table() {
        for action in Action::ALL {
            assert!(EXPECTED.iter().any(|(a, _, _)| a == action), "{action:?} has no row in the table");
        }
    }
}
