-- The bidirectional controls dropped by 0015 are not put back: they meant
-- nothing but a wrong display order.
SELECT 1;
