// Before base library 2.25.0 a TCPSocket has no bindWifi; before 3.4.0 onConnect reports
// nothing; before 3.6.4 the type option is not read (every socket is IPv4).
const { PEER, ECHO, recorded } = require('../../helpers/tcp');

test('no bindWifi, an empty onConnect result, no IPv6 sockets', async () => {
  expect(wx.canIUse('createTCPSocket')).toBe(true);
  const { socket, next } = recorded({ type: 'ipv6' });
  expect(socket.bindWifi).toBeUndefined();
  expect(socket.onBindWifi).toBeUndefined();
  expect(socket.offBindWifi).toBeUndefined();
  socket.connect({ address: PEER, port: ECHO });
  expect(await next('connect')).toEqual({});
  socket.close();
});
