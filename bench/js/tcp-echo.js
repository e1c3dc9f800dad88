// wxrun side of the TCP benchmark: TOTAL echo round trips of 512 bytes to HOST:PORT over one
// connection, IN_FLIGHT messages outstanding. A stream: echoes are counted in bytes.
const [host, port, total, inFlight] = require('wxrun').args;
const TOTAL = Number(total);
const IN_FLIGHT = Number(inFlight);
const SIZE = 512;
const payload = new Uint8Array(SIZE).fill(120).buffer;
const socket = wx.createTCPSocket();
let sent = 0;
let bytes = 0;
let begin = 0;
socket.onConnect(() => {
  begin = Date.now();
  for (; sent < IN_FLIGHT; sent++) socket.write(payload);
});
socket.onMessage((m) => {
  bytes += m.message.byteLength;
  const done = Math.floor(bytes / SIZE);
  if (done === TOTAL) {
    console.log(JSON.stringify({ ms: Date.now() - begin, failed: 0 }));
    socket.close();
    return;
  }
  for (; sent < TOTAL && sent - done < IN_FLIGHT; sent++) socket.write(payload);
});
socket.onError((e) => console.log(JSON.stringify({ error: e.errMsg })));
socket.connect({ address: host, port: Number(port) });
