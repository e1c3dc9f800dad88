// Spec 4.3 and 2: how the request is built: header values, content-type, GET query merging,
// bodies, the fixed headers, no cookie jar.
const { takeWarnings } = require('wxrun');
const { request, API } = require('../helpers/net');

async function echo(options) {
  const { ok, result } = await request(Object.assign({ url: API + '/echo' }, options));
  expect(ok).toBe(true);
  return result.data;
}

describe('headers', () => {
  test('values: strings kept, numbers as text, anything else via Object.prototype.toString (warned)', async () => {
    const sent = await echo({ header: { 'x-s': 'text', 'x-n': 42, 'x-o': { a: 1 }, 'x-b': true, 'x-a': [1], 'x-null': null } });
    expect(sent.headers['x-s']).toBe('text');
    expect(sent.headers['x-n']).toBe('42');
    expect(sent.headers['x-o']).toBe('[object Object]');
    expect(sent.headers['x-b']).toBe('[object Boolean]');
    expect(sent.headers['x-a']).toBe('[object Array]');
    expect(sent.headers['x-null']).toBe('[object Null]');
    const codes = takeWarnings().map((w) => w.code);
    expect(codes).toEqual(['header-value', 'header-value', 'header-value', 'header-value']);
  });

  test('content-type in any case becomes one lower-case header; default application/json', async () => {
    const custom = await echo({ header: { 'CONTENT-TYPE': 'text/plain' } });
    const names = custom.rawHeaders.map((h) => h[0]).filter((n) => n === 'content-type');
    expect(names).toHaveLength(1);
    expect(custom.headers['content-type']).toBe('text/plain');
    const defaulted = await echo({});
    expect(defaulted.headers['content-type']).toBe('application/json');
  });

  test('a Referer from the script is dropped (warned); the fixed one is sent', async () => {
    const sent = await echo({ header: { referer: 'https://evil.example/', ReFeReR: 'x' } });
    expect(sent.headers.referer).toBe('https://servicewechat.com/touristappid/0/page-frame.html');
    expect(takeWarnings().map((w) => w.code)).toEqual(['referer']);
  });

  test('User-Agent is WeChat-like and names wxrun; Accept-Encoding defaults to gzip, deflate, br', async () => {
    const sent = await echo({});
    expect(sent.headers['user-agent']).toMatch(/MicroMessenger\/[\d.]+/);
    expect(sent.headers['user-agent']).toContain('miniProgram');
    expect(sent.headers['user-agent']).toMatch(/wxrun\/\d+\.\d+\.\d+/);
    expect(sent.headers['accept-encoding']).toBe('gzip, deflate, br');
    const own = await echo({ header: { 'Accept-Encoding': 'identity' } });
    expect(own.headers['accept-encoding']).toBe('identity');
  });

  test('there is no cookie jar: Set-Cookie is never sent back', async () => {
    const { result } = await request({ url: API + '/cookies' });
    expect(result.cookies).toHaveLength(3);
    const sent = await echo({});
    expect(sent.headers.cookie).toBeUndefined();
  });
});

describe('GET query merging', () => {
  test('object data merges into the query: existing pairs kept undecoded, new keys override', async () => {
    const sent = await echo({ url: API + '/echo?a=1&flag&c=%20', data: { b: 2, a: 'x y', o: { k: 1 } } });
    expect(sent.query).toBe('a=x%20y&flag=undefined&c=%20&b=2&o=%7B%22k%22%3A1%7D');
    expect(sent.bodyLength).toBe(0);
  });

  test('keys and values are encoded with encodeURIComponent', async () => {
    const sent = await echo({ data: { 'a b': 'ä&=', n: null, u: undefined } });
    expect(sent.query).toBe('a%20b=%C3%A4%26%3D&n=null&u=undefined');
  });

  test('GET with an empty object (as many request wrappers send) sends no body and warns of nothing', async () => {
    const sent = await echo({ url: API + '/echo?x=1', data: {} });
    expect(sent.query).toBe('x=1');
    expect(sent.bodyLength).toBe(0);
    expect(takeWarnings()).toEqual([]);
  });

  test('an empty object leaves the URL alone; string data on GET is dropped (warned)', async () => {
    expect((await echo({ url: API + '/echo?x=1', data: {} })).query).toBe('x=1');
    const sent = await echo({ url: API + '/echo?x=1', data: 'a=b' });
    expect(sent.query).toBe('x=1');
    expect(sent.bodyLength).toBe(0);
    expect(takeWarnings().map((w) => w.code)).toEqual(['body-dropped']);
  });
});

describe('bodies', () => {
  test('POST objects are JSON', async () => {
    const sent = await echo({ method: 'POST', data: { a: 1, list: [1, 'two'] } });
    expect(sent.method).toBe('POST');
    expect(sent.body).toBe('{"a":1,"list":[1,"two"]}');
  });

  test('form content-type: own keys encoded, nested values become [object Object]', async () => {
    const sent = await echo({ method: 'POST', header: { 'content-type': 'application/x-www-form-urlencoded; charset=UTF-8' }, data: { a: 1, 'b c': 'd&e', nested: { x: 1 } } });
    expect(sent.body).toBe('a=1&b%20c=d%26e&nested=%5Bobject%20Object%5D');
  });

  test('strings and ArrayBuffers go as they are', async () => {
    expect((await echo({ method: 'PUT', data: 'raw text' })).body).toBe('raw text');
    const bytes = new Uint8Array([0, 1, 254, 255]);
    const sent = await echo({ method: 'POST', data: bytes.buffer });
    expect(sent.bodyBase64).toBe(wx.arrayBufferToBase64(bytes.buffer));
  });

  test('only POST, PUT and DELETE carry a body; the method is upper-cased', async () => {
    expect((await echo({ method: 'delete', data: { a: 1 } })).body).toBe('{"a":1}');
    expect((await echo({ method: 'put', data: 'x' })).method).toBe('PUT');
    const options = await echo({ method: 'OPTIONS', data: 'dropped' });
    expect(options.bodyLength).toBe(0);
    const head = await request({ url: API + '/echo', method: 'HEAD', data: { a: 1 } });
    expect(head.ok).toBe(true);
    expect(head.result.data).toBe('');
    expect(takeWarnings().map((w) => w.code)).toEqual(['body-dropped', 'body-dropped']);
  });
});
