//! Black-box tests: the real `gopy` binary, as a person or a script uses it.

mod accounts;
mod browser;
mod command_line;
mod comments;
mod meetings;
mod reports;
mod serving;
