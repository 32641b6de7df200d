//! Gathering, from the store, the facts the access decision looks at: the
//! agreements of the user's organisation, the person's consent directives,
//! the user's relationships with the person, and any break-glass override.
//! What is read may be kept between requests only under the access versions
//! it was read under (see `cache.rs`), so a refusal recorded, an agreement
//! suspended or a user disabled a moment ago counts now. Nothing here judges: ended, expired and suspended facts are passed on as they
//! are, and the policies decide what they count for.

use chrono::{DateTime, Utc};
use concordat_access::{
    AccessAction, AccessRequest, AdvanceChoiceFacts, AgreementFacts, BreakGlassFacts, ConsentFacts,
    Crisis, LookUpReason, Principal, Relationship,
};
use concordat_domain::advance_choice::{ChoiceEffect, CrisisKind};
use concordat_domain::break_glass::BreakGlass;
use concordat_domain::carer::{CarerItem, ShareBasis};
use concordat_domain::category::DataCategory;
use concordat_domain::consent::{ConsentEffect, ConsentScope};
use concordat_domain::contact_event::{ContactKind, ContactLasts};
use concordat_domain::ids::{ConsentId, OrganisationId, PersonId, UserId};
use concordat_domain::purpose::Purpose;
use concordat_domain::role::Role;
use concordat_domain::user::User;
use concordat_store::advance_choices::{self, AdvanceChoices};
use concordat_store::look_ups::{self, LookUp};
use concordat_store::relationships::{CareRelationship, Opening, RelationshipKind};
use concordat_store::{
    agreements, break_glass, care_teams, carers, consent, organisations, relationships, Conn,
    StoreError,
};

/// How the reason a crisis look-up was made with begins, in its audit
/// entry and as the relationship it opened: the person's access log shows
/// it as the looker's own reason.
pub const LOOK_UP_PREFIX: &str = "crisis look-up: ";

/// The least a repeated crisis look-up must move its relationship's end by
/// to be written: an officer refreshing the same page writes its audit
/// entry each time, and the relationship once a minute at most (so it may
/// end up to a minute sooner than four hours after the latest look-up).
const RENEWED_BY_AT_LEAST: chrono::Duration = chrono::Duration::minutes(1);

/// Whose [`Sources`] a cache entry holds: the user, as the token or session
/// found them this request, and the person.
pub type SourcesKey = (UserId, OrganisationId, Role, PersonId);

/// What is known about one user and one person at one moment.
#[derive(Debug, Clone, Default)]
pub struct Facts {
    pub agreements: Vec<AgreementFacts>,
    pub consents: Vec<ConsentFacts>,
    pub relationships: Vec<Relationship>,
    pub break_glass: Option<BreakGlassFacts>,
    pub advance_choices: Vec<AdvanceChoiceFacts>,
    pub crises: Vec<Crisis>,
    /// For a carer, what they may see now and what each stands on (the
    /// person's choice or a best-interests decision).
    pub carer_items: Vec<(CarerItem, ShareBasis)>,
    /// The current relationships in words ("contact: street triage recorded
    /// by PC Ian Shaw, until 03:42"), for the audit entry of an access they
    /// made legitimate, and so for the person's access log.
    pub grounds: Vec<String>,
}

impl Facts {
    pub fn request(
        &self,
        user: &User,
        person: PersonId,
        action: AccessAction,
        category: DataCategory,
        purpose: Purpose,
        now: DateTime<Utc>,
    ) -> AccessRequest {
        AccessRequest {
            user: Principal::from_user(user),
            person,
            action,
            category,
            purpose,
            now,
            agreements: self.agreements.clone(),
            consents: self.consents.clone(),
            relationships: self.relationships.clone(),
            break_glass: self.break_glass.clone(),
            advance_choices: self.advance_choices.clone(),
            crises: self.crises.clone(),
            carer_item: None,
            carer_items: self.carer_items.iter().map(|(item, _)| *item).collect(),
        }
    }

    /// What `item` stands on for a carer who may see it: `None` when
    /// they may not.
    pub fn carer_basis(&self, item: CarerItem) -> Option<ShareBasis> {
        self.carer_items
            .iter()
            .find(|(shared, _)| *shared == item)
            .map(|(_, basis)| *basis)
    }
}

/// Everything the store says about one user and one person, before any of
/// it is judged against a moment: what [`gather`] reads. Kept between
/// requests (see `cache.rs`) while the access versions it was read under
/// are current.
#[derive(Debug, Clone, Default)]
pub struct Sources {
    agreements: Vec<AgreementFacts>,
    consents: Vec<ConsentFacts>,
    care_team: bool,
    relationships: Vec<CareRelationship>,
    /// The user's own crisis look-ups of the person (a crisis role's only).
    /// They move no access version, so a kept copy of these is never
    /// trusted: see [`Sources::with_look_ups`].
    look_ups: Vec<CareRelationship>,
    break_glass: Vec<BreakGlass>,
    /// The person's advance choice document in force, if any.
    advance_choices: Option<AdvanceChoices>,
    /// The crises the person has been in, by kind of contact, and when the
    /// latest of each ends: read only when an advance choice waits for one.
    crises: Vec<(ContactKind, DateTime<Utc>)>,
    /// For a carer's account, what it may see and on what basis.
    carer_items: Vec<(CarerItem, ShareBasis)>,
}

/// The facts about `user` and `person` at `now`, read from the store.
pub async fn gather(
    conn: &mut Conn,
    user: &User,
    person: PersonId,
    now: DateTime<Utc>,
) -> Result<Facts, StoreError> {
    Ok(Sources::load(conn, user, person).await?.at(user, now))
}

impl Sources {
    pub async fn load(conn: &mut Conn, user: &User, person: PersonId) -> Result<Self, StoreError> {
        // A person reading their own record needs none of a professional's
        // facts; the policies check that the record is theirs.
        if user.role() == Role::Person {
            return Ok(Self::default());
        }
        // Nor does a carer: the person's choices for them are all there is.
        if let Some(carer_of) = user.carer_of() {
            let carer_items = if carer_of.person == person {
                carers::items_for(conn, user.id(), carer_of).await?
            } else {
                Vec::new()
            };
            return Ok(Self {
                carer_items,
                ..Self::default()
            });
        }
        let agreements = agreements::agreements_of_organisation(conn, user.organisation_id())
            .await?
            .iter()
            .map(AgreementFacts::from)
            .collect();

        let mut consents = Vec::new();
        for directive in consent::directives_of(conn, person).await? {
            let organisation_name = Self::named(conn, directive.scope()).await?;
            consents.push(ConsentFacts::from_directive(&directive, organisation_name));
        }
        let advance_choices = advance_choices::in_force(conn, person).await?;
        let waits_for_a_crisis = advance_choices.as_ref().is_some_and(|d| {
            d.choices
                .iter()
                .any(|c| c.effect == ChoiceEffect::LetDuringCrisis)
        });
        let crises = if waits_for_a_crisis {
            advance_choices::crises_of(conn, person).await?
        } else {
            Vec::new()
        };
        if let Some(document) = &advance_choices {
            consents.extend(Self::refusals_in(conn, document).await?);
        }

        Ok(Self {
            agreements,
            consents,
            care_team: care_teams::is_care_team_member(conn, person, user.id()).await?,
            relationships: relationships::relationships_of(conn, person, user.organisation_id())
                .await?,
            look_ups: Self::look_ups_of(conn, user, person).await?,
            break_glass: break_glass::grants_for(conn, user.id(), person).await?,
            advance_choices,
            crises,
            carer_items: Vec::new(),
        })
    }

    /// The name of the organisation a refusal covers, for its words.
    async fn named(conn: &mut Conn, scope: &ConsentScope) -> Result<Option<String>, StoreError> {
        Ok(match scope.organisation {
            Some(id) => organisations::organisation_by_id(conn, id)
                .await?
                .map(|o| o.name().to_owned()),
            None => None,
        })
    }

    /// The refusals in the person's advance choices, as consent facts that
    /// hold even in a crisis. Each is named by its document and place, so
    /// the same document gives the same facts.
    async fn refusals_in(
        conn: &mut Conn,
        document: &AdvanceChoices,
    ) -> Result<Vec<ConsentFacts>, StoreError> {
        let mut refusals = Vec::new();
        for (position, choice) in document.choices.iter().enumerate() {
            if choice.effect != ChoiceEffect::RefuseEvenInCrisis {
                continue;
            }
            let organisation_name = Self::named(conn, &choice.scope).await?;
            let place = u128::try_from(position).unwrap_or_default() + 1;
            refusals.push(ConsentFacts {
                id: ConsentId::from_uuid(uuid::Uuid::from_u128(
                    document.id.as_uuid().as_u128() ^ place,
                )),
                effect: ConsentEffect::Deny,
                scope: choice.scope,
                expires_at: None,
                organisation_name,
                holds_in_crisis: true,
            });
        }
        Ok(refusals)
    }

    /// Whether `user`'s own look-ups count for anything: only a crisis role
    /// may make one, and the policies grant nothing by anyone else's.
    pub fn reads_look_ups(user: &User) -> bool {
        user.role().is_crisis_role()
    }

    /// `user`'s own look-ups of `person` as they stand in the store.
    pub async fn look_ups_of(
        conn: &mut Conn,
        user: &User,
        person: PersonId,
    ) -> Result<Vec<CareRelationship>, StoreError> {
        if !Self::reads_look_ups(user) {
            return Ok(Vec::new());
        }
        look_ups::look_ups_of(conn, user.id(), user.organisation_id(), person).await
    }

    /// These sources with the user's look-ups as they stand now, for kept
    /// sources (whose look-ups may be older than the latest).
    pub fn with_look_ups(&self, look_ups: Vec<CareRelationship>) -> Self {
        Self {
            look_ups,
            ..self.clone()
        }
    }

    /// These sources with `relationship` in place, as an act that is itself
    /// a relationship (a crisis look-up) leaves them at `now`, and what to
    /// write for it: the same act's relationship still live — the same
    /// kind, user, team and reason — lasting until the new end, or else a
    /// new relationship.
    ///
    /// INVARIANT: the sources returned are what [`Sources::load`] reads
    /// once the write has committed, if nothing else changed meanwhile.
    pub fn opened(
        &self,
        relationship: CareRelationship,
        now: DateTime<Utc>,
    ) -> (Self, Option<Opening>) {
        let mut opened = self.clone();
        if let Some(look_up) = LookUp::from_relationship(&relationship) {
            // Recorded beside the audit log, renewed there by its reason.
            match opened
                .look_ups
                .iter_mut()
                .find(|r| r.reason == relationship.reason)
            {
                // Looked up again within the minute (a page refreshed): the
                // act is audited, but its relationship would end no more
                // than a minute later, so nothing is written.
                Some(kept)
                    if kept.ends_at > now
                        && kept.ends_at + RENEWED_BY_AT_LEAST > relationship.ends_at =>
                {
                    return (opened, None);
                }
                Some(kept) if kept.ends_at > now => {
                    kept.ends_at = kept.ends_at.max(relationship.ends_at);
                }
                Some(kept) => *kept = relationship,
                None => opened.look_ups.push(relationship),
            }
            return (opened, Some(Opening::LookUp(look_up)));
        }
        let same = opened.relationships.iter_mut().find(|r| {
            r.kind == relationship.kind
                && r.user == relationship.user
                && r.team == relationship.team
                && r.contact_kind == relationship.contact_kind
                && r.reason == relationship.reason
                && r.ends_at > now
        });
        let opening = Some(match same {
            Some(live) => {
                // The write never shortens a relationship; nor does this.
                live.ends_at = live.ends_at.max(relationship.ends_at);
                Opening::Renewed {
                    id: live.id,
                    person: relationship.person,
                    ends_at: relationship.ends_at,
                }
            }
            None => {
                opened.relationships.push(relationship.clone());
                Opening::New(relationship)
            }
        });
        (opened, opening)
    }

    /// The facts as they stand at `now`: which relationships are this
    /// user's, which have ended, which override is live.
    ///
    /// INVARIANT: this is the one place that says whose a stored
    /// relationship is. A referral is its organisation's; a contact is the
    /// team's or the user's it names, and no one else's (one naming
    /// neither is no one's); a crisis look-up is the user's who made it.
    pub fn at(&self, user: &User, now: DateTime<Utc>) -> Facts {
        let mut relationships = Vec::new();
        let mut grounds = Vec::new();
        if self.care_team {
            relationships.push(Relationship::care_team());
            grounds.push("member of the person's care team".to_owned());
        }
        for r in self.relationships.iter().chain(&self.look_ups) {
            let (relationship, ground) = match r.kind {
                RelationshipKind::ActiveContact => {
                    let named = r.user == Some(user.id())
                        || r.team.is_some_and(|team| user.team_id() == Some(team));
                    if !named {
                        continue;
                    }
                    (Relationship::contact(), format!("contact: {}", r.reason))
                }
                RelationshipKind::Referral => {
                    (Relationship::referral(), format!("referral: {}", r.reason))
                }
                RelationshipKind::CaseMember => {
                    let named = r.user == Some(user.id())
                        || r.team.is_some_and(|team| user.team_id() == Some(team));
                    if !named {
                        continue;
                    }
                    (
                        Relationship::case_member(),
                        format!("multi-agency case: {}", r.reason),
                    )
                }
                RelationshipKind::MatchReview => {
                    // The reviewer's own, as a look-up is.
                    if r.user != Some(user.id()) {
                        continue;
                    }
                    (
                        Relationship::match_review(),
                        format!("reviewing a possible match: {}", r.reason),
                    )
                }
                RelationshipKind::CrisisLookup => {
                    // A look-up is the user's own, with its reason; a
                    // colleague's look-up gives this user nothing.
                    if r.user != Some(user.id()) {
                        continue;
                    }
                    match LookUpReason::parse(&r.reason) {
                        Ok(reason) => (
                            Relationship::crisis_look_up(reason),
                            format!("{LOOK_UP_PREFIX}{}", r.reason),
                        ),
                        Err(_) => continue,
                    }
                }
            };
            if r.ends_at <= now {
                relationships.push(relationship.ended());
            } else {
                relationships.push(relationship);
                let until = match r.contact_kind.map(ContactKind::lasts) {
                    Some(ContactLasts::UntilDischarge) => "until discharge".to_owned(),
                    _ => format!("until {}", concordat_domain::dates::when(r.ends_at)),
                };
                grounds.push(format!("{ground} ({until})"));
            }
        }

        // The live override if there is one, else the latest (which the
        // policies will find expired).
        let chosen = self
            .break_glass
            .iter()
            .find(|g| g.is_live(now))
            .or_else(|| self.break_glass.last());
        Facts {
            agreements: self.agreements.clone(),
            consents: self.consents.clone(),
            relationships,
            break_glass: chosen.map(BreakGlassFacts::from),
            advance_choices: self.advance_choice_facts(),
            crises: self.crises_at(now),
            carer_items: self.carer_items.clone(),
            grounds,
        }
    }
}

impl Sources {
    /// The choices to let in the document in force.
    fn advance_choice_facts(&self) -> Vec<AdvanceChoiceFacts> {
        let Some(document) = &self.advance_choices else {
            return Vec::new();
        };
        document
            .choices
            .iter()
            .enumerate()
            .filter_map(|(position, choice)| {
                Some(AdvanceChoiceFacts {
                    document: document.id,
                    position,
                    during: choice.during?,
                    scope: choice.scope,
                    witnessed_on: document.witnessed_at.date_naive(),
                })
            })
            .collect()
    }

    /// Each crisis the person's contacts put them in, open or ended at
    /// `now` (open if any contact of a kind that is that crisis is open).
    fn crises_at(&self, now: DateTime<Utc>) -> Vec<Crisis> {
        let mut crises: Vec<Crisis> = Vec::new();
        for (kind, ends_at) in &self.crises {
            for &crisis in CrisisKind::of_contact(*kind) {
                let ended = *ends_at <= now;
                match crises.iter_mut().find(|c| c.kind == crisis) {
                    Some(known) => known.ended &= ended,
                    None => crises.push(Crisis {
                        kind: crisis,
                        ended,
                    }),
                }
            }
        }
        crises.sort();
        crises
    }
}
