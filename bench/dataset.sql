-- The benchmark table: :rows rows of mixed types, the same bytes on every run (no random()).
-- Text carries delimiters, quotes and line breaks; there are NULLs, numerics, timestamps, json and arrays.
CREATE TABLE bench_rows AS
SELECT i AS id,
       'customer ' || i || CASE WHEN i % 10 = 0 THEN ', "big" spender' WHEN i % 17 = 0 THEN E'\nsecond line' ELSE '' END
           AS customer,
       ((i * 37) % 10000000) / 100.0::numeric(14, 4) AS amount,
       (i % 1000)::int AS quantity,
       (i % 9973) / 7.0::float8 AS ratio,
       i % 3 = 0 AS active,
       TIMESTAMPTZ '2020-01-01 00:00:00+00' + i * INTERVAL '7 seconds' AS created_at,
       DATE '2000-01-01' + (i % 9000)::int AS day,
       jsonb_build_object('k', i, 'name', md5(i::text), 'flags', jsonb_build_array(i % 7, i % 11, null)) AS payload,
       ARRAY[md5((i + 1)::text), CASE WHEN i % 5 = 0 THEN NULL ELSE 'tag' || (i % 13) END] AS tags,
       CASE WHEN i % 4 = 0 THEN NULL ELSE repeat(md5((i * 3)::text), 1 + i % 3) END AS note
FROM generate_series(1, :rows) AS i;
ALTER TABLE bench_rows ADD PRIMARY KEY (id);
VACUUM ANALYZE bench_rows;
