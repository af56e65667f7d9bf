//! Black-box tests: the real `gopy` binary, as a person or a script uses it.

mod accounts;
mod browser;
mod command_line;
mod mail;
mod reports;
mod serving;
