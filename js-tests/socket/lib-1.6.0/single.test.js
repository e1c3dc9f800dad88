// Before base library 1.7.0: one socket; a new connectSocket closes the old one and returns no
// task; the global functions are the way to talk to it.
const { WSS } = require('../../helpers/ws');

test('one socket at a time, no task returned', async () => {
  const events = [];
  // Resolves when the events seen so far reach `count`.
  let waiting = null;
  const seen = (count) => new Promise((resolve) => (waiting = { count, resolve }));
  const record = (event) => {
    events.push(event);
    if (waiting && events.length >= waiting.count) waiting.resolve();
  };
  wx.onSocketOpen(() => record('open'));
  wx.onSocketClose((c) => record('close:' + c.code));
  wx.onSocketMessage((m) => record('message:' + m.data));
  expect(wx.connectSocket({ url: WSS + '/echo' })).toBeUndefined();
  await seen(1);
  // The second socket replaces the first: the first one's close is not reported, since the
  // global handlers follow the newest socket.
  expect(wx.connectSocket({ url: WSS + '/echo' })).toBeUndefined();
  await seen(2);
  await wx.sendSocketMessage({ data: 'hi' });
  await seen(3);
  await wx.closeSocket();
  await seen(4);
  expect(events).toEqual(['open', 'open', 'message:hi', 'close:1000']);
});
