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

// Only the ban stands between these calls and the sentinel the testkit routes the name to.
test.each(require('../../helpers/banned').routes)('api.weixin.qq.com is still refused: %s', async (route, run, refused) => {
  expect(await run()).toEqual(refused);
});

test('certificates are still verified', async () => {
  expect((await request({ url: 'https://untrusted.wxrun.test/echo' })).result.errMsg).toBe('request:fail -202:net::ERR_CERT_AUTHORITY_INVALID');
});

test('sockets: unlisted hosts open; certificates are still verified', async () => {
  const outcome = (url) =>
    new Promise((resolve) => {
      const task = wx.connectSocket({ url });
      task.onOpen(() => {
        task.close({});
        resolve('open');
      });
      task.onError((e) => resolve(e.errMsg));
    });
  expect(await outcome('wss://api.wxrun.test/echo')).toBe('Unexpected response code: 200');
  expect(await outcome('wss://untrusted.wxrun.test/echo')).toBe('-202:net::ERR_CERT_AUTHORITY_INVALID');
});
