// Spec 1 as requests meet it: the domain list (asynchronous failures), ports, the LAN rule,
// redirects checked hop by hop, the banned host.
const { request, API, LAN_HTTP, HTTPS_PORT } = require('../helpers/net');

const NOT_LISTED = { errMsg: 'request:fail url not in domain list', errno: 600002 };

test('a host not in requestdomain fails later with 600002; the call still returns a task', async () => {
  const pending = request({ url: 'https://other.wxrun.test/echo' });
  const { ok, result, task } = await pending;
  expect(typeof task.abort).toBe('function');
  expect(ok).toBe(false);
  expect(result).toEqual(NOT_LISTED);
});

test('https port rule: no port in the entry allows only port-less URLs; an entry with a port allows that port', async () => {
  expect((await request({ url: 'https://api.wxrun.test:443/echo' })).result).toEqual(NOT_LISTED);
  const listedPort = await request({ url: 'https://api.wxrun.test:8443/echo' });
  expect(listedPort.ok).toBe(true);
  expect((await request({ url: 'https://api.wxrun.test:9443/echo' })).result).toEqual(NOT_LISTED);
});

test('http to a listed host is refused; the host match ignores case and one trailing dot', async () => {
  expect((await request({ url: 'http://api.wxrun.test/echo' })).result).toEqual(NOT_LISTED);
  expect((await request({ url: 'https://API.WXRUN.TEST./echo' })).ok).toBe(true);
});

test('LAN exception: a peer in the device subnet may use plain http on any port', async () => {
  const { ok, result } = await request({ url: LAN_HTTP + '/echo' });
  expect(ok).toBe(true);
  expect(result.data.tls).toBe(false);
});

test("the device's own address is not a LAN peer", async () => {
  const { result } = await request({ url: 'https://127.0.0.1:' + HTTPS_PORT + '/echo' });
  expect(result).toEqual(NOT_LISTED);
});

// The banned host cannot be listed (a configuration that lists it is refused:
// crates/wxrun/tests/banned_host.rs), so with urlCheck on these fail by the list and the ban
// together; url-check-off/ has the same routes where only the ban refuses them.
test.each(require('../helpers/banned').routes)('api.weixin.qq.com is always refused: %s', async (route, run, refused) => {
  expect(await run()).toEqual(refused);
});

describe('redirects', () => {
  test('followed, every hop checked against the list', async () => {
    const followed = await request({ url: API + '/redirect/2' });
    expect(followed.ok).toBe(true);
    expect(followed.result.data.path).toBe('/echo');
    const offList = await request({ url: API + '/redirect-to?url=https://other.wxrun.test/echo' });
    expect(offList.result).toEqual(NOT_LISTED);
    const lan = await request({ url: API + '/redirect-to?url=' + encodeURIComponent(LAN_HTTP + '/echo') });
    expect(lan.ok).toBe(true);
    const portHop = await request({ url: API + '/redirect-to?url=https://api.wxrun.test:443/echo' });
    expect(portHop.result).toEqual(NOT_LISTED);
  });

  test('at most 15 hops', async () => {
    expect((await request({ url: API + '/redirect/14' })).ok).toBe(true);
    const tooMany = await request({ url: API + '/redirect/15' });
    expect(tooMany.result).toEqual({ errMsg: 'request:fail -310:net::ERR_TOO_MANY_REDIRECTS', errno: 600008 });
    expect((await request({ url: API + '/loop' })).result.errno).toBe(600008);
  });

  test("redirect: 'manual' returns the redirect itself", async () => {
    const { ok, result } = await request({ url: API + '/redirect-to?url=/elsewhere&status=307', redirect: 'manual' });
    expect(ok).toBe(true);
    expect(result.statusCode).toBe(307);
    expect(result.header.Location).toBe('/elsewhere');
  });

  test('303, and 301/302 after POST, continue as GET without the body; 307 keeps both', async () => {
    const seeOther = await request({ url: API + '/redirect-to?url=/echo&status=303', method: 'POST', data: { a: 1 } });
    expect(seeOther.result.data.method).toBe('GET');
    expect(seeOther.result.data.bodyLength).toBe(0);
    const temporary = await request({ url: API + '/redirect-to?url=/echo&status=307', method: 'POST', data: { a: 1 } });
    expect(temporary.result.data.method).toBe('POST');
    expect(temporary.result.data.body).toBe('{"a":1}');
  });
});
