//! The partnership's outcome measures: what each counts, written once, so
//! the page, the downloads and the README say the same thing.

use crate::vocabulary::closed_vocabulary;

closed_vocabulary! {
    /// One monthly figure the partnership keeps.
    pub enum Measure, error MeasureError = "an outcome measure" {
        Section136 = "section-136", "Section 136 detentions";
        Section136HealthBased = "section-136-health-based", "Detentions taken to a health-based place of safety";
        Section136PoliceStation = "section-136-police-station", "Detentions taken to a police station";
        Section136Ambulance = "section-136-ambulance", "Detentions conveyed by ambulance";
        StreetTriage = "street-triage", "Street triage contacts";
        StreetTriageDiverted = "street-triage-diverted", "Street triage without a detention";
        CrisisContacts = "crisis-contacts", "Emergency crisis contacts";
        RepeatContactPeople = "repeat-contact-people", "People with 3 or more crisis contacts in 30 days";
        FrequentContactIdentified = "frequent-contact-identified", "People newly identified as in frequent contact";
        FrequentContactPeople = "frequent-contact-people", "People on the frequent contact list";
        LookUps = "look-ups", "Crisis look-ups";
        LookUpsWithPlan = "look-ups-with-plan", "Look-ups that found an agreed plan";
        LookUpsOutOfHours = "look-ups-out-of-hours", "Look-ups out of hours";
        BreakGlass = "break-glass", "Break-glass uses";
        BreakGlassAppropriate = "break-glass-appropriate", "Break-glass uses found appropriate at review";
        BreakGlassInappropriate = "break-glass-inappropriate", "Break-glass uses found inappropriate at review";
        BreakGlassUnreviewed = "break-glass-unreviewed", "Break-glass uses not yet reviewed";
        Referrals = "referrals", "Referrals sent";
        ReferralsAcknowledgedInTime = "referrals-acknowledged-in-time", "Referrals acknowledged in time";
        ReferralsAnsweredInTime = "referrals-answered-in-time", "Referrals answered in time";
        ReferralsEscalated = "referrals-escalated", "Referrals escalated";
        HoursToAcknowledge = "hours-to-acknowledge", "Hours to acknowledge a referral";
        HoursToAnswer = "hours-to-answer", "Hours to answer a referral";
        PlansAgreed = "plans-agreed", "People with an agreed crisis plan";
        PlansInDate = "plans-in-date", "Agreed plans in date";
        PlansReviewOverdue = "plans-review-overdue", "Agreed plans overdue for review";
        PlansSayWhatDoesNotHelp = "plans-say-what-does-not-help", "Agreed plans that say what does not help";
        Caseload = "caseload", "People on mental health teams' caseloads";
        CaseloadWithPlan = "caseload-with-plan", "Caseload with an agreed crisis plan";
        CaseloadPlanInDate = "caseload-plan-in-date", "Caseload whose agreed plan is in date";
        CaseloadReviewOverdue = "caseload-review-overdue", "Caseload whose agreed plan is overdue for review";
        CaseloadSaysWhatDoesNotHelp = "caseload-says-what-does-not-help", "Caseload whose agreed plan says what does not help";
        RefusalsInForce = "refusals-in-force", "People refusing to share with a partner";
        Discharges = "discharges", "Discharges from hospital";
        DischargesFollowedUp = "discharges-followed-up", "Discharges followed up within 72 hours";
        DischargesCarerAgreed = "discharges-carer-agreed", "Discharges a carer was to be told of";
        CarersToldAtDischarge = "carers-told-at-discharge", "Discharges a carer was told of";
        IncidentsAttended = "incidents-attended", "Traumatic incidents attended by staff";
        StaffAttendances = "staff-attendances", "Staff attendances at traumatic incidents";
        ChecksOfferedInTime = "checks-offered-in-time", "Attendances offered a check within 72 hours";
        FollowUpsDone = "follow-ups-done", "Attendances whose one-month follow-up was done";
    }
}

/// The groups the dashboard shows the measures in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Theme {
    Detentions,
    RepeatContact,
    LookUps,
    Referrals,
    Plans,
    Discharges,
    Sharing,
    Frontline,
}

impl Theme {
    pub const ALL: [Self; 8] = [
        Self::Detentions,
        Self::RepeatContact,
        Self::LookUps,
        Self::Referrals,
        Self::Plans,
        Self::Discharges,
        Self::Sharing,
        Self::Frontline,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Self::Detentions => "Section 136 and street triage",
            Self::RepeatContact => "Repeat emergency contact",
            Self::LookUps => "Crisis look-ups and break-glass",
            Self::Referrals => "Referrals between partners",
            Self::Plans => "Crisis plans",
            Self::Discharges => "Leaving hospital",
            Self::Sharing => "What people chose to share",
            Self::Frontline => "Safeguarding those who safeguard",
        }
    }

    pub fn measures(self) -> Vec<Measure> {
        Measure::ALL
            .into_iter()
            .filter(|m| m.theme() == self)
            .collect()
    }
}

/// How a figure is read against another: "89 % of street triage
/// contacts", "4.1 per 1,000 look-ups".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rate {
    pub of: Measure,
    /// 100 for a share in per cent, 1,000 for a rate per thousand.
    pub per: u32,
}

impl Measure {
    pub fn theme(self) -> Theme {
        use Measure as M;
        match self {
            M::Section136
            | M::Section136HealthBased
            | M::Section136PoliceStation
            | M::Section136Ambulance
            | M::StreetTriage
            | M::StreetTriageDiverted => Theme::Detentions,
            M::CrisisContacts
            | M::RepeatContactPeople
            | M::FrequentContactIdentified
            | M::FrequentContactPeople => Theme::RepeatContact,
            M::LookUps
            | M::LookUpsWithPlan
            | M::LookUpsOutOfHours
            | M::BreakGlass
            | M::BreakGlassAppropriate
            | M::BreakGlassInappropriate
            | M::BreakGlassUnreviewed => Theme::LookUps,
            M::Referrals
            | M::ReferralsAcknowledgedInTime
            | M::ReferralsAnsweredInTime
            | M::ReferralsEscalated
            | M::HoursToAcknowledge
            | M::HoursToAnswer => Theme::Referrals,
            M::PlansAgreed
            | M::PlansInDate
            | M::PlansReviewOverdue
            | M::PlansSayWhatDoesNotHelp
            | M::Caseload
            | M::CaseloadWithPlan
            | M::CaseloadPlanInDate
            | M::CaseloadReviewOverdue
            | M::CaseloadSaysWhatDoesNotHelp => Theme::Plans,
            M::Discharges
            | M::DischargesFollowedUp
            | M::DischargesCarerAgreed
            | M::CarersToldAtDischarge => Theme::Discharges,
            M::RefusalsInForce => Theme::Sharing,
            M::IncidentsAttended
            | M::StaffAttendances
            | M::ChecksOfferedInTime
            | M::FollowUpsDone => Theme::Frontline,
        }
    }

    /// What is counted, in full: shown beside the figures and in the
    /// README.
    pub fn definition(self) -> &'static str {
        use Measure as M;
        match self {
            M::Section136 => {
                "Section 136 detentions recorded as contact events, by the month they happened \
                 (UK time) and the organisation that recorded them."
            }
            M::Section136HealthBased => {
                "Section 136 detentions whose record says the person was taken to a health-based \
                 place of safety; read against all detentions (those recorded without a place \
                 count in neither)."
            }
            M::Section136PoliceStation => {
                "Section 136 detentions whose record says the person was taken to a police \
                 station as the place of safety: the exception the Mental Health Act allows."
            }
            M::Section136Ambulance => {
                "Section 136 detentions whose record says the person was conveyed by ambulance \
                 rather than in a police vehicle or otherwise."
            }
            M::StreetTriage => {
                "Street triage contacts recorded as contact events, by month and recording \
                 organisation."
            }
            M::StreetTriageDiverted => {
                "Street triage contacts after which no partner recorded a section 136 detention \
                 of the same person within 24 hours: people diverted from detention."
            }
            M::CrisisContacts => {
                "Emergency contacts of any kind: 999 and NHS 111 calls, A&E visits, crisis line \
                 calls, street triage, section 136 detentions and conveyances to A&E."
            }
            M::RepeatContactPeople => {
                "People with three or more emergency contacts within 30 days, the third in the \
                 month; counted once a month. For the partnership, contacts with any partner \
                 count together; for an organisation, only its own."
            }
            M::FrequentContactIdentified => {
                "People put on the frequent contact list in the month (offered support, never \
                 refused care), by the organisation of the support team the entry is for."
            }
            M::FrequentContactPeople => {
                "People on the frequent contact list at the end of the month (for this month, \
                 now), by the organisation of the support team their entry is for."
            }
            M::LookUps => {
                "Crisis look-ups that showed a person's crisis summary (not those that matched \
                 no one, too many, or listed several people by name), by the looking-up \
                 organisation."
            }
            M::LookUpsWithPlan => {
                "Crisis look-ups of a person who had a crisis plan agreed with them at the time."
            }
            M::LookUpsOutOfHours => {
                "Crisis look-ups outside 09:00 to 17:00 on a working day (UK time; weekends and \
                 bank holidays are out of hours)."
            }
            M::BreakGlass => {
                "Emergency overrides (break-glass) started, by the organisation of the person \
                 who started them; read per 1,000 crisis look-ups."
            }
            M::BreakGlassAppropriate => {
                "Break-glass uses started in the month that an information governance lead has \
                 since reviewed and found appropriate."
            }
            M::BreakGlassUnreviewed => {
                "Break-glass uses started in the month that no information governance lead has \
                 reviewed yet (a deferred review counts here until it is done)."
            }
            M::BreakGlassInappropriate => {
                "Break-glass uses started in the month that an information governance lead has \
                 since reviewed and found inappropriate."
            }
            M::Referrals => {
                "Referrals sent, by the month sent, the sending organisation and the \
                 organisation of the team it was sent to."
            }
            M::ReferralsAcknowledgedInTime => {
                "Referrals sent in the month that were acknowledged by their acknowledgement \
                 deadline."
            }
            M::ReferralsAnsweredInTime => {
                "Referrals sent in the month that were accepted or declined by their response \
                 deadline."
            }
            M::ReferralsEscalated => {
                "Referrals sent in the month that were escalated at least once for a missed \
                 deadline."
            }
            M::HoursToAcknowledge => {
                "For referrals sent in the month and acknowledged, the hours from sending to \
                 acknowledgement: the median and the 90th percentile."
            }
            M::HoursToAnswer => {
                "For referrals sent in the month and accepted or declined, the hours from \
                 sending to the answer: the median and the 90th percentile."
            }
            M::PlansAgreed => {
                "People whose crisis plan had been agreed with them (by the person and a \
                 professional) by the month's end, as last agreed before it, by the \
                 organisation of the professional who agreed it."
            }
            M::PlansInDate => {
                "Of those plans, the ones whose review date had not passed at the month's end."
            }
            M::PlansReviewOverdue => {
                "Of those plans, the ones past their review date at the month's end (or with \
                 none)."
            }
            M::PlansSayWhatDoesNotHelp => {
                "Of those plans, the ones that say what does not help the person in a crisis."
            }
            M::Caseload => {
                "People on the caseload of a mental health team (a team of an NHS trust or \
                 specialist service) at the month's end: a member of the team is on the care \
                 team the person had by then. By team, and by the team's organisation; a person \
                 on two teams' caseloads counts for each, and once for the partnership."
            }
            M::CaseloadWithPlan => {
                "Of those people, the ones whose crisis plan had been agreed with them by the \
                 month's end: the plan coverage of each team's caseload."
            }
            M::CaseloadPlanInDate => {
                "Of those people, the ones whose plan, as last agreed before the month's end, was \
                 not past its review date at the month's end."
            }
            M::CaseloadReviewOverdue => {
                "Of those people, the ones whose plan, as last agreed before the month's end, was \
                 past its review date at the month's end (or had none)."
            }
            M::CaseloadSaysWhatDoesNotHelp => {
                "Of those people, the ones whose plan, as last agreed before the month's end, says \
                 what does not help them in a crisis."
            }
            M::RefusalsInForce => {
                "People with a refusal to share in force at the month's end (for this month, as \
                 things stand), by the organisation they refuse; a refusal of every partner \
                 counts in the partnership's figure only. Each person once, however many \
                 refusals they hold."
            }
            M::Discharges => {
                "Discharges from a hospital stay reported as contact events, by the month they \
                 happened and the organisation that reported them."
            }
            M::DischargesFollowedUp => {
                "Of those discharges, the ones after which a mental health service (a trust or \
                 specialist service, or the person's care team) recorded a follow-up contact \
                 with the person within 72 hours; a discharge late in a month counts once its \
                 72 hours have passed."
            }
            M::DischargesCarerAgreed => {
                "Discharges in the month of people who had agreed, before it, that a nominated \
                 carer may be told of a discharge, by the organisation that reported it."
            }
            M::CarersToldAtDischarge => {
                "Of those discharges, the ones at which Concordat sent a nominated carer the news \
                 (by email or text message) as the discharge was recorded; a carer with no \
                 address or number to reach is not told."
            }
            M::IncidentsAttended => {
                "Traumatic incidents (a death, serious self-harm, a suicide attempt, a restraint, \
                 a child at risk) that staff recorded attending, by the month they happened and \
                 the team of the staff who attended (staff of no team together): an incident \
                 two teams attended counts for each, and once for the partnership. Nobody is \
                 named, staff or public."
            }
            M::StaffAttendances => {
                "Members of staff recorded as attending a traumatic incident in the month, each \
                 incident counted once for each of them, by their team: how exposed the \
                 frontline is."
            }
            M::ChecksOfferedInTime => {
                "Attendances in the month recorded within 72 hours of the incident, and so \
                 offered a trauma-risk check in time; read against all the month's attendances."
            }
            M::FollowUpsDone => {
                "Attendances in the month whose one-month follow-up check was done (not \
                 declined, opted out of or still to come); read against all the month's \
                 attendances."
            }
        }
    }

    /// What the figure is read against, if anything.
    pub fn rate(self) -> Option<Rate> {
        use Measure as M;
        let share = |of| Some(Rate { of, per: 100 });
        match self {
            M::StreetTriageDiverted => share(M::StreetTriage),
            M::Section136HealthBased | M::Section136PoliceStation | M::Section136Ambulance => {
                share(M::Section136)
            }
            M::LookUpsWithPlan | M::LookUpsOutOfHours => share(M::LookUps),
            M::BreakGlass => Some(Rate {
                of: M::LookUps,
                per: 1000,
            }),
            M::BreakGlassAppropriate | M::BreakGlassInappropriate | M::BreakGlassUnreviewed => {
                share(M::BreakGlass)
            }
            M::ReferralsAcknowledgedInTime | M::ReferralsAnsweredInTime | M::ReferralsEscalated => {
                share(M::Referrals)
            }
            M::ChecksOfferedInTime | M::FollowUpsDone => share(M::StaffAttendances),
            M::CarersToldAtDischarge => share(M::DischargesCarerAgreed),
            M::DischargesFollowedUp => share(M::Discharges),
            M::PlansInDate | M::PlansReviewOverdue | M::PlansSayWhatDoesNotHelp => {
                share(M::PlansAgreed)
            }
            M::CaseloadWithPlan
            | M::CaseloadPlanInDate
            | M::CaseloadReviewOverdue
            | M::CaseloadSaysWhatDoesNotHelp => share(M::Caseload),
            _ => None,
        }
    }

    /// Whether the figure is a time (median and 90th percentile in hours
    /// over `count` referrals) rather than a count.
    pub fn is_hours(self) -> bool {
        matches!(self, Self::HoursToAcknowledge | Self::HoursToAnswer)
    }

    /// Whether the figure is broken down by the organisation at the other
    /// end as well (referrals: the one sent to).
    pub fn has_partner(self) -> bool {
        self.theme() == Theme::Referrals
    }

    /// Whether the figure is broken down by the organisation's teams: how
    /// exposed each frontline team is, and each team's caseload.
    pub fn has_team(self) -> bool {
        self.theme() == Theme::Frontline || self.is_caseload()
    }

    /// Whether the figure is about mental health teams' caseloads.
    pub fn is_caseload(self) -> bool {
        use Measure as M;
        matches!(
            self,
            M::Caseload
                | M::CaseloadWithPlan
                | M::CaseloadPlanInDate
                | M::CaseloadReviewOverdue
                | M::CaseloadSaysWhatDoesNotHelp
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn measures_are_well_formed_and_each_is_in_one_theme() {
        crate::vocabulary::testing::assert_well_formed(
            &Measure::ALL,
            Measure::as_str,
            Measure::parse,
            Measure::label,
        );
        let themed: usize = Theme::ALL.iter().map(|t| t.measures().len()).sum();
        assert_eq!(themed, Measure::ALL.len());
        for m in Measure::ALL {
            assert!(m.definition().len() > 40, "{m:?}");
            if let Some(rate) = m.rate() {
                assert_ne!(rate.of, m);
                assert_eq!(rate.of.theme(), m.theme());
            }
        }
    }

    /// The README defines every measure in the same words as the page.
    #[test]
    fn the_readme_defines_every_measure_as_the_page_does() {
        let readme = include_str!("../../../../README.md");
        let flat = readme.split_whitespace().collect::<Vec<_>>().join(" ");
        for m in Measure::ALL {
            let line = format!("**{}** (`{}`): {}", m.label(), m.as_str(), m.definition());
            assert!(flat.contains(&line), "README lacks: {line}");
        }
    }
}
