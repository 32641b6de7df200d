-- Two more things a relationship can come from, each as narrow as the act
-- that makes it: membership of a multi-agency case about the person
-- ('case-member', for the member or team it names, while the case is open)
-- and a reviewer comparing a contact that arrived without an NHS number
-- with a possible match ('match-review', for the reviewer alone, the
-- person's demographics only, while the review is open).
ALTER TABLE care_relationships DROP CONSTRAINT care_relationships_kind_check;
ALTER TABLE care_relationships ADD CONSTRAINT care_relationships_kind_check CHECK (kind IN (
    'active-contact', 'referral', 'crisis-lookup', 'case-member', 'match-review'));
