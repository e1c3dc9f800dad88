// Node.js side of the UDP benchmark, with dgram.
import dgram from 'node:dgram';

const [host, port, total, inFlight] = process.argv.slice(2);
const TOTAL = Number(total);
const payload = Buffer.alloc(512, 120);
const socket = dgram.createSocket('udp4');
let sent = 0;
let received = 0;
let wrongSize = 0;
let begin = 0;
function send() {
  sent++;
  socket.send(payload, Number(port), host);
}
socket.on('message', (message) => {
  received++;
  if (message.length !== 512) wrongSize++;
  if (received === TOTAL) {
    console.log(JSON.stringify({ ms: Date.now() - begin, failed: wrongSize }));
    socket.close();
  } else if (sent < TOTAL) {
    send();
  }
});
socket.on('error', (e) => console.log(JSON.stringify({ error: String(e) })));
socket.bind(0, () => {
  begin = Date.now();
  for (let i = 0; i < Number(inFlight); i++) send();
});
