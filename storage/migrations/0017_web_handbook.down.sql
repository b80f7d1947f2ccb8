DROP TRIGGER outbox_web_copy ON outbox;
DROP FUNCTION outbox_web_copy();
-- Web messages not delivered yet have no chat to go to any more.
DELETE FROM outbox WHERE chat_id >= 9007199254740992;
DROP INDEX outbox_web_pending_idx;
DROP INDEX outbox_copy_idx;
ALTER TABLE outbox DROP COLUMN copy_of;
DROP TABLE web_actions;
DROP SEQUENCE web_update_seq;
DROP TABLE web_messages;
DROP TABLE web_files;
DROP SEQUENCE web_rev_seq;
DROP TABLE web_sessions;
DROP TABLE web_links;
