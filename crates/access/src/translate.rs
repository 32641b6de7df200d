//! Facts into Cedar: entities for the user, their organisation, the person
//! and the record (or field) asked about, and the context of one evaluation.
//! This is a faithful copy of the facts into the schema's shapes — no fact
//! is filtered, combined or judged here; that is the policies' work.

use std::collections::{HashMap, HashSet};
use std::str::FromStr;
use std::sync::Mutex;

use cedar_policy::{
    Context, Entities, Entity, EntityId, EntityTypeName, EntityUid, Request, RestrictedExpression,
    Schema,
};
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use concordat_bounded::BoundedMap;
use concordat_domain::carer::CarerItem;
use concordat_domain::category::DataCategory;
use concordat_domain::consent::{ConsentEffect, ConsentScope};
use concordat_domain::ids::AgreementId;

use crate::facts::{
    AdvanceChoiceFacts, AgreementFacts, BreakGlassFacts, ConsentFacts, Crisis, Relationship,
};
use crate::mask::FieldMask;
use crate::request::{AccessAction, AccessRequest, Principal};

type Attrs = HashMap<String, RestrictedExpression>;

/// Agreements whose entities are kept: a partnership has a handful, and
/// nearly every request carries the same few.
const KEPT_AGREEMENTS: usize = 256;

/// The entity type names and action ids, made once; and agreement entities
/// as built, by position and id, each with the facts it was built from.
/// Building an agreement (its grants as tags, each a record of sets) is
/// most of the work of building a request's entities, and the same few
/// agreements are in nearly every request; a kept one is used only for
/// facts equal to those it was built from.
#[derive(Debug)]
pub(crate) struct Translator {
    user: EntityTypeName,
    organisation: EntityTypeName,
    person: EntityTypeName,
    record: EntityTypeName,
    field: EntityTypeName,
    agreement: EntityTypeName,
    consent: EntityTypeName,
    advance_choice: EntityTypeName,
    read: EntityUid,
    write: EntityUid,
    reveal: EntityUid,
    agreements: Mutex<BoundedMap<(usize, AgreementId), (AgreementFacts, Entity)>>,
}

impl Translator {
    pub fn new() -> Self {
        Self::keeping(KEPT_AGREEMENTS)
    }

    /// A translator that builds every entity afresh, for measuring the
    /// decision's whole work.
    pub fn keeping_nothing() -> Self {
        Self::keeping(0)
    }

    fn keeping(agreements: usize) -> Self {
        // Constant names the schema declares, so parsing them cannot fail.
        let name = |n: &str| EntityTypeName::from_str(n).expect("a valid entity type name");
        let action = |a: &str| EntityUid::from_type_name_and_id(name("Action"), EntityId::new(a));
        Self {
            user: name("User"),
            organisation: name("Organisation"),
            person: name("Person"),
            record: name("Record"),
            field: name("Field"),
            agreement: name("Agreement"),
            consent: name("Consent"),
            advance_choice: name("AdvanceChoice"),
            read: action(AccessAction::Read.as_str()),
            write: action(AccessAction::Write.as_str()),
            reveal: action("reveal"),
            agreements: Mutex::new(BoundedMap::new(agreements)),
        }
    }

    fn uid(ty: &EntityTypeName, id: impl ToString) -> EntityUid {
        EntityUid::from_type_name_and_id(ty.clone(), EntityId::new(id.to_string()))
    }

    fn user_uid(&self, actor: &Principal) -> EntityUid {
        Self::uid(&self.user, actor.id)
    }

    fn record_uid(&self, request: &AccessRequest) -> EntityUid {
        Self::uid(
            &self.record,
            format!("{}/{}", request.person, request.category.as_str()),
        )
    }

    /// Agreements and directives are named by their position in the request,
    /// so a fact passed twice is two entities, not a clash.
    fn agreement_uid(&self, position: usize, agreement: &AgreementFacts) -> EntityUid {
        Self::uid(&self.agreement, format!("{position}/{}", agreement.id))
    }

    fn consent_uid(&self, position: usize, consent: &ConsentFacts) -> EntityUid {
        Self::uid(&self.consent, format!("{position}/{}", consent.id))
    }

    fn advance_choice_uid(&self, choice: &AdvanceChoiceFacts) -> EntityUid {
        Self::uid(
            &self.advance_choice,
            format!("{}/{}", choice.document, choice.position),
        )
    }

    fn field_uid(&self, request: &AccessRequest, mask: &FieldMask) -> EntityUid {
        Self::uid(&self.field, format!("{}/{}", request.person, mask.field))
    }

    fn entity(uid: EntityUid, attrs: Attrs) -> Result<Entity, String> {
        Entity::new(uid, attrs, HashSet::new()).map_err(|e| e.to_string())
    }

    /// The user, whom every evaluation of `request` shares.
    fn people(&self, request: &AccessRequest) -> Result<Vec<Entity>, String> {
        let actor = &request.user;
        let mut user = Attrs::from([
            ("role".into(), string(actor.role.as_str())),
            (
                "crisis_role".into(),
                RestrictedExpression::new_bool(actor.role.is_crisis_role()),
            ),
            (
                "professional".into(),
                RestrictedExpression::new_bool(actor.role.is_professional()),
            ),
            (
                "organisation".into(),
                entity_ref(Self::uid(&self.organisation, actor.organisation)),
            ),
        ]);
        if let Some(own) = actor.person {
            user.insert("person".into(), entity_ref(Self::uid(&self.person, own)));
        }
        if let Some(cared_for) = actor.carer_of {
            user.insert(
                "carer_of".into(),
                entity_ref(Self::uid(&self.person, cared_for)),
            );
        }
        // Organisations and people are only ever compared, never looked
        // into, so they need no entities of their own: Cedar compares
        // references without them.
        Ok(vec![Self::entity(self.user_uid(actor), user)?])
    }

    /// Every entity the evaluations of `request` share: the people, the
    /// record, and each agreement and consent directive (built once here, so
    /// each evaluation only points at its candidates).
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
        for (position, agreement) in request.agreements.iter().enumerate() {
            entities.push(self.agreement_entity(position, agreement)?);
        }
        for (position, consent) in request.consents.iter().enumerate() {
            entities.push(Self::entity(
                self.consent_uid(position, consent),
                self.consent(consent),
            )?);
        }
        for choice in &request.advance_choices {
            entities.push(Self::entity(
                self.advance_choice_uid(choice),
                self.advance_choice(choice),
            )?);
        }
        Entities::from_entities(
            entities,
            None.filter(|_: &&Schema| schema.request_envs().next().is_none()),
        )
        .map_err(|e| e.to_string())
    }

    /// The entity of `agreement` at `position`: kept if built from equal
    /// facts, else built now (and kept).
    fn agreement_entity(
        &self,
        position: usize,
        agreement: &AgreementFacts,
    ) -> Result<Entity, String> {
        let key = (position, agreement.id);
        let kept = |map: &mut BoundedMap<_, (AgreementFacts, Entity)>| {
            map.get_mut(&key)
                .filter(|(facts, _)| facts == agreement)
                .map(|(_, entity)| entity.clone())
        };
        if let Some(entity) = kept(&mut self.agreements.lock().unwrap_or_else(|e| e.into_inner())) {
            return Ok(entity);
        }
        let (attrs, grants) = self.agreement(agreement);
        let entity =
            Entity::new_with_tags(self.agreement_uid(position, agreement), attrs, [], grants)
                .map_err(|e| e.to_string())?;
        self.agreements
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(key, (agreement.clone(), entity.clone()));
        Ok(entity)
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
        Entities::from_entities(entities, checked_against(schema)).map_err(|e| e.to_string())
    }

    /// The context entries that are the same for every evaluation of
    /// `request`.
    pub fn shared_context(&self, request: &AccessRequest) -> Vec<(String, RestrictedExpression)> {
        let mut pairs = vec![
            ("purpose".into(), string(request.purpose.as_str())),
            ("now".into(), time(request.now)),
            (
                "relationships".into(),
                RestrictedExpression::new_set(request.relationships.iter().map(relationship)),
            ),
            (
                "crises".into(),
                RestrictedExpression::new_set(request.crises.iter().map(crisis)),
            ),
            (
                "carer_items".into(),
                RestrictedExpression::new_set(request.carer_items.iter().map(|i| carer_item(*i))),
            ),
        ];
        if let Some(item) = request.carer_item {
            pairs.push(("carer_item".into(), string(item.as_str())));
        }
        if let Some(grant) = &request.break_glass {
            pairs.push(("break_glass".into(), self.break_glass(grant)));
        }
        pairs
    }

    /// The Cedar request for `request` considering one agreement and one
    /// consent directive, each given with its position in the request.
    pub fn record_request(
        &self,
        request: &AccessRequest,
        shared: &[(String, RestrictedExpression)],
        agreement: Option<(usize, &AgreementFacts)>,
        consent: Option<(usize, &ConsentFacts)>,
        advance_choice: Option<&AdvanceChoiceFacts>,
        schema: &Schema,
    ) -> Result<Request, String> {
        let mut pairs = shared.to_vec();
        if let Some((position, agreement)) = agreement {
            pairs.push((
                "agreement".into(),
                entity_ref(self.agreement_uid(position, agreement)),
            ));
        }
        if let Some((position, consent)) = consent {
            pairs.push((
                "consent".into(),
                entity_ref(self.consent_uid(position, consent)),
            ));
        }
        if let Some(choice) = advance_choice {
            pairs.push((
                "advance_choice".into(),
                entity_ref(self.advance_choice_uid(choice)),
            ));
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
            checked_against(schema),
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
            checked_against(schema),
        )
        .map_err(|e| e.to_string())
    }

    /// The agreement's attributes, and its grants as tags named by role.
    fn agreement(&self, agreement: &AgreementFacts) -> (Attrs, Attrs) {
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
        ];
        if let Some(ends) = agreement.ends_on {
            fields.push(("ends", date(ends)));
        }
        let categories = |set: &std::collections::BTreeSet<_>| {
            RestrictedExpression::new_set(set.iter().map(|c: &DataCategory| string(c.as_str())))
        };
        let grants = agreement
            .grants
            .iter()
            .map(|grant| {
                let value = record([
                    ("reads", categories(&grant.read)),
                    ("writes", categories(&grant.write)),
                ]);
                (grant.role.as_str().to_owned(), value)
            })
            .collect();
        (attrs(fields), grants)
    }

    fn consent(&self, consent: &ConsentFacts) -> Attrs {
        let effect = match consent.effect {
            ConsentEffect::Permit => "permit",
            ConsentEffect::Deny => "deny",
        };
        let mut fields = vec![("effect", string(effect))];
        self.push_scope(&mut fields, &consent.scope);
        if let Some(expires) = consent.expires_at {
            fields.push(("expires", time(expires)));
        }
        fields.push((
            "holds_in_crisis",
            RestrictedExpression::new_bool(consent.holds_in_crisis),
        ));
        attrs(fields)
    }

    fn advance_choice(&self, choice: &AdvanceChoiceFacts) -> Attrs {
        let mut fields = vec![("during", string(choice.during.as_str()))];
        self.push_scope(&mut fields, &choice.scope);
        attrs(fields)
    }

    /// What a directive or an advance choice covers: each field left out
    /// covers everything.
    fn push_scope(
        &self,
        fields: &mut Vec<(&'static str, RestrictedExpression)>,
        scope: &ConsentScope,
    ) {
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
    }

    fn break_glass(&self, grant: &BreakGlassFacts) -> RestrictedExpression {
        record([
            ("user", entity_ref(Self::uid(&self.user, grant.user))),
            ("person", entity_ref(Self::uid(&self.person, grant.person))),
            ("basis", string(grant.basis.as_str())),
            ("granted", time(grant.granted_at)),
            ("expires", time(grant.expires_at)),
        ])
    }
}

fn crisis(crisis: &Crisis) -> RestrictedExpression {
    record([
        ("kind", string(crisis.kind.as_str())),
        ("ended", RestrictedExpression::new_bool(crisis.ended)),
    ])
}

/// An item a carer may see, with the category of the record it is part of.
fn carer_item(item: CarerItem) -> RestrictedExpression {
    record([
        ("item", string(item.as_str())),
        ("category", string(item.category().as_str())),
    ])
}

fn relationship(relationship: &Relationship) -> RestrictedExpression {
    record([
        ("kind", string(relationship.kind.as_str())),
        ("ended", RestrictedExpression::new_bool(relationship.ended)),
    ])
}

fn attrs(fields: Vec<(&'static str, RestrictedExpression)>) -> Attrs {
    fields.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()
}

fn string(value: &str) -> RestrictedExpression {
    RestrictedExpression::new_string(value.to_owned())
}

fn entity_ref(uid: EntityUid) -> RestrictedExpression {
    RestrictedExpression::new_entity_uid(uid)
}

/// A moment, as the schema has it: milliseconds since 1970 began, UTC.
pub(crate) fn millis(at: DateTime<Utc>) -> i64 {
    at.timestamp_millis()
}

/// A date is its first instant, midnight UTC.
pub(crate) fn date_millis(day: NaiveDate) -> i64 {
    millis(day.and_time(NaiveTime::MIN).and_utc())
}

// INVARIANT: every time given to Cedar goes through `time` or `date`, and
// `memo::fact_times` lists each of them but `now`.
fn time(at: DateTime<Utc>) -> RestrictedExpression {
    RestrictedExpression::new_long(millis(at))
}

fn date(day: NaiveDate) -> RestrictedExpression {
    RestrictedExpression::new_long(date_millis(day))
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

/// The schema a request or its entities are checked against as they are
/// built: in every build the tests run (debug), so a translation that
/// strays from the schema fails them; not in a release build, where the
/// check would cost about a quarter of each decision and add no safety —
/// a request that strays makes its rules err, and the engine denies any
/// request whose evaluation errs (`AccessEngine::evaluate`).
fn checked_against(schema: &Schema) -> Option<&Schema> {
    cfg!(debug_assertions).then_some(schema)
}
