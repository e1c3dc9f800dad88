// urlCheck off: TCPSocket skips the LAN rule and tcpdomain, as UDPSocket does; forbidden ports
// and the ban on api.weixin.qq.com still hold.
const { env } = require('wxrun');
const { PEER, TCP_HOST_PORT, recorded } = require('../../helpers/tcp');

const HTTPS_PORT = Number(env.WXRUN_TESTKIT_HTTPS_PORT);

test('the device itself and unlisted hosts are reachable', async () => {
  const device = recorded();
  device.socket.connect({ address: '127.0.0.1', port: HTTPS_PORT });
  expect((await device.next('connect')).remoteInfo).toEqual({ address: '127.0.0.1', family: 'IPv4', port: HTTPS_PORT });
  device.socket.close();
  const unlisted = recorded();
  unlisted.socket.connect({ address: 'other.wxrun.test', port: TCP_HOST_PORT });
  expect((await unlisted.next('connect')).remoteInfo.address).toBe(PEER);
  unlisted.socket.close();
});

test('forbidden ports and the banned host are still refused', async () => {
  const { socket, next } = recorded();
  socket.connect({ address: PEER, port: 8080 });
  expect(await next('error')).toEqual({
    errMsg: 'connect:fail port 8080 is forbidden (phones refuse ports below 1024 and a documented list)',
    errCode: 2,
  });
  // Routed to the echo server by the testkit: only the ban keeps the socket away.
  socket.connect({ address: 'api.weixin.qq.com', port: TCP_HOST_PORT });
  expect(await next('error')).toEqual({ errMsg: 'connect:fail url not in domain list (api.weixin.qq.com:' + TCP_HOST_PORT + ')', errCode: -3 });
});
