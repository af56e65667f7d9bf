//! Small pieces many page views share: a thing to link to by its name, and
//! an option of a `<select>`.

use serde::Serialize;

/// Something shown by name and reached by id: a committee, a body, a person.
#[derive(Clone, Debug, Serialize)]
pub struct Named {
    pub id: String,
    pub name: String,
}

impl Named {
    pub fn new(id: impl ToString, name: impl ToString) -> Self {
        Self { id: id.to_string(), name: name.to_string() }
    }
}

/// One option of a `<select>`, chosen or not.
#[derive(Clone, Debug, Serialize)]
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

impl Choice {
    pub fn new(value: impl ToString, label: impl ToString, selected: bool) -> Self {
        Self { value: value.to_string(), label: label.to_string(), selected }
    }
}
