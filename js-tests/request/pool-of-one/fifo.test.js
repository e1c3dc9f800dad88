// Spec 3 with a pool of one (limits.maxRequestConcurrent = 1): each task runs alone, so the
// order in which tasks run is the order of the queue. It is FIFO, and whatever ends the running
// task (success, fail, abort) admits the head of the queue.
const { request, API } = require('../../helpers/net');

// Calls wx.request and returns the task at once, with a promise of { ok, result }.
function start(url, options) {
  let settle;
  const done = new Promise((resolve) => (settle = resolve));
  const task = wx.request(
    Object.assign({ url }, options, {
      success: (result) => settle({ ok: true, result }),
      fail: (result) => settle({ ok: false, result }),
    }),
  );
  return { task, done };
}

test('queued tasks run in the order they were made', async () => {
  const order = [];
  const names = ['first', 'second', 'third', 'fourth'];
  const all = names.map((name, i) =>
    request({ url: API + (i === 0 ? '/delay/300' : '/echo?n=' + name) }).then((r) => {
      order.push(name);
      return r;
    }),
  );
  const results = await Promise.all(all);
  expect(results.every((r) => r.ok)).toBe(true);
  expect(order).toEqual(names);
  const profiles = results.map((r) => r.result.profile);
  expect(profiles[1].queueEnd - profiles[1].queueStart).toBeGreaterThanOrEqual(250);
  for (let i = 2; i < profiles.length; i++) expect(profiles[i].queueEnd).toBeGreaterThanOrEqual(profiles[i - 1].queueEnd);
});

test('a running task that fails admits the head of the queue', async () => {
  const reset = start(API + '/echo?fault=reset');
  const timedOut = start(API + '/echo?fault=stall', { timeout: 200 });
  const next = start(API + '/echo?n=after-failures');
  expect((await reset.done).result.errMsg).toBe('request:fail -101:net::ERR_CONNECTION_RESET');
  expect((await timedOut.done).result).toEqual({ errMsg: 'request:fail timeout', errno: 5 });
  const { ok, result } = await next.done;
  expect(ok).toBe(true);
  expect(result.data.query).toBe('n=after-failures');
});

test('aborting the running task admits the head of the queue', async () => {
  // The running task never answers: only its abort can free the pool's one slot.
  const stalled = start(API + '/echo?fault=stall');
  const next = start(API + '/echo?n=after-abort');
  stalled.task.abort();
  expect((await stalled.done).result).toEqual({ errMsg: 'request:fail abort' });
  const { ok, result } = await next.done;
  expect(ok).toBe(true);
  expect(result.data.query).toBe('n=after-abort');
});

test('an aborted queued task leaves the queue; the rest keep their order', async () => {
  const order = [];
  const running = start(API + '/delay/200');
  const queued = ['a', 'b', 'c'].map((name) => {
    const call = start(API + '/echo?n=' + name);
    call.done.then(() => order.push(name));
    return call;
  });
  queued[1].task.abort();
  expect((await queued[1].done).result).toEqual({ errMsg: 'request:fail abort' });
  await Promise.all([running.done, queued[0].done, queued[2].done]);
  expect(order).toEqual(['b', 'a', 'c']);
});
