// Before base library 1.7.0: one socket; a new connectSocket closes the old one and returns no
// task; the global functions are the way to talk to it.
const { WSS } = require('../../helpers/ws');

test('one socket at a time, no task returned', async () => {
  const events = [];
  wx.onSocketOpen(() => events.push('open'));
  wx.onSocketClose((c) => events.push('close:' + c.code));
  wx.onSocketMessage((m) => events.push('message:' + m.data));
  expect(wx.connectSocket({ url: WSS + '/echo' })).toBeUndefined();
  await new Promise((resolve) => setTimeout(resolve, 300));
  expect(wx.connectSocket({ url: WSS + '/echo' })).toBeUndefined();
  await new Promise((resolve) => setTimeout(resolve, 300));
  await wx.sendSocketMessage({ data: 'hi' });
  await new Promise((resolve) => setTimeout(resolve, 200));
  await wx.closeSocket();
  await new Promise((resolve) => setTimeout(resolve, 200));
  expect(events).toEqual(['open', 'open', 'message:hi', 'close:1000']);
});
