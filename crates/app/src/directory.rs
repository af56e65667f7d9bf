//! People and bodies by id, read once in a page's read unit of work, so that
//! a read model names who said what without a look-up per row. Every read
//! model that shows names builds it here: there is one directory, not one
//! per page.

use std::collections::HashMap;

use gopy_domain::{Body, BodyId, User, UserId};

use crate::{StoreError, UnitOfWork};

#[derive(Clone, Debug, Default)]
pub struct Directory {
    users: HashMap<UserId, User>,
    bodies: HashMap<BodyId, Body>,
}

impl Directory {
    /// Everyone and every body, in two statements whatever their number.
    pub async fn load(uow: &mut dyn UnitOfWork) -> Result<Self, StoreError> {
        let users = uow.list_users().await?.into_iter().map(|u| (u.id, u)).collect();
        let bodies = uow.list_bodies().await?.into_iter().map(|b| (b.id, b)).collect();
        Ok(Self { users, bodies })
    }

    pub fn user(&self, id: UserId) -> Option<&User> {
        self.users.get(&id)
    }

    pub fn body(&self, id: BodyId) -> Option<&Body> {
        self.bodies.get(&id)
    }

    /// A person's name; empty for an id nobody has (a deleted row).
    pub fn name(&self, id: UserId) -> String {
        self.users.get(&id).map(|u| u.name.to_string()).unwrap_or_default()
    }

    pub fn body_name(&self, id: BodyId) -> Option<String> {
        self.bodies.get(&id).map(|b| b.name.to_string())
    }

    /// The body a person belongs to.
    pub fn body_id_of(&self, user: UserId) -> Option<BodyId> {
        self.users.get(&user)?.body
    }

    /// The name of the body a person belongs to.
    pub fn body_of(&self, user: UserId) -> Option<String> {
        self.body_name(self.body_id_of(user)?)
    }

    pub fn users(&self) -> impl Iterator<Item = &User> {
        self.users.values()
    }

    pub fn bodies(&self) -> impl Iterator<Item = &Body> {
        self.bodies.values()
    }
}
