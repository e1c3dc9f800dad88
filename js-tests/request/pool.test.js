// Spec 3: ten running requests, the rest queued in order; queue times in profile.
const { request, API } = require('../helpers/net');

test('ten run at once; the others wait in FIFO order', async () => {
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
  expect(finished.slice(10).sort((a, b) => a - b)).toEqual([10, 11, 12, 13]);
}, 10000);
