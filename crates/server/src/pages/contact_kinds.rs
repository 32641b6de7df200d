//! The kinds of contact made at the scene, as a form's choices: offered by
//! the crisis look-up and by recording a contact with a person.

use concordat_domain::contact_event::ContactKind;

/// One kind of contact as a choice on a form.
pub(crate) struct KindOpt {
    pub value: &'static str,
    pub label: &'static str,
    pub chosen: bool,
}

pub(crate) fn kinds(chosen: &str) -> Vec<KindOpt> {
    ContactKind::AT_THE_SCENE
        .iter()
        .map(|k| KindOpt {
            value: k.as_str(),
            label: k.label(),
            chosen: k.as_str() == chosen,
        })
        .collect()
}
