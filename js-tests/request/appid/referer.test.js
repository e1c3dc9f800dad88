// The Referer carries the project's appid and the configured version.
const { request, API } = require('../../helpers/net');

test('Referer: https://servicewechat.com/{appid}/{version}/page-frame.html', async () => {
  const { result } = await request({ url: API + '/echo' });
  expect(result.data.headers.referer).toBe('https://servicewechat.com/wxreferer01/devtools/page-frame.html');
});

test('downloadFile, uploadFile and the WebSocket handshake carry the same Referer', async () => {
  const referer = 'https://servicewechat.com/wxreferer01/devtools/page-frame.html';
  const fs = wx.getFileSystemManager();
  const download = await new Promise((resolve) => wx.downloadFile({ url: 'https://download.wxrun.test/echo', complete: resolve }));
  expect(JSON.parse(fs.readFileSync(download.tempFilePath, 'utf8')).headers.referer).toBe(referer);
  require('wxrun').sandbox.put('wxfile://usr/r.txt', 'r');
  const upload = await new Promise((resolve) =>
    wx.uploadFile({ url: 'https://upload.wxrun.test/echo', filePath: 'wxfile://usr/r.txt', name: 'f', complete: resolve }),
  );
  expect(JSON.parse(upload.data).headers.referer).toBe(referer);
  const socket = wx.connectSocket({ url: 'wss://ws.wxrun.test/headers' });
  const handshake = await new Promise((resolve) => socket.onMessage((m) => resolve(JSON.parse(m.data))));
  socket.close({});
  expect(handshake.referer).toBe(referer);
});
