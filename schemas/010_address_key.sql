-- Where an event happens, by its address (issue 4): dedup_address_key()
-- of the record's address (the address without its prefecture and
-- municipality: "お花茶屋356").  Two records of one title at one hour are
-- told apart by it when their venues are not named, and a record that
-- names only a venue is placed by the town its name carries.  Rows of
-- before have none until their source is fetched again (entry_seen()
-- writes every key of a record it sees).
ALTER TABLE entries ADD COLUMN address_key TEXT;
