//! Use cases around mail: each person's delivery choices, and the admin's
//! view of the outbox with a resend for mail that failed. Delivering is the
//! notifier's work (`gopy-notifier`), through [`crate::ports::NotifierStore`].

use std::collections::HashMap;

use gopy_domain::{
    Action, Actor, Delivery, MailRecord, MailStatus, NoticeKind, OutboxMessageId, Resource, User, UserId,
    authorize,
};
use serde_json::json;
use tracing::instrument;

use crate::{App, AppError, Directory, InvalidReason, UnitOfWork};

/// The delivery chosen for every kind one may choose for, read in `uow`.
pub(crate) async fn choices_in(uow: &mut dyn UnitOfWork, user: UserId) -> Result<Vec<(NoticeKind, Delivery)>, AppError> {
    let chosen: HashMap<String, Delivery> = uow.delivery_choices(user).await?.into_iter().collect();
    Ok(NoticeKind::choosable().map(|kind| (kind, chosen.get(kind.as_str()).copied().unwrap_or_default())).collect())
}

/// How many rows of each status the admin page shows.
pub const MAIL_PAGE_ROWS: u64 = 50;

/// The outbox as an admin sees it: the newest rows of each status, with
/// their recipients, and how many there are in all.
#[derive(Clone, Debug)]
pub struct MailOverview {
    pub pending: Vec<MailRecord>,
    pub sent: Vec<MailRecord>,
    pub failed: Vec<MailRecord>,
    /// (pending, sent, failed) in all.
    pub counts: (u64, u64, u64),
    pub recipients: HashMap<UserId, User>,
}

impl App {
    /// The delivery chosen for every kind a person may choose for.
    pub async fn delivery_choices(&self, actor: &Actor) -> Result<Vec<(NoticeKind, Delivery)>, AppError> {
        authorize(actor, Action::ManageAccount, Resource::Person(actor.user))?;
        let mut uow = self.store.begin_read().await?;
        choices_in(uow.as_mut(), actor.user).await
    }

    /// Records the person's choices; kinds that are always sent are refused.
    #[instrument(skip(self, actor, choices), fields(user.id = %actor.user))]
    pub async fn choose_deliveries(&self, actor: &Actor, choices: &[(NoticeKind, Delivery)]) -> Result<(), AppError> {
        authorize(actor, Action::ManageAccount, Resource::Person(actor.user))?;
        if let Some((kind, _)) = choices.iter().find(|(kind, _)| !kind.is_choosable()) {
            return Err(AppError::invalid("kind", InvalidReason::Rule(format!("{kind} cannot be chosen"))));
        }
        let now = self.now();
        let mut uow = self.store.begin().await?;
        for (kind, delivery) in choices {
            uow.set_delivery_choice(actor.user, kind.as_str(), *delivery, now).await?;
        }
        let details = choices.iter().map(|(k, d)| (k.as_str().to_owned(), json!(d.as_str()))).collect::<serde_json::Map<_, _>>();
        let event = self.audit(Some(actor.user), "mail.choices_changed", "user", Some(actor.user.as_uuid()), details.into());
        uow.record_audit_event(&event).await?;
        uow.commit().await?;
        Ok(())
    }

    /// The admin's mail log: one read unit of work, recipients named from
    /// the directory rather than looked up one by one.
    pub async fn mail_log(&self, actor: &Actor) -> Result<MailOverview, AppError> {
        authorize(actor, Action::ManageMail, Resource::Organisation)?;
        let mut uow = self.store.begin_read().await?;
        let pending = uow.recent_mail(MailStatus::Pending, MAIL_PAGE_ROWS).await?;
        let sent = uow.recent_mail(MailStatus::Sent, MAIL_PAGE_ROWS).await?;
        let failed = uow.recent_mail(MailStatus::Failed, MAIL_PAGE_ROWS).await?;
        let counts = (
            uow.count_mail(MailStatus::Pending).await?,
            uow.count_mail(MailStatus::Sent).await?,
            uow.count_mail(MailStatus::Failed).await?,
        );
        let directory = Directory::load(uow.as_mut()).await?;
        let recipients = pending
            .iter()
            .chain(&sent)
            .chain(&failed)
            .filter_map(|record| directory.user(record.message.recipient))
            .map(|user| (user.id, user.clone()))
            .collect();
        Ok(MailOverview { pending, sent, failed, counts, recipients })
    }

    /// Puts a failed mail back in the queue, to be sent at once.
    #[instrument(skip(self, actor), fields(user.id = %actor.user, outbox.id = %id))]
    pub async fn resend_mail(&self, actor: &Actor, id: OutboxMessageId) -> Result<(), AppError> {
        authorize(actor, Action::ManageMail, Resource::Organisation)?;
        let mut uow = self.store.begin().await?;
        if !uow.resend_failed(id, self.now()).await? {
            return Err(AppError::NotFound { what: "failed mail" });
        }
        let event = self.audit(Some(actor.user), "mail.resent", "outbox", Some(id.as_uuid()), json!({}));
        uow.record_audit_event(&event).await?;
        uow.commit().await?;
        Ok(())
    }
}
