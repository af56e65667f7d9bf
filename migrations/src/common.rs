//! Column and key shapes shared by migrations. Change none of them: old
//! migrations must keep describing the schema as it was.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

pub(crate) fn created_at() -> ColumnDef {
    timestamp_with_time_zone("created_at")
}

pub(crate) fn foreign_key(from_table: &'static str, column: &'static str, to_table: &'static str) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(format!("fk_{from_table}_{column}"))
        .from(from_table, column)
        .to(to_table, "id")
        .on_delete(ForeignKeyAction::Restrict)
        .take()
}

pub(crate) fn index(table: &'static str, columns: &[&'static str]) -> IndexCreateStatement {
    let mut index = Index::create();
    index.name(format!("ix_{table}_{}", columns.join("_"))).table(table);
    for column in columns {
        index.col(*column);
    }
    index.take()
}
