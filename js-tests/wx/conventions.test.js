// The calling conventions of spec section 0, seen through the base APIs.
describe('success / fail / complete', () => {
  test('complete runs after success with the same object, later, as a macrotask', async () => {
    const calls = [];
    let successResult;
    const done = new Promise((resolve) => {
      wx.getNetworkType({
        success(res) {
          successResult = res;
          calls.push('success');
        },
        complete(res) {
          calls.push('complete');
          resolve(res);
        },
      });
      calls.push('returned');
      // A callback queued as a microtask during the call would run before this one.
      Promise.resolve().then(() => calls.push('microtask'));
    });
    const completeResult = await done;
    expect(calls).toEqual(['returned', 'microtask', 'success', 'complete']);
    expect(completeResult).toBe(successResult);
    expect(completeResult.errMsg).toBe('getNetworkType:ok');
  });

  test.each([
    ['getNetworkType', {}],
    ['request', { url: 'https://api.wxrun.test/echo' }],
    ['downloadFile', { url: 'https://download.wxrun.test/bytes/10' }],
    ['connectSocket', { url: 'wss://ws.wxrun.test/echo' }],
  ])('%s: a microtask queued after the call runs before success (macrotask delivery)', async (api, options) => {
    const order = [];
    let task;
    await new Promise((resolve) => {
      task = wx[api](Object.assign({}, options, { success: () => order.push('success'), complete: resolve }));
      Promise.resolve().then(() => order.push('microtask'));
    });
    expect(order).toEqual(['microtask', 'success']);
    if (api === 'connectSocket') task.close({});
  });

  test('callbacks are not re-entrant: a microtask queued before the call runs first', async () => {
    const order = [];
    Promise.resolve().then(() => order.push('microtask'));
    await new Promise((resolve) => wx.getNetworkType({ success: () => order.push('success'), complete: resolve }));
    expect(order).toEqual(['microtask', 'success']);
  });
});

describe('Promise style', () => {
  test('listed APIs return a Promise only without callbacks', async () => {
    const promise = wx.getNetworkType();
    expect(promise).toBeInstanceOf(Promise);
    const result = await promise;
    expect(result.errMsg).toBe('getNetworkType:ok');
    expect(wx.getNetworkType({ complete() {} })).toBeUndefined();
    expect(wx.getSystemInfo({ success() {} })).toBeUndefined();
  });
});

describe('on/off listener pairs', () => {
  const { app } = require('wxrun');
  // Resolves once the next event has reached every listener registered before this one (a
  // listener added last hears it last).
  const delivered = (on, off) =>
    new Promise((resolve) => {
      const once = () => {
        off(once);
        resolve();
      };
      on(once);
    });

  test('the same function twice fires twice; off(fn) removes every registration', async () => {
    const seen = [];
    const listener = () => seen.push('a');
    wx.onAppHide(listener);
    wx.onAppHide(listener);
    let hidden = delivered(wx.onAppHide, wx.offAppHide);
    app.hide();
    await hidden;
    expect(seen).toEqual(['a', 'a']);
    wx.offAppHide(listener);
    app.show();
    hidden = delivered(wx.onAppHide, wx.offAppHide);
    app.hide();
    await hidden;
    expect(seen).toEqual(['a', 'a']);
    app.show();
  });

  test('off() without a function removes all', async () => {
    const seen = [];
    wx.onAppShow(() => seen.push(1));
    wx.onAppShow(() => seen.push(2));
    wx.offAppShow();
    const shown = delivered(wx.onAppShow, wx.offAppShow);
    app.hide();
    app.show();
    await shown;
    expect(seen).toEqual([]);
  });

  test('a non-function is ignored with a console warning', () => {
    const warnings = [];
    const original = console.warn;
    console.warn = (text) => warnings.push(text);
    try {
      wx.onAppShow('nope');
      wx.onAppHide(42);
    } finally {
      console.warn = original;
    }
    expect(warnings).toEqual(['onAppShow should accept a function instead of string', 'onAppHide should accept a function instead of number']);
  });

  test('onAppShow receives launch-like options and hide/show are events, not calls', async () => {
    let shown;
    const listener = (options) => (shown = options);
    wx.onAppShow(listener);
    const delivery = delivered(wx.onAppShow, wx.offAppShow);
    app.hide();
    app.show({ query: { from: 'test' } });
    expect(shown).toBeUndefined();
    await delivery;
    expect(shown.scene).toBe(1001);
    expect(shown.query).toEqual({ from: 'test' });
    expect(app.state).toBe('foreground');
    wx.offAppShow(listener);
  });
});

describe('members answered only generically', () => {
  test('answer as their kind says, never throwing', async () => {
    expect(typeof wx.addPhoneContact).toBe('function');
    expect(await wx.addPhoneContact({ firstName: 'Ada' })).toEqual({ errMsg: 'addPhoneContact:ok' });
  });
});
