-- Sample data for bin/sample-copy: 100,000 orders with the awkward values real exports carry.
CREATE TABLE public."Orders" (
    id          bigint PRIMARY KEY,
    customer    text,
    total       numeric(12, 2),
    paid        boolean,
    placed_at   timestamptz,
    lines       jsonb,
    tags        text[]
);
INSERT INTO public."Orders"
SELECT i,
       CASE WHEN i % 10 = 0 THEN NULL ELSE 'Customer ' || i || CASE WHEN i % 7 = 0 THEN E', "VIP"\nsince 2019' ELSE '' END END,
       round((random() * 1000)::numeric, 2),
       i % 3 <> 0,
       TIMESTAMPTZ '2026-01-01 00:00:00+00' + i * INTERVAL '5 minutes',
       jsonb_build_array(jsonb_build_object('sku', 'SKU-' || (i % 97), 'qty', i % 5 + 1)),
       ARRAY['web', CASE WHEN i % 2 = 0 THEN 'promo' END]
FROM generate_series(1, 100000) AS i;
