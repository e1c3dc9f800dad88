// Jest's fake timers drive wx's own clocks (docs/testing.md, "Fake timers and wx's clocks"):
// the 60 s timeout of requests, uploads, downloads and sockets and the 5 s grace before
// background interruption pass when the test advances the clock, not in real time. Every
// server here stalls forever, so without the fake clock each test would hit its own 5 s
// timeout instead.
const { app, sandbox } = require('wxrun');
const { request, API, LAN_HTTP } = require('../helpers/net');

const TIMEOUT = { errMsg: 'request:fail timeout', errno: 5 };

sandbox.put('wxfile://usr/clock/up.txt', 'abc');

afterEach(() => {
  jest.useRealTimers();
  app.show();
});

// A real round trip through the event loop and the network, while the fake clock stands
// still: what is pending on the fake clock stays pending.
const realRoundTrip = () => request({ url: API + '/echo' });

function settledFlag(promise) {
  const flag = { settled: false };
  promise.then(() => {
    flag.settled = true;
  });
  return flag;
}

test('the 60 s default timeout of a request passes with the fake clock', async () => {
  jest.useFakeTimers();
  const pending = request({ url: API + '/echo?fault=stall' });
  const flag = settledFlag(pending);
  jest.advanceTimersByTime(59999);
  await realRoundTrip();
  expect(flag.settled).toBe(false);
  jest.advanceTimersByTime(1);
  expect((await pending).result).toEqual(TIMEOUT);
});

test('a timeout option is measured on the fake clock too, and async advancing delivers the failure', async () => {
  jest.useFakeTimers();
  const failed = [];
  wx.request({ url: API + '/echo?fault=stall', timeout: 2500, fail: (err) => failed.push(err.errMsg) });
  await jest.advanceTimersByTimeAsync(2500);
  await realRoundTrip();
  expect(failed).toEqual(['request:fail timeout']);
});

test('runAllTimers runs the fake timers and passes wx deadlines in order', async () => {
  jest.useFakeTimers();
  const order = [];
  setTimeout(() => order.push('timer 1000'), 1000);
  setTimeout(() => order.push('timer 70000'), 70000);
  const pending = request({ url: API + '/echo?fault=stall', timeout: 30000 });
  expect(jest.getTimerCount()).toBe(2);
  jest.runAllTimers();
  expect(order).toEqual(['timer 1000', 'timer 70000']);
  expect((await pending).result).toEqual(TIMEOUT);
  expect(jest.getTimerCount()).toBe(0);
});

test('downloads and uploads time out on the fake clock', async () => {
  jest.useFakeTimers();
  const download = new Promise((resolve) => wx.downloadFile({ url: 'https://download.wxrun.test/bytes/10?fault=stall', fail: resolve }));
  const upload = new Promise((resolve) =>
    wx.uploadFile({ url: 'https://upload.wxrun.test/upload?fault=stall', filePath: 'wxfile://usr/clock/up.txt', name: 'f', fail: resolve }),
  );
  jest.advanceTimersByTime(60000);
  expect(await download).toEqual({ errMsg: 'downloadFile:fail timeout', errno: 5 });
  expect(await upload).toEqual({ errMsg: 'uploadFile:fail timeout', errno: 5 });
});

test('a socket that never completes its handshake times out on the fake clock', async () => {
  jest.useFakeTimers();
  const events = [];
  const closed = new Promise((resolve) => {
    const task = wx.connectSocket({ url: LAN_HTTP.replace('http', 'ws') + '/echo?fault=stall' });
    task.onError((err) => events.push(['error', err.errMsg]));
    task.onClose((res) => {
      events.push(['close', res.code]);
      resolve();
    });
  });
  jest.advanceTimersByTime(59000);
  await realRoundTrip();
  expect(events).toEqual([]);
  jest.advanceTimersByTime(1000);
  await closed;
  expect(events).toEqual([['error', 'timeout'], ['close', 1006]]);
});

test('the 5 s grace before background interruption passes with the fake clock', async () => {
  jest.useFakeTimers();
  const pending = request({ url: API + '/echo?fault=stall' });
  await realRoundTrip();
  const flag = settledFlag(pending);
  app.hide();
  jest.advanceTimersByTime(4999);
  // Started in the background, this one fails at once: a turn of the loop, nothing more.
  expect((await realRoundTrip()).result.errMsg).toBe('request:fail interrupted');
  expect(flag.settled).toBe(false);
  jest.advanceTimersByTime(1);
  expect((await pending).result).toEqual({ errMsg: 'request:fail interrupted', errno: 600003 });
});

test('a deadline set on the fake clock finishes in real time after useRealTimers', async () => {
  jest.useFakeTimers();
  const pending = request({ url: API + '/echo?fault=stall', timeout: 1000 });
  jest.advanceTimersByTime(900);
  jest.useRealTimers();
  // The 100 ms left pass in real time.
  expect((await pending).result).toEqual(TIMEOUT);
});

test('Date follows the fake clock and setSystemTime', () => {
  jest.useFakeTimers({ now: new Date('2024-05-01T00:00:00Z') });
  expect(new Date().toISOString()).toBe('2024-05-01T00:00:00.000Z');
  jest.advanceTimersByTime(1500);
  expect(Date.now()).toBe(Date.UTC(2024, 4, 1, 0, 0, 1, 500));
  jest.setSystemTime(new Date('2030-01-01T00:00:00Z'));
  expect(jest.now()).toBe(Date.UTC(2030, 0, 1));
  expect(new Date(0).getTime()).toBe(0);
  expect(new Date() instanceof Date).toBe(true);
});
