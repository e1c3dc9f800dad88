// Spec 4.2: synchronous validation failures, in order; they call fail then complete at once
// and the call returns undefined.
const { callSync, request, API } = require('../helpers/net');

function expectSyncFailure(options, errMsg, errno) {
  const { returned, calls } = callSync(options);
  expect(returned).toBeUndefined();
  expect(calls.map((c) => c[0])).toEqual(['fail', 'complete']);
  const expected = { errMsg };
  if (errno !== undefined) expected.errno = errno;
  expect(calls[0][1]).toEqual(expected);
  expect(calls[1][1]).toBe(calls[0][1]);
}

test('1. url must be a string (parameter error 1001)', () => {
  expectSyncFailure({ url: 42 }, 'request:fail parameter error: parameter.url should be String instead of Number;', 1001);
  expectSyncFailure({}, 'request:fail parameter error: parameter.url should be String instead of Undefined;', 1001);
  expectSyncFailure({ url: null }, 'request:fail parameter error: parameter.url should be String instead of Null;', 1001);
  expectSyncFailure({ url: ['https://a'] }, 'request:fail parameter error: parameter.url should be String instead of Array;', 1001);
});

test('2. url must start with http:// or https:// (600009)', () => {
  expectSyncFailure({ url: 'ftp://api.wxrun.test/x' }, 'request:fail invalid url "ftp://api.wxrun.test/x"', 600009);
  expectSyncFailure({ url: 'wss://api.wxrun.test/x' }, 'request:fail invalid url "wss://api.wxrun.test/x"', 600009);
  expectSyncFailure({ url: 'api.wxrun.test/x' }, 'request:fail invalid url "api.wxrun.test/x"', 600009);
  expectSyncFailure({ url: '' }, 'request:fail invalid url ""', 600009);
  expect(callSync({ url: 'HTTPS://api.wxrun.test/echo' }).returned).toBeDefined();
});

test('3. data that JSON.stringify rejects (600010)', () => {
  const cycle = {};
  cycle.self = cycle;
  expectSyncFailure({ url: API + '/echo', method: 'POST', data: cycle }, 'request:fail fail to stringify data', 600010);
  expectSyncFailure({ url: API + '/echo', method: 'POST', data: { n: 10n } }, 'request:fail fail to stringify data', 600010);
});

test('4. data must not be a function (600010)', () => {
  expectSyncFailure({ url: API + '/echo', data() {} }, 'request:fail data should not be Function', 600010);
});

test('5. illegal host: a leading dot or an empty label (errno 101)', () => {
  expectSyncFailure({ url: 'https://.api.wxrun.test/echo' }, 'request:fail illegal host: .api.wxrun.test', 101);
  expectSyncFailure({ url: 'https://api..wxrun.test/echo' }, 'request:fail illegal host: api..wxrun.test', 101);
});

test('the checks run in this order', () => {
  const cycle = {};
  cycle.self = cycle;
  expectSyncFailure({ url: 1, data: cycle }, 'request:fail parameter error: parameter.url should be String instead of Number;', 1001);
  expectSyncFailure({ url: 'ftp://x', data: cycle }, 'request:fail invalid url "ftp://x"', 600009);
  expectSyncFailure({ url: 'https://.x', data: cycle, method: 'POST' }, 'request:fail fail to stringify data', 600010);
  expectSyncFailure({ url: 'https://.x', data() {} }, 'request:fail data should not be Function', 600010);
});

test('6. a header that is not an object is replaced by {} with a console warning', async () => {
  const warnings = [];
  const original = console.warn;
  console.warn = (text) => warnings.push(text);
  let pending;
  try {
    pending = request({ url: API + '/echo', header: 'x-a: 1' });
  } finally {
    console.warn = original;
  }
  const { ok, result } = await pending;
  expect(warnings).toEqual(['wx.request: header must be an object']);
  expect(ok).toBe(true);
  expect(result.data.headers['content-type']).toBe('application/json');
});

test('an unknown method fails later, and a task is returned', async () => {
  const { returned, calls } = callSync({ url: API + '/echo', method: 'FETCH' });
  expect(typeof returned.abort).toBe('function');
  expect(calls).toEqual([]);
  const { ok, result } = await request({ url: API + '/echo', method: 'patch' });
  expect(ok).toBe(false);
  expect(result.errMsg).toBe('request:fail method is invalid');
});

test('valid calls return a RequestTask, never a Promise', () => {
  const task = wx.request({ url: API + '/echo' });
  expect(task).not.toBeInstanceOf(Promise);
  for (const method of ['abort', 'onHeadersReceived', 'offHeadersReceived', 'onChunkReceived', 'offChunkReceived']) {
    expect(typeof task[method]).toBe('function');
  }
  task.abort();
});

test('enableCache, enableQuic, enableHttpDNS, forceCellularNetwork, useHighPerformanceMode and enableProfile are accepted and change nothing sent', async () => {
  const options = { url: API + '/echo?x=1', method: 'POST', data: { a: 1 }, header: { 'X-Kept': 'yes' } };
  const plain = await request(options);
  const flagged = await request(
    Object.assign({}, options, {
      enableCache: true,
      enableQuic: true,
      enableHttpDNS: true,
      httpDNSServiceId: 'wx-test',
      forceCellularNetwork: true,
      useHighPerformanceMode: true,
      enableProfile: false,
    }),
  );
  expect(flagged.ok).toBe(true);
  const sent = (result) => {
    const { method, path, query, version, headers, body } = result.data;
    return { method, path, query, version, headers, body };
  };
  expect(sent(flagged.result)).toEqual(sent(plain.result));
  expect(Object.keys(flagged.result).sort()).toEqual(Object.keys(plain.result).sort());
});
