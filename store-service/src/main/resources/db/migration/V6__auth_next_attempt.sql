-- When the next login attempt for this key (a user name from one IP) may have its password checked; attempts that
-- come earlier are refused without running Argon2id.
ALTER TABLE auth_failure ADD COLUMN next_attempt TIMESTAMPTZ;
