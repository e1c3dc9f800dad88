// Spec 3: the per-call timeout and its 60 s cap (networkTimeout and old base libraries have
// their own folders).
const { takeWarnings } = require('wxrun');
const { request, API } = require('../helpers/net');

test('the timeout option ends a slow request with "timeout", errno 5', async () => {
  const started = Date.now();
  const { ok, result } = await request({ url: API + '/delay/3000', timeout: 300 });
  expect(ok).toBe(false);
  expect(result).toEqual({ errMsg: 'request:fail timeout', errno: 5 });
  expect(Date.now() - started).toBeLessThan(2000);
});

test('a timeout that is not a positive number is ignored', async () => {
  for (const timeout of [0, -5, NaN, '300']) {
    const { ok } = await request({ url: API + '/delay/400', timeout });
    expect(ok).toBe(true);
  }
});

test('above 60000 ms the timeout is capped, with a conformance warning at the call site', async () => {
  const result = await new Promise((resolve) => wx.request({ url: API + '/echo', timeout: 90000, complete: resolve }));
  expect(result.errMsg).toBe('request:ok');
  const warnings = takeWarnings();
  expect(warnings.map((w) => w.code)).toEqual(['timeout-cap']);
  expect(warnings[0].message).toContain('90000');
  expect(warnings[0].site).toContain('timeouts.test.js:');
});
