-- A login attempt is reserved before the password is checked, so a burst of
-- concurrent attempts cannot all pass the throttle: the row is written with
-- succeeded NULL ("in flight") under advisory locks on the email and the
-- address, then settled to true or false. An in-flight row counts against
-- the limits like a failure; one left in flight by a crash simply ages out.
ALTER TABLE "login_attempt" ALTER COLUMN "succeeded" DROP NOT NULL;
