// limits.maxRequestConcurrent sets the pool size.
const { request, API } = require('../../helpers/net');

test('two at a time', async () => {
  const results = await Promise.all([0, 1, 2, 3].map(() => request({ url: API + '/delay/300' })));
  const waits = results.map((r) => r.result.profile.queueEnd - r.result.profile.queueStart);
  expect(waits.slice(0, 2).every((w) => w < 200)).toBe(true);
  expect(waits.slice(2).every((w) => w >= 250)).toBe(true);
});
