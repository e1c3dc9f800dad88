// Spec 8: the limit of 5, the global socket functions and the default socket.
const { takeWarnings, app } = require('wxrun');
const { WSS, LAN_WS, opened, closed, nextMessage } = require('../helpers/ws');

async function closeAll(tasks) {
  await Promise.all(
    tasks.map((task) => {
      if (task.readyState === 3) return undefined;
      const done = closed(task);
      task.close({});
      return done;
    }),
  );
}

test('at most 5 connecting or open; the sixth is CLOSED and fails', async () => {
  const tasks = [];
  for (let i = 0; i < 5; i++) tasks.push(wx.connectSocket({ url: WSS + '/echo' }));
  const failures = [];
  const sixth = wx.connectSocket({ url: WSS + '/echo', fail: (e) => failures.push(e) });
  expect(sixth.readyState).toBe(3);
  await Promise.all(tasks.map(opened));
  expect(failures).toEqual([{ errMsg: 'connectSocket:fail fail reach max websocket connect count 5' }]);
  const first = tasks.shift();
  first.close({});
  await closed(first);
  const again = wx.connectSocket({ url: WSS + '/echo' });
  tasks.push(again);
  await opened(again);
  await closeAll(tasks);
});

test('sockets that failed free their slots of the 5', async () => {
  const tasks = [];
  for (let i = 0; i < 3; i++) tasks.push(wx.connectSocket({ url: WSS + '/echo' }));
  await Promise.all(tasks.map(opened));
  // Two that fail: one refused by the domain list, one rejected by the server.
  const failing = [wx.connectSocket({ url: 'wss://other.wxrun.test/echo' }), wx.connectSocket({ url: LAN_WS + '/reject' })];
  expect((await Promise.all(failing.map(closed))).map((c) => c.code)).toEqual([1006, 1006]);
  const failures = [];
  const more = [0, 1].map(() => wx.connectSocket({ url: WSS + '/echo', fail: (e) => failures.push(e.errMsg) }));
  await Promise.all(more.map(opened));
  expect(failures).toEqual([]);
  await closeAll(tasks.concat(more));
});

test('the global functions talk to the default socket: the first one created', async () => {
  const events = [];
  wx.onSocketOpen(() => events.push('replaced'));
  wx.onSocketOpen((res) => events.push('open'));
  wx.onSocketMessage((res) => events.push('message:' + res.data));
  wx.onSocketClose((res) => events.push('close:' + res.code));
  const first = wx.connectSocket({ url: WSS + '/echo' });
  const second = wx.connectSocket({ url: LAN_WS + '/echo' });
  await Promise.all([opened(first), opened(second)]);
  expect(events).toEqual(['open']);
  const sent = await wx.sendSocketMessage({ data: 'to the default' });
  expect(sent).toEqual({ errMsg: 'sendSocketMessage:ok' });
  expect(await nextMessage(first)).toBe('to the default');
  second.send({ data: 'not the default' });
  await nextMessage(second);
  expect(events).toEqual(['open', 'message:to the default']);
  // closeSocket closes the default and every other socket.
  const result = await wx.closeSocket({ code: 4000 });
  expect(result).toEqual({ errMsg: 'closeSocket:ok' });
  await Promise.all([closed(first), closed(second)]);
  expect(events).toEqual(['open', 'message:to the default', 'close:4000']);
  for (const fn of [wx.onSocketOpen, wx.onSocketMessage, wx.onSocketClose]) fn(() => {});
});

test('with the default closed, the next socket becomes the default', async () => {
  const seen = [];
  wx.onSocketMessage((res) => seen.push(res.data));
  const next = wx.connectSocket({ url: WSS + '/echo' });
  await opened(next);
  await wx.sendSocketMessage({ data: 'new default' });
  await nextMessage(next);
  expect(seen).toEqual(['new default']);
  wx.onSocketMessage(() => {});
  await closeAll([next]);
});

test('nothing connected: sendSocketMessage and closeSocket fail; the Promise rejects with the fail object', async () => {
  await expect(wx.sendSocketMessage({ data: 'x' })).rejects.toEqual({ errMsg: 'sendSocketMessage:fail WebSocket is not connected' });
  await expect(wx.closeSocket()).rejects.toEqual({ errMsg: 'closeSocket:fail WebSocket is not connected' });
  const calls = [];
  let completed;
  const done = new Promise((resolve) => (completed = resolve));
  expect(wx.closeSocket({ fail: (e) => calls.push(e.errMsg), complete: completed })).toBeUndefined();
  expect(calls).toEqual([]);
  await done;
  expect(calls).toEqual(['closeSocket:fail WebSocket is not connected']);
});

test('closeSocket before the socket opened does not stop it (warned)', async () => {
  const opens = [];
  wx.onSocketOpen(() => opens.push('open'));
  const task = wx.connectSocket({ url: WSS + '/echo' });
  const result = await wx.closeSocket();
  expect(result).toEqual({ errMsg: 'closeSocket:ok' });
  await opened(task);
  expect(opens).toEqual(['open']);
  expect(takeWarnings().map((w) => w.code)).toEqual(['close-before-open']);
  wx.onSocketOpen(() => {});
  await closeAll([task]);
});

test('in the background, open sockets close with reason interrupted', async () => {
  const task = wx.connectSocket({ url: WSS + '/echo' });
  await opened(task);
  const done = closed(task);
  app.hide();
  try {
    expect(await done).toEqual({ code: 1001, reason: 'interrupted' });
    const late = wx.connectSocket({ url: WSS + '/echo' });
    const events = [];
    late.onError((e) => events.push(e.errMsg));
    late.onClose((c) => events.push(c.reason));
    await closed(late);
    expect(events).toEqual(['interrupted', 'interrupted']);
  } finally {
    app.show();
  }
});
