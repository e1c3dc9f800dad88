// Node.js side of the WebSocket benchmark, with the ws package.
import WebSocket from 'ws';

const [url, total, inFlight] = process.argv.slice(2);
const TOTAL = Number(total);
const payload = 'x'.repeat(1024);
let sent = 0;
let received = 0;
let begin = 0;
const socket = new WebSocket(url);
function send() {
  sent++;
  socket.send(payload);
}
socket.on('open', () => {
  begin = Date.now();
  for (let i = 0; i < Number(inFlight); i++) send();
});
socket.on('message', (data) => {
  received++;
  if (received === TOTAL) {
    console.log(JSON.stringify({ ms: Date.now() - begin, failed: data.length === 1024 ? 0 : 1 }));
    socket.close();
  } else if (sent < TOTAL) {
    send();
  }
});
socket.on('error', (e) => console.log(JSON.stringify({ error: String(e) })));
