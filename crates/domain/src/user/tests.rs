use proptest::prelude::*;

use super::*;

fn username(raw: &str) -> Username {
    Username::parse(raw).unwrap()
}

fn user(role: Role, person_id: Option<PersonId>) -> Result<User, UserError> {
    User::new(
        UserId::new(),
        username("sam.jones"),
        DisplayName::parse("Sam Jones").unwrap(),
        OrganisationId::new(),
        Some(TeamId::new()),
        role,
        person_id,
        false,
    )
}

#[test]
fn usernames_are_trimmed_and_lowercased() {
    assert_eq!(username("  Sam.Jones ").as_str(), "sam.jones");
    assert_eq!(username("7th_duty-desk").as_str(), "7th_duty-desk");
}

#[test]
fn bad_usernames_are_refused_with_the_rule() {
    for bad in [
        "a",
        ".sam",
        "-sam",
        "_sam",
        "sam jones",
        "sam@nhs",
        "sâm.jones",
        "\u{212A}elvin",
    ] {
        assert!(Username::parse(bad).is_err(), "{bad:?} should be refused");
    }
    assert!(Username::parse(&"a".repeat(64)).is_ok());
    assert!(Username::parse(&"a".repeat(65)).is_err());
    assert!(
        Username::parse("gp").is_ok(),
        "two letters is enough: the demo GP is `gp`"
    );
    let err = Username::parse("a").unwrap_err();
    assert_eq!(
        err.to_string(),
        "`a` is not a valid username: it must be 2 to 64 characters of letters, digits, `.`, `_` or `-`, starting with a letter or digit"
    );
}

#[test]
fn display_name_is_bounded_text() {
    assert_eq!(
        DisplayName::parse(" Dr Sam Jones ").unwrap().as_str(),
        "Dr Sam Jones"
    );
    assert_eq!(
        DisplayName::parse("").unwrap_err().to_string(),
        "`display name` must not be empty"
    );
    assert!(DisplayName::parse(&"x".repeat(101)).is_err());
}

#[test]
fn a_practitioner_has_no_person_record() {
    let gp = user(Role::Gp, None).unwrap();
    assert_eq!(gp.role(), Role::Gp);
    assert_eq!(gp.person_id(), None);
    let err = user(Role::Gp, Some(PersonId::new())).unwrap_err();
    assert_eq!(err.to_string(), "a user with the `gp` role must not be linked to a person record: only the `person` role is");
}

#[test]
fn a_person_user_points_at_their_own_record() {
    let person = PersonId::new();
    assert_eq!(
        user(Role::Person, Some(person)).unwrap().person_id(),
        Some(person)
    );
    let err = user(Role::Person, None).unwrap_err();
    assert_eq!(err, UserError::PersonRoleWithoutPerson);
    assert_eq!(
        err.to_string(),
        "a user with the `person` role must be linked to a person record"
    );
}

#[test]
fn disabling_keeps_everything_else() {
    let active = user(Role::SupportWorker, None).unwrap();
    let disabled = active.clone().with_disabled(true);
    assert!(disabled.disabled());
    assert_eq!(disabled.with_disabled(false), active);
}

#[test]
fn user_json_round_trips_and_is_validated() {
    let person = user(Role::Person, Some(PersonId::new())).unwrap();
    let json = serde_json::to_value(&person).unwrap();
    assert_eq!(json["role"], "person");
    assert_eq!(json["username"], "sam.jones");
    assert_eq!(
        serde_json::from_value::<User>(json.clone()).unwrap(),
        person
    );
    let mut broken = json.clone();
    broken["person_id"] = serde_json::Value::Null;
    assert!(serde_json::from_value::<User>(broken).is_err());
    let mut bad_name = json;
    bad_name["username"] = "x".into();
    assert!(serde_json::from_value::<User>(bad_name).is_err());
}

proptest! {
    #[test]
    fn username_accepted_exactly_when_its_lowercase_form_fits(raw in "[ a-zA-Z0-9._@-]{0,70}") {
        let lower = raw.trim().to_ascii_lowercase();
        let fits = lower.len() >= 2
            && lower.len() <= 64
            && lower.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || ".-_".contains(c))
            && lower.chars().next().is_some_and(|c| c.is_ascii_alphanumeric());
        let parsed = Username::parse(&raw);
        prop_assert_eq!(parsed.is_ok(), fits, "{:?}", raw);
        if let Ok(name) = parsed {
            prop_assert_eq!(name.as_str(), lower.as_str());
            prop_assert_eq!(Username::parse(name.as_str()), Ok(name.clone()));
        }
    }

    #[test]
    fn username_never_admits_non_ascii(prefix in "[a-z]{3,6}", odd in "[^\\x00-\\x7F]", suffix in "[a-z]{1,3}") {
        let raw = format!("{prefix}{odd}{suffix}");
        prop_assert!(Username::parse(&raw).is_err());
    }

    #[test]
    fn user_is_valid_exactly_when_person_role_and_person_link_agree(
        role in prop::sample::select(Role::ALL.to_vec()),
        linked in any::<bool>(),
    ) {
        let person_id = linked.then(PersonId::new);
        let result = user(role, person_id);
        prop_assert_eq!(
            result.is_ok(),
            (role == Role::Person) == linked && role != Role::Carer
        );
        if let Ok(u) = result {
            prop_assert_eq!(u.person_id(), person_id);
        }
    }
}

#[test]
fn only_a_carer_is_linked_as_a_carer_and_a_carer_always_is() {
    assert_eq!(
        user(Role::Carer, None),
        Err(UserError::CarerRoleWithoutPerson)
    );
    let link = CarerOf {
        person: PersonId::new(),
        related_person: crate::ids::RelatedPersonId::new(),
    };
    let carer = User::carer(
        UserId::new(),
        username("jean.reid"),
        DisplayName::parse("Jean Reid").unwrap(),
        OrganisationId::new(),
        link,
        false,
    );
    assert_eq!(carer.role(), Role::Carer);
    assert_eq!(carer.carer_of(), Some(link));
    assert_eq!(carer.person_id(), None);

    // Through its serialised form, as a session or token stores it.
    let json = serde_json::to_value(&carer).unwrap();
    assert_eq!(serde_json::from_value::<User>(json.clone()).unwrap(), carer);
    let mut as_police = json.clone();
    as_police["role"] = "police-officer".into();
    assert!(serde_json::from_value::<User>(as_police).is_err());
    let mut unlinked = json;
    unlinked["carer_of"] = serde_json::Value::Null;
    assert!(serde_json::from_value::<User>(unlinked).is_err());
}
