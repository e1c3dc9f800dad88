// Mock rules added from a test with require('wxrun').mock(rule): the answer still goes
// through the domain and limit checks and the same body decoding as a server's.
const { mock } = require('wxrun');
const { API, request } = require('../helpers/net');
const { record } = require('../helpers/ws');

test('a JSON response, with status and headers; statusCode 500 is still success', async () => {
  mock({ url: API + '/mocked/user', response: { status: 500, headers: { 'X-Mock': 'yes' }, body: { name: 'ann' } } });
  const { ok, result } = await request({ url: API + '/mocked/user' });
  expect(ok).toBe(true);
  expect(result.statusCode).toBe(500);
  expect(result.data).toEqual({ name: 'ann' });
  expect(result.header['X-Mock']).toBe('yes');
  expect(result.header['Content-Type']).toBe('application/json; charset=utf-8');
});

test('matching on method, query and body; first match wins; unmatched calls reach the server', async () => {
  mock({ method: 'POST', url: API + '/echo*', query: { page: '2' }, body: { json: { kind: 'a' } }, response: { body: 'first' } });
  mock({ method: 'POST', url: API + '/echo*', response: { body: 'second' } });
  const first = await request({ url: API + '/echo?page=2', method: 'POST', data: { kind: 'a', extra: 1 } });
  expect(first.result.data).toBe('first');
  const second = await request({ url: API + '/echo?page=3', method: 'POST', data: { kind: 'a' } });
  expect(second.result.data).toBe('second');
  const real = await request({ url: API + '/echo?page=2', method: 'GET' });
  expect(real.result.data.method).toBe('GET');
});

test('bodies are decoded like a server\'s: charset, one BOM, JSON', async () => {
  // "你好" in GBK; the second body starts with two BOMs.
  mock({ url: API + '/mocked/gbk', response: { headers: { 'Content-Type': 'text/plain; charset=gbk' }, bodyBase64: 'xOO6ww==' } });
  mock({ url: API + '/mocked/bom', response: { headers: { 'Content-Type': 'application/json' }, body: '\ufeff\ufeff{"a":1}' } });
  const gbk = await request({ url: API + '/mocked/gbk' });
  expect(gbk.result.data).toBe('你好');
  const bom = await request({ url: API + '/mocked/bom' });
  // Exactly one BOM goes; what is left is not JSON, so data stays the string.
  expect(bom.result.data).toBe('\ufeff{"a":1}');
});

test('a mocked call still passes the domain check', async () => {
  mock({ url: 'https://not-listed.example.com/*', response: { body: 'never' } });
  const { ok, result } = await request({ url: 'https://not-listed.example.com/x' });
  expect(ok).toBe(false);
  expect(result.errMsg).toBe('request:fail url not in domain list');
});

test('fail answers with the errMsg; a delay longer than the timeout times out', async () => {
  mock({ url: API + '/mocked/down', fail: '-102:net::ERR_CONNECTION_REFUSED' });
  const down = await request({ url: API + '/mocked/down' });
  expect(down.result.errMsg).toBe('request:fail -102:net::ERR_CONNECTION_REFUSED');
  mock({ url: API + '/mocked/slow', response: { delay: 500, body: 'late' } });
  const slow = await request({ url: API + '/mocked/slow', timeout: 100 });
  expect(slow.result.errMsg).toBe('request:fail timeout');
});

test('rules a test added are gone in the next test', async () => {
  const { result } = await request({ url: API + '/mocked/user' });
  expect(result.statusCode).toBe(404);
});

test('remove() takes one rule away', async () => {
  const rule = mock({ url: API + '/status/418', response: { body: 'mocked' } });
  expect((await request({ url: API + '/status/418' })).result.data).toBe('mocked');
  rule.remove();
  expect((await request({ url: API + '/status/418' })).result.statusCode).toBe(418);
});

test('downloads and uploads can be mocked', async () => {
  mock({ api: 'downloadFile', url: 'https://download.wxrun.test/mocked.txt', response: { body: 'file body' } });
  const download = await new Promise((resolve, reject) =>
    wx.downloadFile({ url: 'https://download.wxrun.test/mocked.txt', success: resolve, fail: reject }),
  );
  expect(wx.getFileSystemManager().readFileSync(download.tempFilePath, 'utf8')).toBe('file body');
  require('wxrun').sandbox.put('wxfile://usr/up.txt', 'upload me');
  mock({ api: 'uploadFile', url: 'https://upload.wxrun.test/*', response: { body: '{"stored":true}' } });
  const upload = await new Promise((resolve, reject) =>
    wx.uploadFile({ url: 'https://upload.wxrun.test/upload', filePath: 'wxfile://usr/up.txt', name: 'file', success: resolve, fail: reject }),
  );
  expect(upload.data).toBe('{"stored":true}');
});

test('a scripted WebSocket: messages, echo, then the server closes', async () => {
  mock({
    api: 'connectSocket',
    url: 'wss://ws.wxrun.test/mocked',
    socket: { messages: ['welcome', { base64: 'AAEC' }], echo: true },
  });
  const task = wx.connectSocket({ url: 'wss://ws.wxrun.test/mocked' });
  const messages = [];
  const events = await record(task, (kind, payload) => {
    if (kind !== 'message') return;
    messages.push(payload.data);
    if (messages.length === 2) task.send({ data: 'hello back' });
    if (messages.length === 3) task.close({ code: 1000, reason: 'bye' });
  });
  expect(messages[0]).toBe('welcome');
  expect(Array.from(new Uint8Array(messages[1]))).toEqual([0, 1, 2]);
  expect(messages[2]).toBe('hello back');
  expect(events[events.length - 1]).toEqual(['close', { code: 1000, reason: 'bye' }]);

  mock({ api: 'connectSocket', url: 'wss://ws.wxrun.test/closing', socket: { messages: ['last words'], close: { code: 4001, reason: 'go away' } } });
  const closing = await record(wx.connectSocket({ url: 'wss://ws.wxrun.test/closing' }));
  expect(closing.map(([kind]) => kind)).toEqual(['open', 'message', 'close']);
  expect(closing[2][1]).toEqual({ code: 4001, reason: 'go away' });

  mock({ api: 'connectSocket', url: 'wss://ws.wxrun.test/refused', fail: 'Unexpected response code: 403' });
  const refused = await record(wx.connectSocket({ url: 'wss://ws.wxrun.test/refused' }));
  expect(refused.map(([kind]) => kind)).toEqual(['error', 'close']);
  expect(refused[0][1].errMsg).toBe('Unexpected response code: 403');
});

test('a malformed rule throws a TypeError naming the key', () => {
  expect(() => mock({ url: API + '/x', respond: {} })).toThrow('wxrun.mock(): rule 0, `respond`: unknown key');
  expect(() => mock({ url: API + '/x' })).toThrow('needs one of response, fail or socket');
});
