// Helpers for the network tests: promise forms of the callback APIs that keep every callback
// observable, and the addresses of the test servers.
const { env } = require('wxrun');

exports.API = 'https://api.wxrun.test';
/// The plain HTTP server on 127.0.0.2, a LAN peer of the device 127.0.0.1.
exports.LAN_HTTP = env.WXRUN_TESTKIT_HTTP;
exports.HTTPS_PORT = Number(env.WXRUN_TESTKIT_HTTPS_PORT);

// Resolves with { ok, result, calls, task } once complete has run.
exports.request = (options) =>
  new Promise((resolve) => {
    const calls = [];
    let task;
    task = wx.request(
      Object.assign({}, options, {
        success: (res) => calls.push('success'),
        fail: (err) => calls.push('fail'),
        complete: (result) => {
          calls.push('complete');
          resolve({ ok: calls[0] === 'success', result, calls, task });
        },
      }),
    );
  });

// Calls wx.request and records what happened before it returned.
exports.callSync = (options) => {
  const calls = [];
  const returned = wx.request(
    Object.assign({}, options, {
      success: (res) => calls.push(['success', res]),
      fail: (err) => calls.push(['fail', err]),
      complete: (res) => calls.push(['complete', res]),
    }),
  );
  return { returned, calls };
};

// Polls `predicate` every 50 ms; rejects after `ms`.
exports.waitFor = (predicate, ms) =>
  new Promise((resolve, reject) => {
    const started = Date.now();
    const poll = setInterval(() => {
      if (predicate()) {
        clearInterval(poll);
        resolve();
      } else if (Date.now() - started > ms) {
        clearInterval(poll);
        reject(new Error('gave up waiting after ' + ms + ' ms'));
      }
    }, 50);
  });

exports.sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

exports.text = (buffer) => String.fromCharCode(...new Uint8Array(buffer));
