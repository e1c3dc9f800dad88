// wxrun side of the UDP benchmark: TOTAL echo round trips of 512 bytes to HOST:PORT,
// IN_FLIGHT datagrams outstanding.
const [host, port, total, inFlight] = require('wxrun').args;
const TOTAL = Number(total);
const payload = new Uint8Array(512).fill(120).buffer;
const socket = wx.createUDPSocket();
socket.bind();
let sent = 0;
let received = 0;
let wrongSize = 0;
function send() {
  sent++;
  socket.send({ address: host, port: Number(port), message: payload });
}
socket.onMessage((m) => {
  received++;
  if (m.message.byteLength !== 512) wrongSize++;
  if (received === TOTAL) {
    console.log(JSON.stringify({ ms: Date.now() - begin, failed: wrongSize }));
    socket.close();
  } else if (sent < TOTAL) {
    send();
  }
});
socket.onError((e) => console.log(JSON.stringify({ error: e.errMsg })));
const begin = Date.now();
for (let i = 0; i < Number(inFlight); i++) send();
