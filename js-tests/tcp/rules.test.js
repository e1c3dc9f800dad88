// TCPSocket's address rules: LAN peers that are not the device itself (127.0.0.1 here; the
// device is 127.0.0.1/8), tcpdomain hosts, never a forbidden port, never api.weixin.qq.com;
// and what connect() says about malformed addresses and ports. A refused connect touches no
// network: the socket stays as it was and can connect elsewhere.
const { env } = require('wxrun');
const { waitFor, sleep } = require('../helpers/net');
const { PEER, ECHO, TCP_HOST, TCP_HOST_PORT, recorded } = require('../helpers/tcp');

const HTTPS_PORT = Number(env.WXRUN_TESTKIT_HTTPS_PORT);

// Every onError of `attempts` (connect options) made on one socket, then a connect to the echo
// server to show the socket was left usable.
async function refusals(attempts, type) {
  const { socket, next, errors, kinds } = recorded(type ? { type } : undefined);
  for (const options of attempts) socket.connect(options);
  await waitFor(() => errors().length >= attempts.length, 2000);
  await sleep(50);
  const seen = errors();
  expect(kinds().filter((k) => k !== 'error')).toEqual([]);
  return { socket, next, seen };
}

const notAllowed = (where) => ({ errMsg: 'connect:fail url not in domain list (' + where + ')', errCode: -3 });

test('the device itself and addresses off the LAN are refused; a LAN peer is not', async () => {
  // Something listens on 127.0.0.1 (the HTTPS server): only the rule keeps the socket away.
  const { socket, next, seen } = await refusals([
    { address: '127.0.0.1', port: HTTPS_PORT },
    { address: '10.1.2.3', port: 9100 },
    { address: '192.168.1.10', port: 9100 },
    { address: 'localhost', port: HTTPS_PORT },
  ]);
  expect(seen).toEqual([
    notAllowed('127.0.0.1:' + HTTPS_PORT),
    notAllowed('10.1.2.3:9100'),
    notAllowed('192.168.1.10:9100'),
    notAllowed('localhost:' + HTTPS_PORT),
  ]);
  socket.connect({ address: PEER, port: ECHO });
  expect((await next('connect')).remoteInfo.address).toBe(PEER);
  socket.close();
});

test('host names must be in tcpdomain: an unlisted one is refused even where connectTo leads', async () => {
  // other.wxrun.test:9100 is routed to the echo server too: were the rule broken, it would connect.
  const { socket, next, seen } = await refusals([
    { address: 'other.wxrun.test', port: TCP_HOST_PORT },
    { address: 'udp.wxrun.test', port: 9000 },
  ]);
  expect(seen).toEqual([notAllowed('other.wxrun.test:' + TCP_HOST_PORT), notAllowed('udp.wxrun.test:9000')]);
  socket.connect({ address: TCP_HOST, port: TCP_HOST_PORT });
  await next('connect');
  socket.close();
});

test('api.weixin.qq.com is refused (the testkit routes it to the echo server: a sentinel)', async () => {
  const { seen } = await refusals([
    { address: 'api.weixin.qq.com', port: TCP_HOST_PORT },
    { address: 'API.Weixin.QQ.com.', port: TCP_HOST_PORT },
  ]);
  expect(seen).toEqual([notAllowed('api.weixin.qq.com:' + TCP_HOST_PORT), notAllowed('API.Weixin.QQ.com.:' + TCP_HOST_PORT)]);
});

test('forbidden ports are refused with errCode 2, before the address rule', async () => {
  const ports = [1, 80, 443, 1023, 1099, 1433, 3306, 3389, 5432, 6379, 8000, 8080, 8100, 8443, 8888, 9200, 11211, 27017, 27019];
  const { seen } = await refusals(ports.map((port) => ({ address: PEER, port })).concat([{ address: '10.0.0.1', port: 22 }]));
  expect(seen).toEqual(
    ports.concat([22]).map((port) => ({
      errMsg: 'connect:fail port ' + port + ' is forbidden (phones refuse ports below 1024 and a documented list)',
      errCode: 2,
    })),
  );
});

test('malformed addresses fail with errCode 1, malformed ports with errCode 2', async () => {
  const { socket, next, seen } = await refusals([
    { address: '', port: ECHO },
    { address: 'tcp://127.0.0.2', port: ECHO },
    { address: '127.0.0.2:' + ECHO, port: ECHO },
    { address: 'a host', port: ECHO },
    { address: 42, port: ECHO },
    { port: ECHO },
    { address: PEER, port: String(ECHO) },
    { address: PEER, port: 0 },
    { address: PEER, port: 65536 },
    { address: PEER, port: 9100.5 },
    { address: PEER },
  ]);
  const address = (a) => ({ errMsg: 'connect:fail invalid address ' + a, errCode: 1 });
  const port = (p) => ({ errMsg: 'connect:fail invalid port ' + p, errCode: 2 });
  expect(seen).toEqual([
    address('""'),
    address('"tcp://127.0.0.2"'),
    address('"127.0.0.2:' + ECHO + '"'),
    address('"a host"'),
    address('42'),
    address('undefined'),
    port(ECHO),
    port(0),
    port(65536),
    port(9100.5),
    port('undefined'),
  ]);
  socket.connect(new Object({ address: new String(PEER), port: ECHO }));
  await next('connect');
  socket.close();
});

test('an IPv4 socket takes no IPv6 address; an IPv6 socket no IPv4 one, and IPv6 peers are not on the LAN', async () => {
  const v4 = await refusals([{ address: '::1', port: 9100 }]);
  expect(v4.seen).toEqual([{ errMsg: 'connect:fail invalid address "::1"', errCode: 1 }]);
  const v6 = await refusals(
    [
      { address: '::1', port: 9100 },
      { address: '[fe80::1]', port: 9100 },
      { address: PEER, port: ECHO },
    ],
    'ipv6',
  );
  expect(v6.seen).toEqual([notAllowed('::1:9100'), notAllowed('[fe80::1]:9100'), { errMsg: 'connect:fail invalid address "' + PEER + '"', errCode: 1 }]);
});

test('the type option: ipv4 by default, anything but ipv6 is ipv4', async () => {
  for (const options of [undefined, {}, { type: 'ipv4' }, { type: 'IPV4' }, { type: 'udp6' }, { type: 6 }]) {
    const { socket, next } = recorded(options);
    socket.connect({ address: '::1', port: 9100 });
    expect((await next('error')).errCode).toBe(1);
  }
});
