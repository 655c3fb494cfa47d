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

-- Two smaller tables, for the pipeline examples (a ForEach over the schema's tables).
CREATE TABLE public.customers (id int PRIMARY KEY, name text, country text, updated_at timestamptz);
INSERT INTO public.customers
SELECT i, 'Customer ' || i, (ARRAY['NL', 'DE', 'FR', 'US'])[i % 4 + 1],
       TIMESTAMPTZ '2026-01-01 00:00:00+00' + i * INTERVAL '1 hour'
FROM generate_series(1, 5000) AS i;
CREATE TABLE public.products (sku text PRIMARY KEY, title text, price numeric(10, 2));
INSERT INTO public.products
SELECT 'SKU-' || i, 'Product ' || i, i * 1.5 FROM generate_series(0, 96) AS i;
