-- 006_moderation.sql — the moderation queue shared by coordinators, and
-- the audit trail of every decision and edit.
--
-- A posting waits as 'pending' (003_admin.sql) when a group submitted it
-- or when its source has moderation = on; it is published nowhere until
-- a coordinator of any organization approves it.  The first decision
-- wins: the store changes the state with UPDATE ... WHERE moderation =
-- 'pending', so a second, conflicting decision finds nothing to change.

-- moderation = on in [source NAME]: new postings of the source wait.
-- Written from the configuration at start and at every reload.
ALTER TABLE sources ADD COLUMN moderation INTEGER NOT NULL DEFAULT 0;

-- The decision on a posting that waited: what it was, why, who and when.
-- A rejected posting keeps its row (the group reads the reason); a
-- resubmission (the group edits a rejected posting) deletes it.
CREATE TABLE moderation_decisions (
	posting_id	TEXT PRIMARY KEY NOT NULL
			REFERENCES postings (id) ON DELETE CASCADE,
	decision	TEXT NOT NULL
			CHECK (decision IN ('published', 'rejected')),
	reason		TEXT,			-- required for 'rejected'
	decided		INTEGER NOT NULL,	-- unix seconds
	token_id	TEXT NOT NULL,
	organization	TEXT,
	role		TEXT NOT NULL,
	CHECK (decision = 'published' OR reason IS NOT NULL)
);

-- Who did what to which posting, when, and what changed.  No foreign key
-- to postings: the trail outlives a posting (a purged tombstone, a
-- deleted source).  Rows are only ever inserted.
CREATE TABLE audit (
	id		INTEGER PRIMARY KEY AUTOINCREMENT,
	at		INTEGER NOT NULL,	-- unix seconds
	token_id	TEXT NOT NULL,		-- "admin-file" for that token
	token_label	TEXT,
	organization	TEXT,			-- coordinator and group tokens
	role		TEXT NOT NULL,
	action		TEXT NOT NULL
			CHECK (action IN ('submit', 'edit', 'withdraw',
			    'approve', 'reject', 'resubmit')),
	posting_id	TEXT NOT NULL,
	-- {"field": {"from": OLD, "to": NEW}, ...}; null: absent.
	changes		TEXT NOT NULL DEFAULT '{}'
			CHECK (json_valid(changes)),
	reason		TEXT
);

CREATE INDEX audit_by_posting ON audit (posting_id, id);
CREATE INDEX audit_by_time ON audit (at, id);
CREATE INDEX audit_by_token ON audit (token_id, id);
CREATE INDEX audit_by_organization ON audit (organization, id);
