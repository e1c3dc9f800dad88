// urlCheck off: the domain list, schemes and ports are skipped; the banned host is not.
const { takeWarnings } = require('wxrun');
const { request, API } = require('../../helpers/net');

test('unlisted hosts and explicit ports are reachable', async () => {
  expect((await request({ url: 'https://other.wxrun.test/echo' })).ok).toBe(true);
  expect((await request({ url: 'https://api.wxrun.test:443/echo' })).ok).toBe(true);
});

test('plain http outside the LAN works, with a conformance warning', async () => {
  const { ok, result } = await request({ url: 'http://plain.wxrun.test/echo' });
  expect(ok).toBe(true);
  expect(result.data.tls).toBe(false);
  expect(takeWarnings().map((w) => w.code)).toEqual(['insecure-url']);
});

test('api.weixin.qq.com is still refused', async () => {
  expect((await request({ url: 'https://api.weixin.qq.com/x' })).result.errno).toBe(600002);
});

test('certificates are still verified', async () => {
  expect((await request({ url: 'https://untrusted.wxrun.test/echo' })).result.errMsg).toBe('request:fail -202:net::ERR_CERT_AUTHORITY_INVALID');
});
