// wxrun side of the WebSocket benchmark: N echo round trips of 1 KiB on one socket,
// IN_FLIGHT messages outstanding.
const [url, total, inFlight] = require('wxrun').args;
const TOTAL = Number(total);
const payload = 'x'.repeat(1024);
let sent = 0;
let received = 0;
let begin = 0;
const task = wx.connectSocket({ url });
function send() {
  sent++;
  task.send({ data: payload });
}
task.onOpen(() => {
  begin = Date.now();
  for (let i = 0; i < Number(inFlight); i++) send();
});
task.onMessage((message) => {
  received++;
  if (received === TOTAL) {
    console.log(JSON.stringify({ ms: Date.now() - begin, failed: message.data.length === 1024 ? 0 : 1 }));
    task.close({});
  } else if (sent < TOTAL) {
    send();
  }
});
task.onError((e) => console.log(JSON.stringify({ error: e.errMsg })));
