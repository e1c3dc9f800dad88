// At most 20 TCPSockets created in 5 minutes (each test file runs in its own process, so this
// file starts with none). The 21st still exists, as on a phone, but reports the limit.
const { PEER, ECHO, recorded } = require('../helpers/tcp');

test('the 21st createTCPSocket within 5 minutes reports "create too much"', async () => {
  const first = [];
  for (let i = 0; i < 19; i++) first.push(wx.createTCPSocket());
  const twentieth = recorded();
  const over = recorded();
  const tooMuch = { errMsg: 'createTCPSocket:fail create too much: at most 20 TCPSockets in 5 minutes', errCode: -1 };
  expect(await over.next('error')).toEqual(tooMuch);
  over.socket.connect({ address: PEER, port: ECHO });
  expect(await over.next('error')).toEqual({ errMsg: 'connect:fail create too much: at most 20 TCPSockets in 5 minutes', errCode: -1 });
  // Closing sockets does not give their places back.
  for (const socket of first) socket.close();
  const later = recorded();
  expect((await later.next('error')).errCode).toBe(-1);
  twentieth.socket.connect({ address: PEER, port: ECHO });
  await twentieth.next('connect');
  twentieth.socket.close();
  expect(over.errors()).toHaveLength(2);
});
