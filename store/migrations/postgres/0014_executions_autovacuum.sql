-- The executions table is a queue: every execution is updated when it is
-- claimed and again when it ends, and each update leaves a dead row
-- version, with entries in the queue's indexes, that later claims walk
-- past until a vacuum removes it. PostgreSQL's default vacuums a table
-- once a fifth of it is dead: with months of history kept, that is
-- millions of dead queue rows, and claims slow down by the minute.
-- Measured in the pipeline bench: throughput fell from 1,448 to 841
-- events/s within 9,000 events without a vacuum, and held 1,600-2,000/s
-- with one every second (BENCHMARKS.md, session 8). This table is
-- vacuumed after a fixed number of dead rows whatever its size, without
-- cost-based pauses. (How often autovacuum looks, `autovacuum_naptime`,
-- is the server's setting: see README, "Running on PostgreSQL".)
-- SQLite keeps no row versions: its migrations have no counterpart.
ALTER TABLE executions SET (
    autovacuum_vacuum_scale_factor = 0,
    autovacuum_vacuum_threshold = 5000,
    autovacuum_vacuum_cost_delay = 0
);
