-- Names sort as Vietnamese lists do: by given name (the last word), then
-- the whole name, in Vietnamese alphabetical order (Đ after D, diacritics
-- after the plain letter). ICU gives that order; a server built without
-- ICU falls back to byte order rather than failing.
DO $$
BEGIN
    CREATE COLLATION IF NOT EXISTS sotay_vi (provider = icu, locale = 'vi');
EXCEPTION WHEN OTHERS THEN
    CREATE COLLATION IF NOT EXISTS sotay_vi FROM "C";
END
$$;
