-- Whether a team takes referrals. A control room, a governance or a
-- commissioning team does not: it is never offered as a referral's
-- destination, and one sent to it is refused.
ALTER TABLE teams ADD COLUMN takes_referrals INTEGER NOT NULL DEFAULT 1 CHECK (takes_referrals IN (0, 1));
