// The UI's pure logic, without a browser: the SSE parser, the diff, the
// chart aggregates and the form checks.

import { expect, test } from '@playwright/test';
import { SseParser } from '../src/api/sse';
import { diffFiles, diffLines } from '../src/lib/diff';
import { parseHash } from '../src/lib/route';
import { durations, HOUR, percentile, perHour, trend } from '../src/lib/stats';
import { list, validateGrant, validateQuotas } from '../src/lib/validate';
import type { Execution } from '../src/api/types';

test('the SSE parser handles split chunks, CRLF, comments and multi-line data', () => {
  const parser = new SseParser();
  expect(parser.push('event: status\r\ndata: {"status":')).toEqual([]);
  expect(parser.push('"running"}\r\n\r\n: keep-alive\n\n')).toEqual([
    { event: 'status', data: '{"status":"running"}', id: undefined },
  ]);
  expect(parser.push('event: log\nid: 1:0\ndata: a\ndata: b\n\ndata: plain\n\n')).toEqual([
    { event: 'log', data: 'a\nb', id: '1:0' },
    { event: 'message', data: 'plain', id: '1:0' },
  ]);
});

test('the line diff aligns unchanged lines and lists only changed files', () => {
  const lines = diffLines('a\nb\nc', 'a\nx\nc\nd');
  expect(lines.map((l) => `${l.kind}:${l.text}`)).toEqual(['same:a', 'del:b', 'add:x', 'same:c', 'add:d']);
  expect(lines[4]).toMatchObject({ new: 4 });
  const files = diffFiles({ 'main.py': 'same', 'old.py': 'gone' }, { 'main.py': 'same', 'new.py': 'hello' });
  expect(files.map((f) => f.file)).toEqual(['new.py', 'old.py']);
  expect(diffLines('', 'x')).toEqual([{ kind: 'add', text: 'x', new: 1 }]);
});

const execution = (over: Partial<Execution>): Execution => ({
  id: 'e',
  runbook_id: 'r1',
  environment: 'dev',
  version_id: 'v1',
  rule_id: null,
  status: 'succeeded',
  attempt: 1,
  max_attempts: 3,
  params: {},
  dry_run: false,
  output: null,
  error: null,
  fuel_consumed: 1,
  peak_memory_bytes: 1,
  wall_time_us: 100,
  queued_at: 0,
  finished_at: 1,
  ...over,
});

test('chart aggregates: hourly buckets by outcome, nearest-rank percentiles, trends', () => {
  const now = 10 * HOUR + 5;
  const buckets = perHour(
    [
      execution({ queued_at: 10 * HOUR + 1 }),
      execution({ queued_at: 10 * HOUR + 2, status: 'failed' }),
      execution({ queued_at: 9 * HOUR }),
      execution({ queued_at: 2 * HOUR }), // outside the 3-hour window
    ],
    3,
    now,
  );
  expect(buckets.map((b) => b.start)).toEqual([8 * HOUR, 9 * HOUR, 10 * HOUR]);
  expect(buckets.map((b) => b.total)).toEqual([0, 1, 2]);
  expect(buckets[2].counts).toEqual({ succeeded: 1, failed: 1 });

  expect(percentile([], 50)).toBeNull();
  expect(percentile([5, 1, 3, 2, 4], 50)).toBe(3);
  expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 100], 95)).toBe(19);
  const rows = durations([
    execution({ wall_time_us: 10 }),
    execution({ wall_time_us: 30 }),
    execution({ wall_time_us: null, status: 'queued' }),
    execution({ runbook_id: 'r2', wall_time_us: 1000 }),
  ]);
  expect(rows).toEqual([
    { runbookId: 'r2', count: 1, p50: 1000, p95: 1000 },
    { runbookId: 'r1', count: 2, p50: 10, p95: 30 },
  ]);
  // Newest first in, oldest first out.
  expect(trend([execution({ status: 'failed' }), execution({ status: 'succeeded' })], 'r1', 5)).toEqual([
    'succeeded',
    'failed',
  ]);
});

test('quota and grant checks name the field that is wrong', () => {
  const fine = {
    max_attempts: '3',
    concurrency_limit: '4',
    fuel: '',
    memory_mib: '64',
    timeout: '10s',
    max_output_bytes: '',
    max_log_lines: '',
  };
  expect(validateQuotas(fine)).toEqual({});
  expect(Object.keys(validateQuotas({ ...fine, max_attempts: '21', concurrency_limit: '0' }))).toEqual([
    'max_attempts',
    'concurrency_limit',
  ]);
  expect(validateQuotas({ ...fine, max_attempts: '2.5' })).toHaveProperty('max_attempts');
  expect(validateQuotas({ ...fine, timeout: 'soon' })).toHaveProperty('timeout');
  expect(validateQuotas({ ...fine, timeout: '0s' })).toEqual({ timeout: 'must be positive' });

  const grant = { kv: '' as const, http: '', secrets: '', metrics: '', discovery: '', notify: '', events: '', applications: '', actions: '' };
  expect(validateGrant({ ...grant, http: 'https://*.example.com:443\nhttp://localhost:*' })).toEqual({});
  expect(validateGrant({ ...grant, http: 'example.com' })).toHaveProperty('http');
  expect(validateGrant({ ...grant, actions: 'reboot, stop' })).toEqual({ actions: '"stop": only reboot and terminate' });
  expect(list(' a, b\n\nc ')).toEqual(['a', 'b', 'c']);
});

test('routes live in the fragment, with decoded parts and a query', () => {
  expect(parseHash('#/runbooks/a%20b/versions?x=1')).toMatchObject({ parts: ['runbooks', 'a b', 'versions'] });
  expect(parseHash('#/executions?status=failed').query.get('status')).toBe('failed');
  expect(parseHash('').parts).toEqual([]);
});
