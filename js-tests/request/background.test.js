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
  const hiddenAt = Date.now();
  app.hide();
  const { result } = await pending;
  // Interrupted, so before the 9 s answer; and not before the grace ran out.
  expect(result).toEqual(INTERRUPTED);
  expect(Date.now() - hiddenAt).toBeGreaterThanOrEqual(4900);
}, 15000);

test('show() inside the grace cancels the interruption', async () => {
  const pending = request({ url: API + '/delay/6500' });
  app.hide();
  await sleep(300);
  app.show();
  const { ok, result } = await pending;
  expect(ok).toBe(true);
  expect(result.statusCode).toBe(200);
}, 15000);

test('a request that ends within the 5 s grace completes normally', async () => {
  const pending = request({ url: API + '/delay/500' });
  app.hide();
  expect((await pending).ok).toBe(true);
});
