-- The data of bench/cases/postgres-reports.mjs, generated in SQL (psql -v deals=N -v activities=N -v contacts=N):
-- the shape of bench/cases/reports.mjs (SQLite) — 50 reps, 30% won, 30% lost, 40% open, 2025-01-01 … 2026-11-20.
SELECT setseed(0.11);
INSERT INTO users (handle, name, role, team, active, created_at, updated_at)
  SELECT 'rep' || i, 'Rep ' || i, 'rep', 'Team ' || (i % 5), true, '2025-01-01Z', '2025-01-01Z' FROM generate_series(0, 49) i;
INSERT INTO quotas (owner_id, period, amount_minor, currency)
  SELECT u.id, q, 50000000 + u.id * 100000, 'USD' FROM users u CROSS JOIN unnest(ARRAY['2026-Q1','2026-Q2','2026-Q3','2026-Q4']) q;
INSERT INTO campaigns (name, currency, cost_minor, goal, goal_amount, created_at, updated_at) VALUES ('ads', 'USD', 100000000, 'leads', 20000, '2025-01-01Z', '2025-01-01Z') RETURNING id AS campaign \gset
SELECT min(id) AS uid0 FROM users \gset
-- contacts: created 2025-01-01 … now, 20% customers, sources of six kinds
INSERT INTO contacts (first_name, last_name, email, email_norm, search_text, lifecycle, source, owner_id, last_touched_at, created_at, updated_at)
  SELECT 'First' || i, 'Last' || (i % 5000), 'c' || i || '@example.com', 'c' || i || '@example.com', 'first' || i || ' last' || (i % 5000) || ' c' || i || '@example.com',
         CASE WHEN random() < 0.2 THEN 'customer' ELSE 'lead' END,
         (ARRAY['web','referral','event','ads','partner',NULL])[1 + floor(random() * 6)::int],
         :uid0 + floor(random() * 50)::int, t, t, t
  FROM (SELECT i, timestamptz '2025-01-01Z' + floor(random() * 688) * interval '1 day' AS t FROM generate_series(1, :contacts) i) g;
-- deals: 30% won, 30% lost, 40% open in stages 1–4
CREATE TEMP TABLE g AS
  SELECT i, c, r, LEAST(c + (1 + floor(random() * 120)) * interval '1 day', timestamptz '2026-11-20T17:54:59Z') AS closed,
         CASE WHEN r < 0.3 THEN 5 WHEN r < 0.6 THEN 6 ELSE 1 + floor(random() * 4)::int END AS stage,
         (ARRAY['web','referral','event','ads','partner',NULL])[1 + floor(random() * 6)::int] AS src
  FROM (SELECT i, timestamptz '2025-01-01Z' + random() * (timestamptz '2026-11-19Z' - timestamptz '2025-01-01Z') AS c, random() AS r FROM generate_series(1, :deals) i) x;
INSERT INTO deals (id, title, pipeline_id, stage_id, amount_minor, currency, probability, expected_close, owner_id, source, campaign_id, lost_reason, won_at, lost_at, stage_entered_at, created_at, updated_at)
  OVERRIDING SYSTEM VALUE
  SELECT i, 'Deal ' || i, 1, stage, 1000 + floor(random() * 10000000)::bigint, CASE WHEN i % 10 = 0 THEN 'EUR' ELSE 'USD' END,
         CASE WHEN random() < 0.1 THEN floor(random() * 100)::int END,
         (date '2026-11-20' + (floor(random() * 200)::int - 60)),
         :uid0 + floor(random() * 50)::int, src, CASE WHEN src = 'ads' THEN :campaign END,
         CASE WHEN stage = 6 THEN (ARRAY['price','competitor','no budget','no decision','timing','product fit','other'])[1 + floor(random() * 7)::int] END,
         CASE WHEN stage = 5 THEN closed END, CASE WHEN stage = 6 THEN closed END, c, c, c
  FROM g;
SELECT setval(pg_get_serial_sequence('deals', 'id'), (SELECT max(id) FROM deals));
-- history: open deals one creation row; closed ones a row into stage 2 and the closing move
INSERT INTO deal_stage_history (deal_id, from_stage_id, to_stage_id, at, actor)
  SELECT i, NULL, CASE WHEN stage >= 5 THEN 2 ELSE 1 END, CASE WHEN stage >= 5 THEN closed - interval '30 days' ELSE c END, 'bench' FROM g
  UNION ALL SELECT i, 2, stage, closed, 'bench' FROM g WHERE stage >= 5;
-- activities: eight kinds, tasks with due/done dates, 30% on a deal
INSERT INTO activities (kind, subject, occurred_at, due_at, done_at, owner_id, deal_id, created_by, created_at, updated_at)
  SELECT kind, 'Bench', CASE WHEN kind <> 'task' THEN at END, CASE WHEN kind = 'task' THEN at + interval '7 days' END,
         CASE WHEN kind = 'task' AND random() < 0.7 THEN at + interval '1 day' END,
         :uid0 + floor(random() * 50)::int, CASE WHEN random() < 0.3 THEN 1 + floor(random() * :deals)::bigint END, 'bench', at, at
  FROM (SELECT (ARRAY['call','call','email','email','meeting','note','task','linkedin'])[1 + floor(random() * 8)::int] AS kind,
               timestamptz '2025-01-01Z' + random() * (timestamptz '2026-11-20T17:55Z' - timestamptz '2025-01-01Z') AS at
        FROM generate_series(1, :activities) i) a;
DROP TABLE g;
ANALYZE;
