//! Use cases around mail: each person's delivery choices, and the admin's
//! view of the outbox with a resend for mail that failed. Delivering is the
//! notifier's work (`gopy-notifier`), through [`crate::ports::NotifierStore`].

use std::collections::HashMap;

use gopy_domain::{
    Action, Actor, CHOOSABLE_KINDS, Delivery, MailRecord, MailStatus, OutboxMessageId, Resource, User, UserId,
    authorize,
};
use serde_json::json;
use tracing::instrument;

use crate::{App, AppError, InvalidReason};

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
    pub async fn delivery_choices(&self, actor: &Actor) -> Result<Vec<(&'static str, Delivery)>, AppError> {
        authorize(actor, Action::ManageAccount, Resource::Person(actor.user))?;
        let mut uow = self.store.begin().await?;
        let chosen: HashMap<String, Delivery> = uow.delivery_choices(actor.user).await?.into_iter().collect();
        Ok(CHOOSABLE_KINDS.iter().map(|kind| (*kind, chosen.get(*kind).copied().unwrap_or_default())).collect())
    }

    /// Records the person's choices; kinds not in [`CHOOSABLE_KINDS`] are refused.
    #[instrument(skip(self, actor, choices), fields(user.id = %actor.user))]
    pub async fn choose_deliveries(&self, actor: &Actor, choices: &[(String, Delivery)]) -> Result<(), AppError> {
        authorize(actor, Action::ManageAccount, Resource::Person(actor.user))?;
        if let Some((kind, _)) = choices.iter().find(|(kind, _)| !CHOOSABLE_KINDS.contains(&kind.as_str())) {
            return Err(AppError::invalid("kind", InvalidReason::Rule(format!("{kind} cannot be chosen"))));
        }
        let now = self.now();
        let mut uow = self.store.begin().await?;
        for (kind, delivery) in choices {
            uow.set_delivery_choice(actor.user, kind, *delivery, now).await?;
        }
        let details = choices.iter().map(|(k, d)| (k.clone(), json!(d.as_str()))).collect::<serde_json::Map<_, _>>();
        let event = self.audit(Some(actor.user), "mail.choices_changed", "user", Some(actor.user.as_uuid()), details.into());
        uow.record_audit_event(&event).await?;
        uow.commit().await?;
        Ok(())
    }

    pub async fn mail_overview(&self, actor: &Actor) -> Result<MailOverview, AppError> {
        authorize(actor, Action::ManageMail, Resource::Organisation)?;
        let mut uow = self.store.begin().await?;
        let pending = uow.recent_mail(MailStatus::Pending, MAIL_PAGE_ROWS).await?;
        let sent = uow.recent_mail(MailStatus::Sent, MAIL_PAGE_ROWS).await?;
        let failed = uow.recent_mail(MailStatus::Failed, MAIL_PAGE_ROWS).await?;
        let counts = (
            uow.count_mail(MailStatus::Pending).await?,
            uow.count_mail(MailStatus::Sent).await?,
            uow.count_mail(MailStatus::Failed).await?,
        );
        let mut recipients = HashMap::new();
        for record in pending.iter().chain(&sent).chain(&failed) {
            let id = record.message.recipient;
            if let std::collections::hash_map::Entry::Vacant(slot) = recipients.entry(id)
                && let Some(user) = uow.find_user(id).await?
            {
                slot.insert(user);
            }
        }
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
