// Spec 4.4: the response pipeline: any status is success, cookies, decompression, charsets,
// exactly one BOM, JSON with fallback, ArrayBuffer, header, profile.
const { takeWarnings } = require('wxrun');
const { request, API, HTTPS_PORT, text } = require('../helpers/net');

async function ok(options) {
  const { ok: passed, result } = await request(Object.assign({ url: API + '/echo' }, options));
  expect(passed).toBe(true);
  return result;
}

test('every HTTP status is success, with statusCode', async () => {
  for (const status of [200, 201, 204, 301, 400, 404, 418, 500, 503]) {
    const result = await ok({ url: API + '/status/' + status, redirect: 'manual' });
    expect(result.errMsg).toBe('request:ok');
    expect(result.statusCode).toBe(status);
  }
});

test('the result has data, statusCode, header, cookies, profile and errMsg', async () => {
  const result = await ok({});
  expect(Object.keys(result)).toEqual(['data', 'statusCode', 'header', 'cookies', 'profile', 'errMsg']);
});

test('cookies: every Set-Cookie value; header: repeated names joined with ","', async () => {
  const result = await ok({ url: API + '/cookies' });
  expect(result.cookies).toEqual(['session=abc123; Path=/; HttpOnly', 'theme=dark; Max-Age=3600', 'lang=zh_CN']);
  expect(result.header['Set-Cookie']).toBe('session=abc123; Path=/; HttpOnly,theme=dark; Max-Age=3600,lang=zh_CN');
  const multi = await ok({ url: API + '/headers?h:x-multi=1&h:x-multi=2' });
  expect(multi.header['X-Multi']).toBe('1,2');
  expect((await ok({})).cookies).toEqual([]);
});

test('header names are kept as the server sent them (HTTP/2 sends lower case)', async () => {
  const http1 = await ok({});
  expect(http1.header['Content-Type']).toBe('application/json');
  expect(http1.header['content-type']).toBeUndefined();
  const http2 = await ok({ enableHttp2: true });
  expect(http2.header['content-type']).toBe('application/json');
  expect(http2.profile.protocol).toBe('h2');
  expect(http2.data.version).toBe('HTTP/2.0');
  expect(http1.data.version).toBe('HTTP/1.1');
});

test('gzip, deflate and br bodies are decoded before anything else', async () => {
  for (const coding of ['gzip', 'deflate', 'br']) {
    const result = await ok({ url: API + '/' + coding });
    expect(result.header['Content-Encoding']).toBe(coding);
    expect(result.data.coding).toBe(coding);
    expect(result.data.text).toBe('compressible '.repeat(200));
  }
});

test('non-UTF-8 charsets are converted', async () => {
  for (const charset of ['gbk', 'gb18030', 'big5']) {
    const result = await ok({ url: API + '/charset/' + charset });
    expect(result.data).toBe('你好，世界');
    const json = await ok({ url: API + '/charset/' + charset + '?json=1' });
    expect(json.data).toEqual({ text: '你好，世界' });
  }
});

test('invalid byte sequences become U+FFFD, with a conformance warning', async () => {
  const result = await ok({ url: API + '/bytes/200?type=text/plain' });
  expect(result.data).toContain('\ufffd');
  expect(takeWarnings().map((w) => w.code)).toEqual(['invalid-text']);
});

test('exactly one BOM is removed', async () => {
  expect((await ok({ url: API + '/bom' })).data).toEqual({ bom: true });
  const twice = await ok({ url: API + '/bom/2' });
  expect(twice.data).toBe('\ufeff{"bom":true}');
});

test('JSON parse falls back to the string; an empty body is ""; other dataTypes do not parse', async () => {
  const notJson = await ok({ url: API + '/text?body=not%20json&type=application/json' });
  expect(notJson.data).toBe('not json');
  expect((await ok({ url: API + '/text?body=' })).data).toBe('');
  expect((await ok({ url: API + '/status/204' })).data).toBe('');
  const raw = await ok({ dataType: 'text' });
  expect(typeof raw.data).toBe('string');
  expect(JSON.parse(raw.data).method).toBe('GET');
  const other = await ok({ url: API + '/json/2', dataType: 'other' });
  expect(typeof other.data).toBe('string');
  expect((await ok({ url: API + '/json/2' })).data).toEqual([{ id: 0, name: 'item 0', ok: true }, { id: 1, name: 'item 1', ok: true }]);
});

test('arraybuffer responses: the decompressed bytes, BOM kept, no parse; responseType is lower-cased', async () => {
  const bytes = await ok({ url: API + '/bytes/300', responseType: 'arraybuffer' });
  expect(bytes.data).toBeInstanceOf(ArrayBuffer);
  expect(bytes.data.byteLength).toBe(300);
  expect(new Uint8Array(bytes.data)[255]).toBe(4);
  const bom = await ok({ url: API + '/bom', responseType: 'ArrayBuffer' });
  expect(new Uint8Array(bom.data).slice(0, 3)).toEqual(new Uint8Array([0xef, 0xbb, 0xbf]));
  const gzip = await ok({ url: API + '/gzip', responseType: 'arraybuffer' });
  expect(text(gzip.data)).toContain('"coding":"gzip"');
});

test('profile carries real timings and connection facts', async () => {
  const { profile } = await ok({});
  expect(profile.protocol).toBe('http1.1');
  expect(profile.peerIP).toBe('127.0.0.1');
  expect(profile.port).toBe(HTTPS_PORT);
  expect(profile.fetchStart).toBeGreaterThan(1.6e12);
  expect(profile.queueStart).toBeLessThanOrEqual(profile.queueEnd);
  expect(profile.requestStart).toBeGreaterThanOrEqual(profile.fetchStart);
  expect(profile.responseStart).toBeGreaterThanOrEqual(profile.requestStart);
  expect(profile.responseEnd).toBeGreaterThanOrEqual(profile.responseStart);
  expect(profile.receivedBytedCount).toBeGreaterThan(0);
  for (const key of ['domainLookUpStart', 'connectStart', 'SSLconnectionStart', 'SSLconnectionEnd', 'rtt', 'sendBytesCount']) {
    expect(typeof profile[key]).toBe('number');
  }
});

test('keep-alive: the next request reuses the connection', async () => {
  const first = await ok({});
  const second = await ok({});
  expect(second.data.connection).toBe(first.data.connection);
  expect(second.profile.socketReused).toBe(true);
  expect(second.profile.SSLconnectionStart).toBe(0);
});
