// The offline tour: a request, a POST with a token in its query, a download and a WebSocket
// conversation, answered from tour.har, which was recorded against wxrun's test servers.
// Nothing here touches the network:
//
//   cargo run --release -- run --replay examples/offline/tour.har examples/offline/tour.js
//
// Re-record it with the servers of `wx-testkit` running (see docs/recording.md).
const API = 'https://api.wxrun.test';

function request(options) {
  return new Promise((resolve, reject) => wx.request({ ...options, success: resolve, fail: reject }));
}

async function main() {
  const list = await request({ url: API + '/json/3' });
  console.log('GET /json/3 ->', list.statusCode, list.data.map((item) => item.name).join(', '));

  const echoed = await request({
    url: API + '/echo?access_token=abc123&page=1',
    method: 'POST',
    header: { Authorization: 'Bearer abc123' },
    data: { hello: 'wxrun' },
  });
  console.log('POST /echo ->', echoed.statusCode, 'server saw body', echoed.data.body);

  const download = await new Promise((resolve, reject) =>
    wx.downloadFile({ url: 'https://download.wxrun.test/bytes/2048', success: resolve, fail: reject }),
  );
  const size = wx.getFileSystemManager().statSync(download.tempFilePath).size;
  console.log('download ->', download.statusCode, size, 'bytes at', download.tempFilePath);

  await new Promise((resolve) => {
    const socket = wx.connectSocket({ url: 'wss://ws.wxrun.test/echo' });
    const replies = [];
    socket.onOpen(() => {
      socket.send({ data: 'ping' });
    });
    socket.onMessage(({ data }) => {
      replies.push(data);
      if (replies.length === 1) socket.send({ data: 'pong?' });
      else socket.close({ code: 1000, reason: 'done' });
    });
    socket.onClose(({ code }) => {
      console.log('socket -> replies', JSON.stringify(replies), 'closed with', code);
      resolve();
    });
  });
}

main().catch((error) => {
  console.error('tour failed:', error.errMsg || error);
  require('wxrun').exit(1);
});
