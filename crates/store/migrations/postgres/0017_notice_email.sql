-- Where a person's own account is also told, by email, that something has
-- happened to their record (a break-glass, a referral about them), if
-- they chose to be: the email says only that there is something to see.
ALTER TABLE users ADD COLUMN notice_email TEXT;
