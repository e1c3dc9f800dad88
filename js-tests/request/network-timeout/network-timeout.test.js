// app.json's networkTimeout.request applies when the call gives no timeout.
const { request, API } = require('../../helpers/net');

test('networkTimeout from app.json', async () => {
  const started = Date.now();
  const { result } = await request({ url: API + '/delay/3000' });
  expect(result).toEqual({ errMsg: 'request:fail timeout', errno: 5 });
  expect(Date.now() - started).toBeLessThan(2000);
});

test('the timeout option wins over networkTimeout', async () => {
  const { ok } = await request({ url: API + '/delay/600', timeout: 2000 });
  expect(ok).toBe(true);
});
