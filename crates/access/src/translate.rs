//! Facts into Cedar: entities for the user, their organisation, the person
//! and the record (or field) asked about, and the context of one evaluation.
//! This is a faithful copy of the facts into the schema's shapes — no fact
//! is filtered, combined or judged here; that is the policies' work.

use std::collections::{HashMap, HashSet};
use std::str::FromStr;

use cedar_policy::{
    Context, Entities, Entity, EntityId, EntityTypeName, EntityUid, Request, RestrictedExpression,
    Schema,
};
use chrono::{DateTime, NaiveDate, Utc};
use concordat_domain::consent::ConsentEffect;

use crate::facts::{AgreementFacts, BreakGlassFacts, ConsentFacts, Relationship};
use crate::mask::FieldMask;
use crate::request::{AccessAction, AccessRequest, Actor};

type Attrs = HashMap<String, RestrictedExpression>;

/// The entity type names and action ids, made once.
#[derive(Debug)]
pub(crate) struct Translator {
    user: EntityTypeName,
    organisation: EntityTypeName,
    person: EntityTypeName,
    record: EntityTypeName,
    field: EntityTypeName,
    read: EntityUid,
    write: EntityUid,
    reveal: EntityUid,
}

impl Translator {
    pub fn new() -> Self {
        // Constant names the schema declares, so parsing them cannot fail.
        let name = |n: &str| EntityTypeName::from_str(n).expect("a valid entity type name");
        let action = |a: &str| EntityUid::from_type_name_and_id(name("Action"), EntityId::new(a));
        Self {
            user: name("User"),
            organisation: name("Organisation"),
            person: name("Person"),
            record: name("Record"),
            field: name("Field"),
            read: action(AccessAction::Read.as_str()),
            write: action(AccessAction::Write.as_str()),
            reveal: action("reveal"),
        }
    }

    fn uid(ty: &EntityTypeName, id: impl ToString) -> EntityUid {
        EntityUid::from_type_name_and_id(ty.clone(), EntityId::new(id.to_string()))
    }

    fn user_uid(&self, actor: &Actor) -> EntityUid {
        Self::uid(&self.user, actor.id)
    }

    fn record_uid(&self, request: &AccessRequest) -> EntityUid {
        Self::uid(
            &self.record,
            format!("{}/{}", request.person, request.category.as_str()),
        )
    }

    fn field_uid(&self, request: &AccessRequest, mask: &FieldMask) -> EntityUid {
        Self::uid(&self.field, format!("{}/{}", request.person, mask.field))
    }

    fn entity(uid: EntityUid, attrs: Attrs) -> Result<Entity, String> {
        Entity::new(uid, attrs, HashSet::new()).map_err(|e| e.to_string())
    }

    /// The entities every evaluation of `request` shares: the user, their
    /// organisation and the person.
    fn people(&self, request: &AccessRequest) -> Result<Vec<Entity>, String> {
        let actor = &request.user;
        let mut user = Attrs::from([
            ("role".into(), string(actor.role.as_str())),
            (
                "crisis_role".into(),
                RestrictedExpression::new_bool(actor.role.is_crisis_role()),
            ),
            (
                "organisation".into(),
                entity_ref(Self::uid(&self.organisation, actor.organisation)),
            ),
        ]);
        if let Some(own) = actor.person {
            user.insert("person".into(), entity_ref(Self::uid(&self.person, own)));
        }
        Ok(vec![
            Self::entity(self.user_uid(actor), user)?,
            Entity::new_no_attrs(
                Self::uid(&self.organisation, actor.organisation),
                HashSet::new(),
            ),
            Entity::new_no_attrs(Self::uid(&self.person, request.person), HashSet::new()),
        ])
    }

    pub fn record_entities(
        &self,
        request: &AccessRequest,
        schema: &Schema,
    ) -> Result<Entities, String> {
        let record = Attrs::from([
            (
                "person".into(),
                entity_ref(Self::uid(&self.person, request.person)),
            ),
            ("category".into(), string(request.category.as_str())),
        ]);
        let mut entities = self.people(request)?;
        entities.push(Self::entity(self.record_uid(request), record)?);
        Entities::from_entities(entities, Some(schema)).map_err(|e| e.to_string())
    }

    pub fn field_entities(
        &self,
        request: &AccessRequest,
        masks: &[FieldMask],
        schema: &Schema,
    ) -> Result<Entities, String> {
        let mut entities = self.people(request)?;
        for mask in masks {
            let field = Attrs::from([
                (
                    "person".into(),
                    entity_ref(Self::uid(&self.person, request.person)),
                ),
                ("name".into(), string(&mask.field)),
                (
                    "visible_to".into(),
                    RestrictedExpression::new_set(
                        mask.visible_to.iter().map(|r| string(r.as_str())),
                    ),
                ),
            ]);
            entities.push(Self::entity(self.field_uid(request, mask), field)?);
        }
        // Two masks on one field are one entity: keep the first.
        let mut seen = HashSet::new();
        entities.retain(|e| seen.insert(e.uid()));
        Entities::from_entities(entities, Some(schema)).map_err(|e| e.to_string())
    }

    /// The context entries that are the same for every evaluation of
    /// `request`.
    pub fn shared_context(&self, request: &AccessRequest) -> Vec<(String, RestrictedExpression)> {
        let mut pairs = vec![
            ("purpose".into(), string(request.purpose.as_str())),
            ("now".into(), datetime(request.now)),
            (
                "relationships".into(),
                RestrictedExpression::new_set(request.relationships.iter().map(relationship)),
            ),
        ];
        if let Some(grant) = &request.break_glass {
            pairs.push(("break_glass".into(), self.break_glass(grant)));
        }
        pairs
    }

    /// The Cedar request for `request` considering one agreement and one
    /// consent directive.
    pub fn record_request(
        &self,
        request: &AccessRequest,
        shared: &[(String, RestrictedExpression)],
        agreement: Option<&AgreementFacts>,
        consent: Option<&ConsentFacts>,
        schema: &Schema,
    ) -> Result<Request, String> {
        let mut pairs = shared.to_vec();
        if let Some(agreement) = agreement {
            pairs.push(("agreement".into(), self.agreement(agreement)?));
        }
        if let Some(consent) = consent {
            pairs.push(("consent".into(), self.consent(consent)?));
        }
        let context = Context::from_pairs(pairs).map_err(|e| e.to_string())?;
        let action = match request.action {
            AccessAction::Read => &self.read,
            AccessAction::Write => &self.write,
        };
        Request::new(
            self.user_uid(&request.user),
            action.clone(),
            self.record_uid(request),
            context,
            Some(schema),
        )
        .map_err(|e| e.to_string())
    }

    pub fn field_request(
        &self,
        request: &AccessRequest,
        mask: &FieldMask,
        schema: &Schema,
    ) -> Result<Request, String> {
        Request::new(
            self.user_uid(&request.user),
            self.reveal.clone(),
            self.field_uid(request, mask),
            Context::empty(),
            Some(schema),
        )
        .map_err(|e| e.to_string())
    }

    fn agreement(&self, agreement: &AgreementFacts) -> Result<RestrictedExpression, String> {
        let grants = |write: bool| {
            RestrictedExpression::new_set(agreement.grants.iter().flat_map(|grant| {
                let categories = if write { &grant.write } else { &grant.read };
                categories.iter().map(|category| {
                    record([
                        ("role", string(grant.role.as_str())),
                        ("category", string(category.as_str())),
                    ])
                })
            }))
        };
        let mut fields = vec![
            ("status", string(agreement.status.as_str())),
            (
                "signed_by_every_party",
                RestrictedExpression::new_bool(agreement.signed_by_every_party),
            ),
            (
                "parties",
                RestrictedExpression::new_set(
                    agreement
                        .parties
                        .iter()
                        .map(|p| entity_ref(Self::uid(&self.organisation, p))),
                ),
            ),
            ("starts", date(agreement.starts_on)),
            (
                "purposes",
                RestrictedExpression::new_set(
                    agreement.purposes.iter().map(|p| string(p.as_str())),
                ),
            ),
            ("reads", grants(false)),
            ("writes", grants(true)),
        ];
        if let Some(ends) = agreement.ends_on {
            fields.push(("ends", date(ends)));
        }
        try_record(fields)
    }

    fn consent(&self, consent: &ConsentFacts) -> Result<RestrictedExpression, String> {
        let effect = match consent.effect {
            ConsentEffect::Permit => "permit",
            ConsentEffect::Deny => "deny",
        };
        let scope = &consent.scope;
        let mut fields = vec![("effect", string(effect))];
        if let Some(organisation) = scope.organisation {
            fields.push((
                "organisation",
                entity_ref(Self::uid(&self.organisation, organisation)),
            ));
        }
        if let Some(category) = scope.category {
            fields.push(("category", string(category.as_str())));
        }
        if let Some(purpose) = scope.purpose {
            fields.push(("purpose", string(purpose.as_str())));
        }
        if let Some(expires) = consent.expires_at {
            fields.push(("expires", datetime(expires)));
        }
        try_record(fields)
    }

    fn break_glass(&self, grant: &BreakGlassFacts) -> RestrictedExpression {
        record([
            ("user", entity_ref(Self::uid(&self.user, grant.user))),
            ("person", entity_ref(Self::uid(&self.person, grant.person))),
            ("basis", string(grant.basis.as_str())),
            ("granted", datetime(grant.granted_at)),
            ("expires", datetime(grant.expires_at)),
        ])
    }
}

fn relationship(relationship: &Relationship) -> RestrictedExpression {
    record([
        ("kind", string(relationship.kind.as_str())),
        ("ended", RestrictedExpression::new_bool(relationship.ended)),
    ])
}

fn string(value: &str) -> RestrictedExpression {
    RestrictedExpression::new_string(value.to_owned())
}

fn entity_ref(uid: EntityUid) -> RestrictedExpression {
    RestrictedExpression::new_entity_uid(uid)
}

/// Cedar's `datetime` to the millisecond, in UTC.
fn datetime(at: DateTime<Utc>) -> RestrictedExpression {
    RestrictedExpression::new_datetime(at.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string())
}

/// A date is its first instant, midnight UTC.
fn date(day: NaiveDate) -> RestrictedExpression {
    RestrictedExpression::new_datetime(day.format("%Y-%m-%d").to_string())
}

fn try_record(
    fields: Vec<(&'static str, RestrictedExpression)>,
) -> Result<RestrictedExpression, String> {
    RestrictedExpression::new_record(fields.into_iter().map(|(k, v)| (k.to_owned(), v)))
        .map_err(|e| e.to_string())
}

/// A record whose keys are distinct constants, so building it cannot fail.
fn record<const N: usize>(
    fields: [(&'static str, RestrictedExpression); N],
) -> RestrictedExpression {
    try_record(fields.into()).expect("distinct keys")
}
