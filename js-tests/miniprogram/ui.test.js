// The UI and account APIs are recorded and answered as a person would, unless scripted.
const { ui } = require('wxrun');

beforeEach(() => ui.reset());

test('showModal is confirmed by default, and a script can cancel it', async () => {
  expect(await wx.showModal({ title: 'Delete?', content: 'Really' })).toEqual({ errMsg: 'showModal:ok', confirm: true, cancel: false });
  ui.respond('showModal', (options) => ({ confirm: options.title !== 'Delete?', cancel: options.title === 'Delete?' }));
  expect((await wx.showModal({ title: 'Delete?' })).confirm).toBe(false);
  expect((await wx.showModal({ title: 'Save?' })).confirm).toBe(true);
  expect(ui.callsOf('showModal').map((call) => call.options.title)).toEqual(['Delete?', 'Delete?', 'Save?']);
});

test('showActionSheet taps the first item; more than 6 items is a parameter error', async () => {
  expect(await wx.showActionSheet({ itemList: ['a', 'b'] })).toEqual({ errMsg: 'showActionSheet:ok', tapIndex: 0 });
  ui.respond('showActionSheet', { fail: 'cancel' });
  await expect(wx.showActionSheet({ itemList: ['a'] })).rejects.toEqual({ errMsg: 'showActionSheet:fail cancel' });
  const results = [];
  wx.showActionSheet({ itemList: ['1', '2', '3', '4', '5', '6', '7'], fail: (res) => results.push(res.errMsg) });
  expect(results).toEqual(['showActionSheet:fail parameter error: itemList should not be large than 6']);
});

test('toasts and loading are recorded with what is on screen', async () => {
  await wx.showLoading({ title: 'Loading' });
  expect(ui.state.loading).toEqual({ title: 'Loading' });
  await wx.hideLoading();
  await wx.showToast({ title: 'Saved' });
  expect(ui.state.toast).toEqual({ title: 'Saved', icon: 'success', duration: 1500 });
  expect(ui.calls.map((call) => call.api)).toEqual(['showLoading', 'hideLoading', 'showToast']);
  const results = [];
  wx.showToast({ title: 3, fail: (res) => results.push(res.errMsg) });
  expect(results).toEqual(['showToast:fail parameter error: parameter.title should be String instead of Number;']);
});

test('login yields a fresh code each time, or the scripted one; checkSession can be made to fail', async () => {
  const first = await wx.login();
  const second = await wx.login();
  expect(first.errMsg).toBe('login:ok');
  expect(first.code).not.toBe(second.code);
  ui.respond('login', { code: 'fixed-code' });
  expect((await wx.login()).code).toBe('fixed-code');
  expect(await wx.checkSession()).toEqual({ errMsg: 'checkSession:ok' });
  ui.respond('checkSession', { fail: 'session time out' });
  await expect(wx.checkSession()).rejects.toEqual({ errMsg: 'checkSession:fail session time out' });
});

test('callbacks arrive as a macrotask in success, complete order', async () => {
  const order = [];
  await new Promise((resolve) => {
    wx.setNavigationBarTitle({
      title: 'Shop',
      success: () => order.push('success'),
      complete: () => {
        order.push('complete');
        resolve();
      },
    });
    order.push('returned');
  });
  expect(order).toEqual(['returned', 'success', 'complete']);
  expect(ui.state.navigationBarTitle).toBe('Shop');
});

test('an answer for a name wx does not have is an error naming the nearest API', () => {
  expect(() => ui.respond('showModall', { confirm: false })).toThrow('"showModall" is not a wx API; did you mean "showModal"?');
  expect(() => ui.respond('request', {})).toThrow(TypeError);
});

test('a title that is not a string rejects the Promise form', async () => {
  await expect(wx.showToast({ title: 3 })).rejects.toEqual({ errMsg: 'showToast:fail parameter error: parameter.title should be String instead of Number;', errno: 1001 });
});
