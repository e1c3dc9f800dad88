// Spec 4.6 for queued tasks, with a pool of one: a task still queued when the app goes to the
// background runs if it leaves the queue within the 5 s grace, and fails with `interrupted`
// (without being sent) if it leaves the queue after it.
const { app } = require('wxrun');
const { request, API } = require('../../helpers/net');

const INTERRUPTED = { errMsg: 'request:fail interrupted', errno: 600003 };

afterEach(() => app.show());

test('a queued task that starts within the grace runs', async () => {
  const running = request({ url: API + '/delay/300' });
  const queued = request({ url: API + '/echo?n=queued' });
  app.hide();
  expect((await running).ok).toBe(true);
  const { ok, result } = await queued;
  expect(ok).toBe(true);
  expect(result.data.query).toBe('n=queued');
});

test('a queued task that would start after the grace fails with interrupted', async () => {
  const running = request({ url: API + '/delay/9000' });
  const queued = request({ url: API + '/echo?n=late' });
  app.hide();
  expect((await running).result).toEqual(INTERRUPTED);
  expect((await queued).result).toEqual(INTERRUPTED);
}, 15000);
