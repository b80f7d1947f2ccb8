-- Pointers to messages that are gone become NULL first, as ON DELETE SET
-- NULL would have made them.
UPDATE reminders r SET outbox_id = NULL
WHERE outbox_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.id = r.outbox_id);
ALTER TABLE reminders ADD CONSTRAINT reminders_outbox_id_fkey FOREIGN KEY (outbox_id) REFERENCES outbox (id) ON DELETE SET NULL;
ALTER TABLE reminders ADD CONSTRAINT reminders_member_id_fkey FOREIGN KEY (member_id) REFERENCES members (id);
