// Spec 4.7: every transport failure, produced by a real fault of the test servers.
const { request, API } = require('../helpers/net');

async function failure(url, options) {
  const { ok, result } = await request(Object.assign({ url }, options));
  expect(ok).toBe(false);
  return result;
}

const row = (reason, errno) => ({ errMsg: 'request:fail ' + reason, errno });

test.each([
  ['connection refused', 'https://refused.wxrun.test/echo', row('-102:net::ERR_CONNECTION_REFUSED', 600001)],
  ['connection reset', API + '/echo?fault=reset', row('-101:net::ERR_CONNECTION_RESET', 600001)],
  ['empty reply', API + '/echo?fault=empty', row('-324:net::ERR_EMPTY_RESPONSE', 600001)],
  ['closed mid-body', API + '/bytes/4000?fault=close', row('-100:net::ERR_CONNECTION_CLOSED', 600001)],
  ['truncated chunked body', API + '/bytes/4000?fault=truncate', row('-355:net::ERR_INCOMPLETE_CHUNKED_ENCODING', 600001)],
  ['unknown CA (self-signed)', 'https://untrusted.wxrun.test/echo', row('-202:net::ERR_CERT_AUTHORITY_INVALID', 600001)],
  ['certificate for another name', 'https://wrongname.wxrun.test/echo', row('-200:net::ERR_CERT_COMMON_NAME_INVALID', 600001)],
  ['expired certificate', 'https://expired.wxrun.test/echo', row('-201:net::ERR_CERT_DATE_INVALID', 600001)],
  ['server speaking only TLS 1.1', 'https://tls11.wxrun.test/echo', row('-113:net::ERR_SSL_VERSION_OR_CIPHER_MISMATCH', 600001)],
  ['redirect loop', API + '/loop', row('-310:net::ERR_TOO_MANY_REDIRECTS', 600008)],
  ['not in the domain list', 'https://other.wxrun.test/echo', row('url not in domain list', 600002)],
])('%s', async (name, url, expected) => {
  expect(await failure(url)).toEqual(expected);
});

test('slow server: timeout', async () => {
  expect(await failure(API + '/echo?fault=stall', { timeout: 300 })).toEqual(row('timeout', 5));
});

test('the same faults reach HTTP/2 requests', async () => {
  expect(await failure('https://untrusted.wxrun.test/echo', { enableHttp2: true })).toEqual(row('-202:net::ERR_CERT_AUTHORITY_INVALID', 600001));
  expect(await failure(API + '/echo?fault=stall', { enableHttp2: true, timeout: 300 })).toEqual(row('timeout', 5));
});
