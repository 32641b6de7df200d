//! The vocabulary of the table the FHIR surface is built from: for each
//! resource type, the interactions served (each with its route), the
//! search parameters read and the operations offered. The router and the
//! CapabilityStatement are both made from one table, so what the server
//! says it does and what it does cannot drift apart.

use axum::routing::MethodRouter;

use crate::AppState;

/// A RESTful interaction on a resource type, as FHIR names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Interaction {
    Read,
    Vread,
    HistoryInstance,
    SearchType,
    Create,
}

impl Interaction {
    pub const ALL: [Self; 5] = [
        Self::Read,
        Self::Vread,
        Self::HistoryInstance,
        Self::SearchType,
        Self::Create,
    ];

    /// The code in `CapabilityStatement.rest.resource.interaction`.
    pub fn code(self) -> &'static str {
        match self {
            Self::Read => "read",
            Self::Vread => "vread",
            Self::HistoryInstance => "history-instance",
            Self::SearchType => "search-type",
            Self::Create => "create",
        }
    }

    /// The route below the FHIR base, as axum spells it.
    pub fn path(self, resource: &str) -> String {
        match self {
            Self::Read => format!("/{resource}/{{id}}"),
            Self::Vread => format!("/{resource}/{{id}}/_history/{{vid}}"),
            Self::HistoryInstance => format!("/{resource}/{{id}}/_history"),
            Self::SearchType | Self::Create => format!("/{resource}"),
        }
    }
}

/// One interaction served, and the handler that serves it.
#[derive(Debug)]
pub struct Served {
    pub interaction: Interaction,
    pub route: fn() -> MethodRouter<AppState>,
}

/// A search parameter a type's search reads.
#[derive(Debug, Clone, Copy)]
pub struct SearchParam {
    pub name: &'static str,
    /// `token`, `reference`, …
    pub kind: &'static str,
    pub documentation: &'static str,
}

/// Whether an operation is asked of the type or of one instance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OperationLevel {
    /// `/$export`: of the whole server, named by no type.
    System,
    /// `/Patient/$crisis-summary`
    Type,
    /// `/Patient/{id}/$everything`
    Instance,
}

/// A named operation (`$name`) on a type or its instances, and the handler
/// that serves it.
#[derive(Debug)]
pub struct Operation {
    pub name: &'static str,
    pub definition: &'static str,
    pub level: OperationLevel,
    pub route: fn() -> MethodRouter<AppState>,
}

impl Operation {
    /// The route below the FHIR base (`resource` is unread for a
    /// system-level one). A static segment outranks `{id}` in
    /// axum's router, so `/Patient/$name` is never read as a Patient id.
    pub fn path(&self, resource: &str) -> String {
        match self.level {
            OperationLevel::System => format!("/${}", self.name),
            OperationLevel::Type => format!("/{resource}/${}", self.name),
            OperationLevel::Instance => format!("/{resource}/{{id}}/${}", self.name),
        }
    }
}

/// What the server does with one resource type.
#[derive(Debug)]
pub struct ResourceDef {
    pub name: &'static str,
    /// The profile every instance claims in `meta.profile`.
    pub profile: Option<&'static str>,
    pub served: &'static [Served],
    pub search: &'static [SearchParam],
    pub operations: &'static [Operation],
}

impl ResourceDef {
    pub fn serves(&self, interaction: Interaction) -> bool {
        self.served.iter().any(|s| s.interaction == interaction)
    }
}
