// wx.cloud.callFunction (docs/device.md, "wx.cloud"): answered by a script, by a mock rule
// (here from the rules file wxrun.json names, and added by the test), or else failing as a
// function that does not exist does.
const wxrun = require('wxrun');
const { device } = wxrun;

const settle = (run) => new Promise((resolve) => run({ success: (res) => resolve({ ok: res }), fail: (res) => resolve({ fail: res }) }));

test('before wx.cloud.init every call fails as the SDK says', async () => {
  await expect(wx.cloud.callFunction({ name: 'login' })).rejects.toEqual({
    errMsg: "cloud.callFunction:fail Error: errMsg: Cloud API isn't enabled, please call wx.cloud.init first",
    errCode: -1,
  });
  wx.cloud.init({ env: 'test-env' });
});

test('a rule from the rules file answers by function name, with requestID', async () => {
  const res = await wx.cloud.callFunction({ name: 'login' });
  expect(res).toEqual({ result: { openid: 'o-file', appid: 'wx123' }, errMsg: 'cloud.callFunction:ok', requestID: expect.any(String) });
  expect(res.requestID).not.toBe((await wx.cloud.callFunction({ name: 'login' })).requestID);
});

test('a rule matches the data it is given; the first matching rule answers, after its delay', async () => {
  const started = Date.now();
  const added = await settle((callbacks) => wx.cloud.callFunction(Object.assign({ name: 'sum', data: { op: 'add', a: 1, b: 2 } }, callbacks)));
  expect(added.ok.result).toBe(3);
  expect(Date.now() - started).toBeGreaterThanOrEqual(25);
  const other = await settle((callbacks) => wx.cloud.callFunction(Object.assign({ name: 'sum', data: { op: 'mul' } }, callbacks)));
  expect(other.fail).toEqual({ errMsg: 'cloud.callFunction:fail Error: errCode: -504002  | errMsg: functions execute fail' });
});

test('a rule added by the script is tried before the file, and goes when the test ends', async () => {
  wxrun.mock({ cloudFunction: 'log*', response: { result: { openid: 'o-script' } } });
  expect((await wx.cloud.callFunction({ name: 'login' })).result).toEqual({ openid: 'o-script' });
  expect(() => wxrun.mock({ cloudFunction: 'login', response: { body: {} } })).toThrow('wxrun.mock(): rule 0, `response.body`: unknown key');
});

test('without a script or a rule, the function does not exist', async () => {
  expect((await wx.cloud.callFunction({ name: 'login' })).result).toEqual({ openid: 'o-file', appid: 'wx123' });
  const calls = [];
  wx.cloud.callFunction({
    name: 'nowhere',
    data: { x: 1 },
    fail: (res) => calls.push(['fail', res]),
    complete: (res) => calls.push(['complete', res]),
  });
  await new Promise((resolve) => setTimeout(resolve, 10));
  const missing = { errMsg: 'cloud.callFunction:fail Error: errCode: -501000  | errMsg: FunctionName parameter could not be found.', errCode: -501000 };
  expect(calls).toEqual([['fail', missing], ['complete', missing]]);
  expect(device.callsOf('cloud.callFunction').pop().options).toEqual({ name: 'nowhere', data: { x: 1 } });
});

test('a script answers one function by name, or every function', async () => {
  device.respond('cloud.callFunction:nowhere', { result: { n: 1 } });
  expect(await wx.cloud.callFunction({ name: 'nowhere' })).toEqual({ result: { n: 1 }, errMsg: 'cloud.callFunction:ok', requestID: expect.any(String) });
  device.respond('cloud.callFunction:pay', (options) => ({ result: options.data.amount * 2 }));
  expect((await wx.cloud.callFunction({ name: 'pay', data: { amount: 21 } })).result).toBe(42);
  device.respond('cloud.callFunction:pay', { fail: 'Error: errCode: -504002  | errMsg: boom', errCode: -504002 });
  await expect(wx.cloud.callFunction({ name: 'pay' })).rejects.toEqual({ errMsg: 'cloud.callFunction:fail Error: errCode: -504002  | errMsg: boom', errCode: -504002 });
  device.respond('cloud.callFunction', (options) => ({ result: 'any ' + options.name }));
  expect((await wx.cloud.callFunction({ name: 'other' })).result).toBe('any other');
  device.reset();
  await expect(wx.cloud.callFunction({ name: 'nowhere' })).rejects.toMatchObject({ errCode: -501000 });
  expect(() => device.respond('cloud.callFuncton', {})).toThrow('wx.cloud has no "callFuncton"; did you mean "callFunction"?');
  expect(() => device.respond('cloud.uploadFile:x', {})).toThrow('only callFunction takes a function name');
});

test('a call without a name fails with the parameter error', async () => {
  await expect(wx.cloud.callFunction({ data: {} })).rejects.toEqual({
    errMsg: 'cloud.callFunction:fail parameter error: parameter.name should be String instead of Undefined;',
    errno: 1001,
  });
});
