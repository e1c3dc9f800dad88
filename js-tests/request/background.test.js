// Spec 4.6: the app in the background.
const { app } = require('wxrun');
const { request, API, sleep } = require('../helpers/net');

const INTERRUPTED = { errMsg: 'request:fail interrupted', errno: 600003 };

afterEach(() => app.show());

test('a request started in the background fails with interrupted; after show it works', async () => {
  const hidden = [];
  wx.onAppHide(() => hidden.push('hide'));
  app.hide();
  const { result } = await request({ url: API + '/echo' });
  expect(result).toEqual(INTERRUPTED);
  expect(hidden).toEqual(['hide']);
  app.show();
  expect((await request({ url: API + '/echo' })).ok).toBe(true);
});

test('a request still running 5 s after hiding is interrupted', async () => {
  const pending = request({ url: API + '/delay/9000' });
  await sleep(100);
  const hiddenAt = Date.now();
  app.hide();
  const { result } = await pending;
  const waited = Date.now() - hiddenAt;
  expect(result).toEqual(INTERRUPTED);
  expect(waited).toBeGreaterThanOrEqual(4900);
  expect(waited).toBeLessThan(7000);
}, 15000);

test('a request that ends within the 5 s grace completes normally', async () => {
  const pending = request({ url: API + '/delay/500' });
  app.hide();
  expect((await pending).ok).toBe(true);
});
