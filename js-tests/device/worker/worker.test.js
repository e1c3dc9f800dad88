// wx.createWorker: a real second runtime on its own thread running workers/echo.js (this
// folder's app.json names the workers folder).
const { takeWarnings } = require('wxrun');

// The next `count` messages of `worker`.
function messages(worker, count) {
  return new Promise((resolve) => {
    const seen = [];
    worker.onMessage((message) => {
      seen.push(message);
      if (seen.length === count) resolve(seen);
    });
  });
}

test('a worker echoes messages, in order, with its own modules and timers', async () => {
  const worker = wx.createWorker('workers/echo.js');
  const got = messages(worker, 4);
  worker.postMessage({ n: 1 });
  worker.postMessage({ n: 2, later: true });
  worker.postMessage({ n: 3, nested: { list: [1, 'two', null] } });
  const [ready, first, third, late] = await got;
  expect(ready).toEqual({ ready: true, userDataPath: 'wxfile://usr', wx: 'undefined', require: 'function' });
  expect(first).toEqual({ echoed: { n: 1 }, tag: 'from the worker' });
  expect(third).toEqual({ echoed: { n: 3, nested: { list: [1, 'two', null] } }, tag: 'from the worker' });
  expect(late).toEqual({ echoed: { n: 2, later: true }, tag: 'from the worker', late: true });
  worker.terminate();
});

test('one worker at a time: a second one is refused until the first is terminated', async () => {
  const first = wx.createWorker('workers/echo.js');
  const second = wx.createWorker('workers/echo.js');
  expect(takeWarnings().map((w) => [w.code, w.message])).toEqual([
    ['worker-limit', 'wx.createWorker:fail only one Worker at a time: call terminate() on the last one first'],
  ]);
  // The refused one is a Worker that does nothing.
  second.postMessage({ n: 1 });
  expect(typeof second.onMessage).toBe('function');
  first.terminate();
  const third = wx.createWorker('workers/echo');
  expect((await messages(third, 1))[0].ready).toBe(true);
  third.terminate();
});

test('terminate stops a worker at once, even one that never yields', async () => {
  const worker = wx.createWorker('workers/echo.js');
  const got = messages(worker, 2);
  worker.postMessage({ spin: true });
  expect((await got)[1]).toEqual({ spinning: true });
  worker.terminate();
  // The next worker starts: the spinning one is gone.
  const next = wx.createWorker('workers/echo.js');
  expect((await messages(next, 1))[0].ready).toBe(true);
  next.terminate();
});

test('testOnProcessKilled in the worker fires onProcessKilled and ends it', async () => {
  const worker = wx.createWorker('workers/echo.js');
  const killed = new Promise((resolve) => worker.onProcessKilled(resolve));
  await messages(worker, 1);
  worker.postMessage({ kill: true });
  await killed;
  // Ended: a new worker may start without terminate().
  const next = wx.createWorker('workers/echo.js');
  expect((await messages(next, 1))[0].ready).toBe(true);
  next.terminate();
});

test('an uncaught exception ends the worker and reaches onError', async () => {
  const worker = wx.createWorker('workers/echo.js');
  const failed = new Promise((resolve) => worker.onError(resolve));
  await messages(worker, 1);
  worker.postMessage({ crash: true });
  expect(await failed).toEqual({ error: 'createWorker:fail the worker ended with an uncaught exception (printed above)' });
});

test('scripts outside the workers folder, or missing, are refused with a warning', () => {
  wx.createWorker('outside.js');
  wx.createWorker('workers/missing.js');
  expect(takeWarnings().map((w) => w.code)).toEqual(['worker-script', 'worker-script']);
});
