-- The bidirectional controls dropped by 0014 are not put back: they meant
-- nothing but a wrong display order.
SELECT 1;
