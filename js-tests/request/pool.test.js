// Spec 3: ten running requests, the rest queued in order; queue times in profile.
const { request, API } = require('../helpers/net');

test('ten run at once; the others wait, and leave the queue in the order they came', async () => {
  const started = Date.now();
  const finished = [];
  const all = [];
  for (let i = 0; i < 14; i++) {
    all.push(request({ url: API + '/delay/300?n=' + i }).then((r) => {
      finished.push(i);
      return r;
    }));
  }
  const results = await Promise.all(all);
  expect(results.every((r) => r.ok)).toBe(true);
  const elapsed = Date.now() - started;
  expect(elapsed).toBeGreaterThanOrEqual(600);
  const queued = results.slice(10).map((r) => r.result.profile.queueEnd - r.result.profile.queueStart);
  const direct = results.slice(0, 10).map((r) => r.result.profile.queueEnd - r.result.profile.queueStart);
  expect(Math.min(...queued)).toBeGreaterThanOrEqual(250);
  expect(Math.max(...direct)).toBeLessThan(250);
  // Ten equal requests end in any order, so the order of the ends proves little; the moments
  // the queued ones left the queue follow their order (pool-of-one/ proves FIFO exactly).
  expect(finished.slice(10).sort((a, b) => a - b)).toEqual([10, 11, 12, 13]);
  const left = results.slice(10).map((r) => r.result.profile.queueEnd);
  expect(left).toEqual([...left].sort((a, b) => a - b));
}, 10000);
