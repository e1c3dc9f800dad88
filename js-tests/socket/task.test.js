// Spec 8: wx.connectSocket and SocketTask.
const { takeWarnings } = require('wxrun');
const { WSS, LAN_WS, LAN_HTTP, record, opened, nextMessage, closed } = require('../helpers/ws');

describe('connectSocket', () => {
  test('returns a CONNECTING SocketTask; connectSocket:ok means it exists', async () => {
    const results = [];
    const task = wx.connectSocket({ url: WSS + '/echo', success: (r) => results.push(r), complete: (r) => results.push(r) });
    expect(task.readyState).toBe(task.CONNECTING);
    expect([task.CONNECTING, task.OPEN, task.CLOSING, task.CLOSED]).toEqual([0, 1, 2, 3]);
    expect(results).toEqual([]);
    await opened(task);
    expect(task.readyState).toBe(1);
    expect(results).toEqual([{ errMsg: 'connectSocket:ok' }, { errMsg: 'connectSocket:ok' }]);
    task.close({});
    await closed(task);
    expect(task.readyState).toBe(3);
  });

  test('a url that is not a string, or not ws/wss, fails synchronously and returns undefined', () => {
    const calls = [];
    expect(wx.connectSocket({ url: 5, fail: (e) => calls.push(e.errMsg) })).toBeUndefined();
    expect(wx.connectSocket({ url: 'https://ws.wxrun.test/echo', fail: (e) => calls.push(e.errMsg) })).toBeUndefined();
    expect(calls).toEqual(['connectSocket:fail parameter error: parameter.url should be String instead of Number;', 'connectSocket:fail invalid url "https://ws.wxrun.test/echo"']);
  });

  test('the handshake carries the Referer, User-Agent, the script headers and protocols', async () => {
    const task = wx.connectSocket({ url: WSS + '/headers', header: { 'X-App': 'demo', Referer: 'x' }, protocols: ['chat', 'v2'] });
    const [open, first] = await Promise.all([opened(task), nextMessage(task)]);
    const headers = JSON.parse(first);
    expect(headers.referer).toBe('https://servicewechat.com/touristappid/0/page-frame.html');
    expect(headers['user-agent']).toContain('MicroMessenger');
    expect(headers['x-app']).toBe('demo');
    expect(headers['sec-websocket-protocol']).toBe('chat, v2');
    expect(open.header['sec-websocket-protocol']).toBe('chat');
    expect(typeof open.profile.connectStart).toBe('number');
    expect(takeWarnings().map((w) => w.code)).toEqual(['referer']);
    task.close({});
  });

  test('a header that is not an object is dropped silently', async () => {
    const warned = [];
    const warn = console.warn;
    console.warn = (...args) => warned.push(args.join(' '));
    let headers;
    try {
      const task = wx.connectSocket({ url: WSS + '/headers', header: 'nope' });
      headers = JSON.parse(await nextMessage(task));
      task.close({});
      await closed(task);
    } finally {
      console.warn = warn;
    }
    // Read as an object, the string would have sent headers named 0..3.
    expect(Object.keys(headers).filter((name) => /^[0-9]+$/.test(name))).toEqual([]);
    expect(headers.referer).toBe('https://servicewechat.com/touristappid/0/page-frame.html');
    expect(warned).toEqual([]);
    expect(takeWarnings()).toEqual([]);
  });
});

describe('domains', () => {
  test('any port on a listed host; ws to a LAN peer', async () => {
    for (const url of ['wss://ws.wxrun.test:8443/echo', LAN_WS + '/echo']) {
      const task = wx.connectSocket({ url });
      const done = closed(task);
      await opened(task);
      task.close({});
      expect(await done).toEqual({ code: 1000, reason: '' });
    }
  });

  test('not in wsrequestdomain: onError then onClose 1006', async () => {
    const events = await record(wx.connectSocket({ url: 'wss://api.wxrun.test/echo' }));
    expect(events).toEqual([
      ['error', { errMsg: 'url not in domain list' }],
      ['close', { code: 1006, reason: 'url not in domain list' }],
    ]);
  });
});

describe('failures arrive as onError then onClose(1006)', () => {
  test.each([
    ['refused', () => 'ws://127.0.0.2:1/', '-102:net::ERR_CONNECTION_REFUSED'],
    ['handshake rejected (403)', () => LAN_WS + '/reject', 'Unexpected response code: 403'],
    ['not a WebSocket server (404)', () => LAN_HTTP.replace('http', 'ws') + '/status/404', 'Unexpected response code: 404'],
  ])('%s', async (name, url, message) => {
    const events = await record(wx.connectSocket({ url: url() }));
    expect(events).toEqual([['error', { errMsg: message }], ['close', { code: 1006, reason: message }]]);
  });

  test('server gone without a close frame', async () => {
    const events = await record(wx.connectSocket({ url: LAN_WS + '/drop' }));
    expect(events.map((e) => e[0])).toEqual(['open', 'error', 'close']);
    expect(events[2][1].code).toBe(1006);
  });

  test('timeout', async () => {
    const events = await record(wx.connectSocket({ url: LAN_HTTP.replace('http', 'ws') + '/echo?fault=stall', timeout: 300 }));
    expect(events).toEqual([['error', { errMsg: 'timeout' }], ['close', { code: 1006, reason: 'timeout' }]]);
  });
});

describe('messages', () => {
  test('text as string, binary as ArrayBuffer; every byte value round trips', async () => {
    const task = wx.connectSocket({ url: WSS + '/echo' });
    await opened(task);
    task.send({ data: 'héllo' });
    expect(await nextMessage(task)).toBe('héllo');
    const bytes = new Uint8Array(256).map((_, i) => i);
    const sent = [];
    task.send({ data: bytes.buffer, success: (r) => sent.push(r) });
    const echoed = await nextMessage(task);
    expect(echoed).toBeInstanceOf(ArrayBuffer);
    expect(new Uint8Array(echoed)).toEqual(bytes);
    expect(sent).toEqual([{ errMsg: 'sendSocketMessage:ok' }]);
    task.close({});
    await closed(task);
  });

  test('a 16 MiB message', async () => {
    const task = wx.connectSocket({ url: WSS + '/echo' });
    await opened(task);
    const big = new Uint8Array(16 * 1024 * 1024).map((_, i) => (i * 7) & 255);
    task.send({ data: big.buffer });
    const echoed = new Uint8Array(await nextMessage(task));
    expect(echoed.length).toBe(big.length);
    let same = true;
    for (let i = 0; i < big.length; i += 4099) if (echoed[i] !== big[i]) same = false;
    expect(same).toBe(true);
    expect(echoed[big.length - 1]).toBe(big[big.length - 1]);
    task.close({});
    await closed(task);
  }, 30000);

  test('messages arrive in order', async () => {
    const received = [];
    const task = wx.connectSocket({ url: LAN_WS + '/push?count=200' });
    await new Promise((resolve) =>
      task.onMessage((m) => {
        received.push(m.data);
        if (received.length === 200) resolve();
      }),
    );
    expect(received).toEqual(Array.from({ length: 200 }, (_, i) => 'push ' + i));
    task.close({});
  });

  test('send before open, or after close, fails', async () => {
    const task = wx.connectSocket({ url: WSS + '/echo' });
    const early = await new Promise((resolve) => task.send({ data: 'x', fail: resolve }));
    expect(early).toEqual({ errMsg: 'SocketTask.send:fail SocketTask.readyState is not OPEN' });
    await opened(task);
    const wrongType = await new Promise((resolve) => task.send({ data: 42, fail: resolve }));
    expect(wrongType.errMsg).toBe('SocketTask.send:fail parameter error: parameter.data should be String or ArrayBuffer instead of Number;');
    task.close({});
    await closed(task);
    const late = await new Promise((resolve) => task.send({ data: 'x', fail: resolve }));
    expect(late.errMsg).toBe('SocketTask.send:fail SocketTask.readyState is not OPEN');
  });
});

describe('close', () => {
  test('code 1000 or 3000..4999; reason at most 123 UTF-8 bytes', async () => {
    const task = wx.connectSocket({ url: WSS + '/echo' });
    await opened(task);
    const result = (options) => new Promise((resolve) => task.close(Object.assign(options, { complete: resolve })));
    for (const code of [999, 1001, 2999, 5000, 3000.5]) {
      expect(await result({ code })).toEqual({ errMsg: 'closeSocket:fail The code must be either 1000, or between 3000 and 4999' });
    }
    expect(await result({ code: 3000, reason: '好'.repeat(42) })).toEqual({ errMsg: 'closeSocket:fail The message must not be greater than 123 bytes' });
    expect(task.readyState).toBe(1);
    const closing = closed(task);
    expect(await result({ code: 4999, reason: '好'.repeat(41) })).toEqual({ errMsg: 'closeSocket:ok' });
    expect(await closing).toEqual({ code: 4999, reason: '好'.repeat(41) });
  });

  test('a server-initiated close reports its code and reason', async () => {
    const events = await record(wx.connectSocket({ url: LAN_WS + '/close?code=4001&reason=server%20says%20bye' }));
    expect(events.map((e) => e[0])).toEqual(['open', 'close']);
    expect(events[1][1]).toEqual({ code: 4001, reason: 'server says bye' });
  });
});

test('several listeners per event; all dropped after the close', async () => {
  const task = wx.connectSocket({ url: WSS + '/echo' });
  const seen = [];
  const listener = () => seen.push('a');
  task.onOpen(listener);
  task.onOpen(listener);
  task.onOpen(() => seen.push('b'));
  task.onClose(() => seen.push('closed'));
  // A listener of each kind that holds the only reference to an object: the object can be
  // collected once the task lets go of its listeners, and not before.
  const held = ['Open', 'Message', 'Error', 'Close'].map((kind) => {
    const object = { kind };
    task['on' + kind](() => object.kind);
    return new WeakRef(object);
  });
  await opened(task);
  expect(seen).toEqual(['a', 'a', 'b']);
  expect(held.map((ref) => ref.deref() && ref.deref().kind)).toEqual(['Open', 'Message', 'Error', 'Close']);
  task.close({});
  await closed(task);
  expect(seen).toEqual(['a', 'a', 'b', 'closed']);
  await new Promise((resolve) => setTimeout(resolve, 0));
  expect(held.map((ref) => ref.deref())).toEqual([undefined, undefined, undefined, undefined]);
  expect(typeof task.offOpen).toBe('undefined');
});
