-- Unicode bidirectional controls (U+061C, U+200E, U+200F, U+202A–U+202E,
-- U+2066–U+2069) came in with chat text and the command line's flags before
-- vn.Clean dropped them at the door, and could make a stored topic or title
-- display reversed. They are dropped from what is stored, as they are now
-- from what enters; nothing else changes. The folded search columns lose
-- them the same way (vn.Fold keeps no double space).
CREATE OR REPLACE FUNCTION pg_temp.unbidi(s text) RETURNS text LANGUAGE sql IMMUTABLE AS
$$ SELECT regexp_replace(s, '[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]', '', 'g') $$;
CREATE OR REPLACE FUNCTION pg_temp.has_bidi(s text) RETURNS boolean LANGUAGE sql IMMUTABLE AS
$$ SELECT s ~ '[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]' $$;
CREATE OR REPLACE FUNCTION pg_temp.unbidi_folded(s text) RETURNS text LANGUAGE sql IMMUTABLE AS
$$ SELECT btrim(regexp_replace(pg_temp.unbidi(s), '\s+', ' ', 'g')) $$;

UPDATE documents SET number = pg_temp.unbidi(number), title = pg_temp.unbidi(title), summary = pg_temp.unbidi(summary),
    body = pg_temp.unbidi(body), file_name = pg_temp.unbidi(file_name),
    search_title = pg_temp.unbidi_folded(search_title), search_text = pg_temp.unbidi_folded(search_text)
WHERE pg_temp.has_bidi(concat(number, title, summary, body, file_name, search_title, search_text));
-- The issuer is part of the document's key: left as it is where cleaning it
-- would make it another document's.
UPDATE documents d SET issuer = pg_temp.unbidi(issuer)
WHERE pg_temp.has_bidi(issuer) AND NOT EXISTS (
    SELECT 1 FROM documents o WHERE o.id <> d.id AND o.number_key = d.number_key AND o.issuer = pg_temp.unbidi(d.issuer));

UPDATE meeting_versions SET topic = pg_temp.unbidi(topic), absent_reasons = pg_temp.unbidi(absent_reasons)
WHERE pg_temp.has_bidi(topic || absent_reasons);
UPDATE supervision_versions SET content = pg_temp.unbidi(content), measures = pg_temp.unbidi(measures)
WHERE pg_temp.has_bidi(content || measures);
UPDATE reports SET review_comment = pg_temp.unbidi(review_comment) WHERE pg_temp.has_bidi(review_comment);
UPDATE meetings SET place = pg_temp.unbidi(place), topic = pg_temp.unbidi(topic) WHERE pg_temp.has_bidi(place || topic);
UPDATE meeting_answers SET reason = pg_temp.unbidi(reason) WHERE pg_temp.has_bidi(reason);
UPDATE quizzes SET questions = pg_temp.unbidi(questions::text)::jsonb WHERE pg_temp.has_bidi(questions::text);
UPDATE dialogs SET draft = pg_temp.unbidi(draft::text)::jsonb WHERE pg_temp.has_bidi(draft::text);
UPDATE outbox SET text = pg_temp.unbidi(text) WHERE state = 'pending' AND pg_temp.has_bidi(text);
UPDATE organisations SET name = pg_temp.unbidi(name) WHERE pg_temp.has_bidi(name);
UPDATE members SET full_name = pg_temp.unbidi(full_name), ethnicity = pg_temp.unbidi(ethnicity)
WHERE pg_temp.has_bidi(full_name || ethnicity);

DROP FUNCTION pg_temp.unbidi_folded(text);
DROP FUNCTION pg_temp.has_bidi(text);
DROP FUNCTION pg_temp.unbidi(text);
