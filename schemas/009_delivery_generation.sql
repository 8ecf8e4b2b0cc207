-- 009_delivery_generation.sql — a delivery's generation: how many times
-- it was queued again (a redelivery, a recovery) since it was made.
--
-- A request carries the generation its delivery had when it was sent,
-- and its outcome changes the delivery's state only if the generation is
-- still that one.  A redelivery asked for while the first request is in
-- flight bumps the generation, so the first request's outcome, written
-- later, is recorded as an attempt but cannot mark the redelivery
-- delivered (or failed) before it was sent (issue 6).
--
-- A constant default: SQLite adds the column without rewriting a row.

ALTER TABLE deliveries ADD COLUMN generation INTEGER NOT NULL DEFAULT 0;
