//! Black-box tests: the real `gopy` binary, as a person or a script uses it.

mod accounts;
mod backup;
mod browser;
mod command_line;
mod comments;
mod crash;
mod database_faults;
mod demo;
mod indicators;
mod meetings;
mod metrics;
mod openapi;
mod access;
mod web_safety;
mod mail;
mod reports;
mod revisions;
mod rounds;
mod schemathesis;
mod search;
mod ui_demo;
mod ui_home;
mod ui_meeting;
mod serving;
mod ui_review;
mod ui_rounds;
